import { HttpStatus } from '@nestjs/common';
import { AppError, ValidationFailedError } from '../../common/errors/app-error';
import { TikTokCreatorInfo } from '../../tiktok-api/tiktok-api.models';
import { CreateUploadDto } from '../dto/create-upload.dto';

type DirectPostFields = Pick<CreateUploadDto, 'title' | 'description' | 'privacyLevel' | 'brandContent'>;

export const MAX_CAPTION_UTF16 = 2200;

/** Caption sent to TikTok: title, then description on a new line (docs/tiktok.md §5.2: max 2200 UTF-16 units). */
export function captionOf(dto: Pick<CreateUploadDto, 'title' | 'description'>): string | undefined {
  const caption = [dto.title, dto.description].filter((part) => part && part.length > 0).join('\n');
  return caption.length > 0 ? caption : undefined;
}

/**
 * TikTok's Direct Post rules checked against the creator's current creator_info before any init (docs/lessons.md #1,
 * #3 of "what none of them does"): an explicit privacy level from the offered options, caption length, and no
 * branded content in private posts.
 */
export function checkDirectPost(dto: DirectPostFields, creator: TikTokCreatorInfo): void {
  checkDirectPostFields(dto, creator.privacyLevelOptions);
  if (!creator.privacyLevelOptions.includes(dto.privacyLevel!)) {
    throw new ValidationFailedError(`privacyLevel ${dto.privacyLevel} is not offered to this creator right now.`, {
      field: 'privacyLevel',
      allowed: creator.privacyLevelOptions,
    });
  }
}

/**
 * The Direct Post rules that need no creator_info: a scheduled post is checked with these at intake and against
 * the creator's options only when it starts. `allowed` is named in the refusal when known.
 */
export function checkDirectPostFields(dto: DirectPostFields, allowed?: string[]): void {
  const caption = captionOf(dto);
  // JavaScript string length counts UTF-16 code units, TikTok's unit.
  if (caption && caption.length > MAX_CAPTION_UTF16) {
    throw new ValidationFailedError(
      `title and description together are ${caption.length} characters; TikTok allows ${MAX_CAPTION_UTF16}.`,
      {
        field: 'title',
        measured: caption.length,
        limit: MAX_CAPTION_UTF16,
      },
    );
  }
  if (!dto.privacyLevel) {
    throw new ValidationFailedError(
      "privacyLevel is required for direct posts: choose one of the creator's privacyLevelOptions.",
      {
        field: 'privacyLevel',
        ...(allowed ? { allowed } : {}),
      },
    );
  }
  if (dto.brandContent && dto.privacyLevel === 'SELF_ONLY') {
    throw new AppError(
      'validation_failed',
      "Branded content cannot be posted with privacy SELF_ONLY (TikTok's rule).",
      HttpStatus.BAD_REQUEST,
      {
        field: 'brandContent',
      },
    );
  }
}
