import { ApiOperationOptions } from '@nestjs/swagger';
import { PRIVACY_LEVELS } from '../dto/create-upload.dto';
import { flagField, PUBLISH_AT_FIELD, textField, USER_ID_FIELD } from '../dto/form-schema-fields';

type RequestBody = NonNullable<ApiOperationOptions['requestBody']>;

/** The fields both forms share, in the order a form must send them (fields before the file). */
const FIELDS = {
  userId: USER_ID_FIELD,
  mode: {
    type: 'string',
    enum: ['inbox', 'direct'],
    default: 'inbox',
    description: '`inbox` sends a draft to the TikTok inbox (video.upload); `direct` posts it (video.publish)',
  },
  title: textField(2200, 'Caption (direct posts), hashtags and mentions included'),
  description: textField(2200, 'Appended to the caption on a new line'),
  privacyLevel: {
    type: 'string',
    enum: [...PRIVACY_LEVELS],
    description: "Required for direct: one of creator-info's privacyLevelOptions; never defaulted",
  },
  disableComment: flagField('Turn comments off'),
  disableDuet: flagField('Turn duets off'),
  disableStitch: flagField('Turn stitches off'),
  coverTimestampMs: { type: 'integer', minimum: 0, description: 'The frame used as cover, in ms' },
  brandContent: flagField('Paid partnership (a third-party brand); cannot be SELF_ONLY'),
  brandOrganic: flagField("Promotes the creator's own business"),
  isAigc: flagField('Labels the video as AI-generated'),
  publishAt: PUBLISH_AT_FIELD,
};

/**
 * `POST /api/tiktok/upload` takes two exact bodies: a form whose last part is the file, or JSON naming a URL for
 * TikTok to pull. Each content type gets its own schema so Swagger UI shows a file picker and clients type both.
 */
export const UPLOAD_REQUEST_BODY: RequestBody = {
  required: true,
  description:
    'multipart/form-data: the fields, then the file in `video` (the service checks the fields before it stores a ' +
    'byte). application/json: the same fields with `videoUrl`.',
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['userId', 'video'],
        properties: {
          ...FIELDS,
          video: {
            type: 'string',
            format: 'binary',
            description: 'MP4, MOV or WebM (H.264, H.265, VP8, VP9), up to UPLOAD_MAX_BYTES; the last part',
          },
        },
      },
      encoding: { video: { contentType: 'video/mp4, video/quicktime, video/webm' } },
    },
    'application/json': {
      schema: {
        type: 'object',
        required: ['userId', 'videoUrl'],
        additionalProperties: false,
        properties: {
          ...FIELDS,
          videoUrl: {
            type: 'string',
            format: 'uri',
            example: 'https://media.example.com/clips/launch.mp4',
            description: 'TikTok pulls it; the URL prefix must be verified with TikTok',
          },
        },
      },
      example: { userId: 'crm:customer-1042', mode: 'inbox', videoUrl: 'https://media.example.com/clips/launch.mp4' },
    },
  },
};
