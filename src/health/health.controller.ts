import { Controller, Get } from '@nestjs/common';
import { ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../common/auth/auth.decorators';
import { SkipRateLimits } from '../rate-limits/rate-limit.guard';
import { ErrorResponse } from '../common/http/error.response';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@SkipRateLimits()
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
