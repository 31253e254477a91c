import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../common/auth/auth.decorators';
import { SkipRateLimits } from '../rate-limits/rate-limit.guard';
import { ApiErrorResponse } from '../common/http/api-errors';
import { LivenessResponse, ReadinessResponse } from './dto/health.response';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@SkipRateLimits()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @ApiOkResponse({ type: LivenessResponse })
  getLiveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database, Redis and the malware scanner (when configured) answer. */
  @Get('ready')
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiErrorResponse(503, ['service_unavailable'], 'A backing service is down; details.checks say which')
  getReadiness(): Promise<HealthCheckResult> {
    return this.health.checkReadiness();
  }
}
