import { ValidationFailedError } from '../../common/errors/app-error';
import { TikTokCreatorInfo } from '../../tiktok-api/tiktok-api.models';
import { MAX_PHOTO_COUNT, MAX_PHOTO_DESCRIPTION_UTF16, MAX_PHOTO_TITLE_UTF16 } from '../../tiktok-api/tiktok-limits';
import { checkDirectPost, checkDirectPostFields } from '../rules/direct-post-rules';
import { CreatePhotoPostDto } from './dto/create-photo-post.dto';

/** docs/tiktok.md §5.4: title 90 and description 4000 UTF-16 code units (String.length counts exactly those). */
export function checkPhotoText(dto: Pick<CreatePhotoPostDto, 'title' | 'description'>): void {
  for (const [field, limit] of [
    ['title', MAX_PHOTO_TITLE_UTF16],
    ['description', MAX_PHOTO_DESCRIPTION_UTF16],
  ] as const) {
    const measured = dto[field]?.length ?? 0;
    if (measured > limit) {
      throw new ValidationFailedError(`${field} is ${measured} characters; TikTok allows ${limit} in a photo post.`, {
        field,
        measured,
        limit,
      });
    }
  }
}

/** docs/tiktok.md §5.4: 1 to 35 images (no minimum is documented, but a post needs one) and a cover among them. */
export function checkPhotoCount(field: string, count: number, coverIndex: number): void {
  if (count < 1 || count > MAX_PHOTO_COUNT) {
    throw new ValidationFailedError(`A photo post takes 1 to ${MAX_PHOTO_COUNT} images; ${field} has ${count}.`, {
      field,
      rule: 'count',
      measured: count,
      limit: MAX_PHOTO_COUNT,
    });
  }
  if (coverIndex >= count) {
    throw new ValidationFailedError(`coverIndex ${coverIndex} is past the last image (index ${count - 1}).`, {
      field: 'coverIndex',
      measured: coverIndex,
      limit: count - 1,
    });
  }
}

/** Direct photo posts follow the same creator_info rules as videos: explicit offered privacy, no private brand. */
export function checkDirectPhotoPost(dto: CreatePhotoPostDto, creator?: TikTokCreatorInfo): void {
  const fields = { privacyLevel: dto.privacyLevel, brandContent: dto.brandContent };
  // A scheduled post is checked against the creator's options when it starts (schedule/scheduled-start.service.ts).
  if (creator) checkDirectPost(fields, creator);
  else checkDirectPostFields(fields);
}
