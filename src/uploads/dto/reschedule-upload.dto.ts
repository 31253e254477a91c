import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/** The body of `PATCH /api/tiktok/uploads/{id}`: a new time for a post still `scheduled`. */
export class RescheduleUploadDto {
  /** The same rules as on creation: ISO 8601 with an offset or Z, one minute to SCHEDULE_MAX_DAYS ahead. */
  @ApiProperty({ format: 'date-time', example: '2026-12-24T18:00:00+01:00' })
  @IsString()
  publishAt: string;
}
