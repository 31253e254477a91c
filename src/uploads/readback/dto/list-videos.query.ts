import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { UserIdQuery } from '../../../tokens/dto/user-id.dto';

export class ListVideosQuery extends UserIdQuery {
  /** Posts per page, 1-20 (TikTok's own bounds), default 10. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;

  /** `nextCursor` of the previous page, as given. */
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the nextCursor of a previous page, as given' })
  cursor?: string;
}
