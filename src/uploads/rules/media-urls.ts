import { ValidationFailedError } from '../../common/errors/app-error';
import { isVerifiedMediaUrl, pullableUrl, VerifiedMediaUrls } from '../../common/net/media-url-rules';

/**
 * A media URL TikTok may pull (docs/tiktok.md §6.3): https (http only on loopback hosts) and, when
 * TIKTOK_VERIFIED_URL_PREFIXES is set, under it — else TikTok would answer url_ownership_unverified after the init.
 */
export function checkMediaUrl(field: string, url: string, verified: VerifiedMediaUrls | undefined, index?: number) {
  const at = index === undefined ? {} : { index };
  if (!pullableUrl(url)) {
    throw new ValidationFailedError(`${field} must be absolute https URLs (http only on loopback hosts): ${url}`, {
      field,
      ...at,
      rule: 'https',
    });
  }
  if (verified && !isVerifiedMediaUrl(url, verified)) {
    throw new ValidationFailedError(
      `${url} is not under a URL prefix or domain verified with TikTok (TIKTOK_VERIFIED_URL_PREFIXES).`,
      { field, ...at, rule: 'verified_url', verified: [...verified.prefixes, ...verified.domains] },
    );
  }
}
