import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { register } from 'prom-client';
import { Public } from '../common/auth/auth.decorators';
import { SkipRateLimits } from '../rate-limits/rate-limit.guard';

@ApiTags('operations')
@Public()
@SkipRateLimits()
@Controller('metrics')
export class MetricsController {
  /** Prometheus text exposition of every metric. */
  @Get()
  @Header('Content-Type', register.contentType)
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  getMetrics(): Promise<string> {
    return register.metrics();
  }
}
