import { Controller, Get } from '@nestjs/common';
import { ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/http/error.response';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  getLiveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database, Redis and the malware scanner (when configured) answer. */
  @Get('ready')
  @ApiServiceUnavailableResponse({ type: ErrorResponse })
  getReadiness(): Promise<HealthCheckResult> {
    return this.health.checkReadiness();
  }
}
