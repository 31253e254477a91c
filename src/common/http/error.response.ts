import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '../errors/app-error';

export class ErrorBody {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', description: 'Stable; see docs/errors.md.' })
  code: ErrorCode;

  @ApiProperty({ description: 'For people: what was wrong and what to send instead.' })
  message: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Machine-readable facts.' })
  details?: Record<string, unknown>;

  @ApiProperty({
    description: 'Also in the X-Request-Id header and in our logs.',
    example: '0b6f4c3e-7d52-4a55-9a8e-2f1f8d0c9a41',
  })
  requestId: string;
}

/** The error envelope every refusal has (AllExceptionsFilter) and its Swagger schema. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorBody })
  error: ErrorBody;
}
