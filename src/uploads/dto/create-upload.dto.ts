import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, Min } from 'class-validator';
import { USER_ID_MESSAGE, USER_ID_PATTERN } from '../../common/validation/user-id';
import { emptyAsAbsent, toBoolean, toInteger } from './form-values';

export const PRIVACY_LEVELS = [
  'PUBLIC_TO_EVERYONE',
  'MUTUAL_FOLLOW_FRIENDS',
  'FOLLOWER_OF_CREATOR',
  'SELF_ONLY',
] as const;


/** The fields of `POST /api/tiktok/upload`, as multipart form fields or a JSON body (README "Publishing videos"). */
export class CreateUploadDto {
  /** Your own id for the end user. */
  @Matches(USER_ID_PATTERN, { message: USER_ID_MESSAGE })
  userId: string;

  /** `inbox` sends a draft to the user's TikTok inbox (video.upload); `direct` posts it (video.publish). */
  @IsOptional()
  @IsIn(['inbox', 'direct'])
  mode?: 'inbox' | 'direct';

  /** For TikTok to pull instead of a file (JSON only); the domain must be verified with TikTok. */
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  videoUrl?: string;

  /** Caption for a direct post (hashtags and mentions included). */
  @IsOptional()
  @IsString()
  @MaxLength(2200)
  title?: string;

  /** Appended to the caption on a new line; title and description together must fit TikTok's 2200 characters. */
  @IsOptional()
  @IsString()
  @MaxLength(2200)
  description?: string;

  /** Required for `direct`: one of the creator's current privacyLevelOptions (see creator-info); never defaulted. */
  @IsOptional()
  @IsIn(PRIVACY_LEVELS)
  privacyLevel?: (typeof PRIVACY_LEVELS)[number];

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  disableComment?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  disableDuet?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  disableStitch?: boolean;

  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  coverTimestampMs?: number;

  /** Paid partnership (third-party brand); cannot be private (SELF_ONLY). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  brandContent?: boolean;

  /** Promotes the creator's own business. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  brandOrganic?: boolean;

  /** Labels the video as AI-generated. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  isAigc?: boolean;

  /**
   * Schedules the post: an ISO 8601 instant with an explicit offset or Z, at least one minute ahead and at most
   * SCHEDULE_MAX_DAYS. The upload waits in status `scheduled`; nothing reaches TikTok before.
   */
  @IsOptional()
  @Transform(emptyAsAbsent)
  @IsString()
  publishAt?: string;
}
