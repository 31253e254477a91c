import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

const checks = (description: string, example: Record<string, unknown>): ApiPropertyOptions => ({
  type: 'object',
  description,
  example,
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
});

/** Terminus's result: every check by name (database, and redis and malware_scanner when configured). */
export class ReadinessResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty(checks('The checks that passed', { database: { status: 'up' } }))
  info: Record<string, { status: 'up' | 'down' }>;

  @ApiProperty(checks('The checks that failed (empty when ready)', {}))
  error: Record<string, { status: 'up' | 'down' }>;

  @ApiProperty(checks('Every check', { database: { status: 'up' } }))
  details: Record<string, { status: 'up' | 'down' }>;
}
