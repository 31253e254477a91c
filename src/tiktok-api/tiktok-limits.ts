// TikTok's numeric limits on uploaded media, in one file with no imports so that the configuration schema, the
// chunk planner and the video rules all read the same numbers.
//
// docs/tiktok.md §6.1 and §13. TikTok never says whether "MB" is 10^6 or 2^20 bytes, so every bound is
// taken at its stricter reading: chunks 5,242,880..64,000,000, whole uploads under 5,242,880.
export const MIN_CHUNK_BYTES = 5_242_880;
export const MAX_CHUNK_BYTES = 64_000_000;
export const MAX_FINAL_CHUNK_BYTES = 128_000_000;
export const MAX_CHUNK_COUNT = 1000;
/** docs/tiktok.md §7: the largest video TikTok takes (4 GB). */
export const MAX_VIDEO_BYTES = 4_294_967_296;

// docs/tiktok.md §5.4 and §7: photo posts. "20 MB" and "1080p" are taken at their stricter readings: 20,000,000
// bytes, and 1920x1080 in either orientation.
export const MAX_PHOTO_COUNT = 35;
export const MAX_PHOTO_BYTES = 20_000_000;
export const MAX_PHOTO_LONG_SIDE = 1920;
export const MAX_PHOTO_SHORT_SIDE = 1080;
export const MAX_PHOTO_TITLE_UTF16 = 90;
export const MAX_PHOTO_DESCRIPTION_UTF16 = 4000;
