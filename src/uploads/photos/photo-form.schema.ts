import { ApiOperationOptions } from '@nestjs/swagger';
import { PRIVACY_LEVELS } from '../dto/create-upload.dto';
import { flagField, PUBLISH_AT_FIELD, textField, USER_ID_FIELD } from '../dto/form-schema-fields';
import {
  MAX_PHOTO_BYTES,
  MAX_PHOTO_COUNT,
  MAX_PHOTO_DESCRIPTION_UTF16,
  MAX_PHOTO_TITLE_UTF16,
} from '../../tiktok-api/tiktok-limits';

type RequestBody = NonNullable<ApiOperationOptions['requestBody']>;

/** The fields both forms share, in the order a form must send them (fields before the images). */
const FIELDS = {
  userId: USER_ID_FIELD,
  mode: {
    type: 'string',
    enum: ['inbox', 'direct'],
    example: 'inbox',
    description:
      "`inbox`: a draft in the TikTok inbox (TikTok's MEDIA_UPLOAD, video.upload); `direct`: posted (video.publish)",
  },
  coverIndex: { type: 'integer', minimum: 0, default: 0, description: 'The cover image, 0-based' },
  title: textField(MAX_PHOTO_TITLE_UTF16, 'Title (UTF-16 code units)'),
  description: textField(
    MAX_PHOTO_DESCRIPTION_UTF16,
    'Description, hashtags and mentions included (UTF-16 code units)',
  ),
  privacyLevel: {
    type: 'string',
    enum: [...PRIVACY_LEVELS],
    description: "Required for direct: one of creator-info's privacyLevelOptions; never defaulted",
  },
  disableComment: flagField('Direct: turn comments off'),
  autoAddMusic: flagField('Direct: TikTok adds a recommended track the creator can change'),
  brandContent: flagField('Direct: paid partnership (a third-party brand); cannot be SELF_ONLY'),
  brandOrganic: flagField("Direct: promotes the creator's own business"),
  isAigc: flagField('Direct: labels the post as AI-generated'),
  publishAt: PUBLISH_AT_FIELD,
};

/**
 * `POST /api/tiktok/photos` takes a JSON body naming the images for TikTok to pull, or (with MEDIA_PUBLIC_URL set) a
 * form whose last parts are the images, which the gateway checks, keeps and serves to TikTok.
 */
export const PHOTO_POST_REQUEST_BODY: RequestBody = {
  required: true,
  description:
    'application/json: the fields with `photoUrls`. multipart/form-data (only when the gateway has MEDIA_PUBLIC_URL): ' +
    'the fields, then each image in a `photos` part, in carousel order.',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['userId', 'mode', 'photoUrls'],
        additionalProperties: false,
        properties: {
          ...FIELDS,
          photoUrls: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_PHOTO_COUNT,
            items: { type: 'string', format: 'uri' },
            example: ['https://media.example.com/posts/1.jpg', 'https://media.example.com/posts/2.webp'],
            description: 'JPEG or WebP images TikTok pulls, in order; https under a URL prefix verified with TikTok',
          },
        },
      },
      example: {
        userId: 'crm:customer-1042',
        mode: 'inbox',
        photoUrls: ['https://media.example.com/posts/1.jpg', 'https://media.example.com/posts/2.webp'],
      },
    },
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['userId', 'mode', 'photos'],
        properties: {
          ...FIELDS,
          photos: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_PHOTO_COUNT,
            items: { type: 'string', format: 'binary' },
            description: `JPEG or WebP, at most ${MAX_PHOTO_BYTES} bytes and 1920x1080 (either orientation) each; the last parts`,
          },
        },
      },
      encoding: { photos: { contentType: 'image/jpeg, image/webp' } },
    },
  },
};
