import { TokenCipher } from '../../common/crypto/token-cipher';
import { TikTokPhotoPost, TikTokPrivacyLevel } from '../../tiktok-api/tiktok-api.models';
import { Upload } from '../upload.entity';

/** The serving URLs of received photos carry their secret: sealed with the upload id, like TikTok's upload URL. */
export function photoUrlsAad(uploadId: string): string {
  return `upload:${uploadId}:photo_urls`;
}

/**
 * The photo init of docs/tiktok.md §5.4 for an upload: the images in order with the cover index; a direct post adds
 * the privacy level the intake checked against creator_info and the post settings; an inbox post only text.
 */
export function photoPostOf(upload: Upload, cipher: TokenCipher): TikTokPhotoPost {
  const photos = upload.photos!;
  const imageUrls =
    photos.urls ?? (JSON.parse(cipher.decrypt(photos.urlsCiphertext!, photoUrlsAad(upload.id))) as string[]);
  const post = upload.post;
  return {
    imageUrls,
    coverIndex: photos.coverIndex,
    title: post.title,
    description: post.description,
    direct:
      upload.mode === 'direct'
        ? {
            privacyLevel: post.privacyLevel as TikTokPrivacyLevel,
            disableComment: post.disableComment,
            autoAddMusic: post.autoAddMusic,
            brandContentToggle: post.brandContent ?? false,
            brandOrganicToggle: post.brandOrganic,
            isAigc: post.isAigc,
          }
        : undefined,
  };
}
