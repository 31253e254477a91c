import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ErrorBody {
  @ApiProperty({ example: 'validation_failed', description: 'A stable code from API.md.' })
  code: string;

  @ApiProperty({ example: 'Invalid request: userId must match ...' })
  message: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;

  @ApiProperty({ example: '4f1c2d3e-...' })
  requestId: string;
}

/** The error envelope of API.md: the body every refusal has (AllExceptionsFilter) and its Swagger schema. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorBody })
  error: ErrorBody;
}
