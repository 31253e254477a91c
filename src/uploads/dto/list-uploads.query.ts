import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { USER_ID_MESSAGE, USER_ID_PATTERN } from '../../common/validation/user-id';
import { UPLOAD_STATUSES, UploadStatus } from '../upload.entity';

export class ListUploadsQuery {
  @IsOptional()
  @Matches(USER_ID_PATTERN, { message: USER_ID_MESSAGE })
  userId?: string;

  @IsOptional()
  @IsIn(UPLOAD_STATUSES)
  status?: UploadStatus;

  /** 1-100, default 20. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  cursor?: string;
}
