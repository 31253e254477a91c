import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { USER_ID_MESSAGE, USER_ID_PATTERN } from '../../../common/validation/user-id';
import { PRIVACY_LEVELS } from '../../dto/create-upload.dto';
import { emptyAsAbsent, toBoolean, toInteger } from '../../dto/form-values';


/**
 * The fields of `POST /api/tiktok/photos`, as a JSON body (with `photoUrls`) or as the form fields before the
 * `photos` file parts. Counts, the cover index and the text lengths are judged by photo-post-rules.ts, so the refusal
 * names the rule and the limit.
 */
export class CreatePhotoPostDto {
  /** Your own id for the end user. */
  @Matches(USER_ID_PATTERN, { message: USER_ID_MESSAGE })
  userId: string;

  /** `inbox` sends a draft to the TikTok inbox (MEDIA_UPLOAD, video.upload); `direct` posts it (video.publish). */
  @IsIn(['inbox', 'direct'])
  mode: 'inbox' | 'direct';

  /** JSON only: 1 to 35 image URLs (JPEG or WebP) for TikTok to pull, in carousel order. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  photoUrls?: string[];

  /** Which image (0-based) is the cover; the first when absent. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  coverIndex?: number;

  @IsOptional()
  @IsString()
  title?: string;

  @IsOptional()
  @IsString()
  description?: string;

  /** Required for `direct`: one of the creator's current privacyLevelOptions; never defaulted. */
  @IsOptional()
  @IsIn(PRIVACY_LEVELS)
  privacyLevel?: (typeof PRIVACY_LEVELS)[number];

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  disableComment?: boolean;

  /** Lets TikTok add a recommended track the creator can change later. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  autoAddMusic?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  brandContent?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  brandOrganic?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  isAigc?: boolean;

  /** Schedules the post, as on `POST /api/tiktok/upload`: ISO 8601 with an offset, one minute to SCHEDULE_MAX_DAYS. */
  @IsOptional()
  @Transform(emptyAsAbsent)
  @IsString()
  publishAt?: string;
}
