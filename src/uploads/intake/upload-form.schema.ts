import { ApiOperationOptions } from '@nestjs/swagger';
import { PRIVACY_LEVELS } from '../dto/create-upload.dto';

type RequestBody = NonNullable<ApiOperationOptions['requestBody']>;

// Swagger UI prefills a boolean with its example, else `true`: a careless "Execute" must not post a branded video.
const flag = (description: string) => ({ type: 'boolean', example: false, description });
// An empty example keeps Swagger UI from prefilling "string", which it would send as the caption.
const text = (description: string) => ({ type: 'string', maxLength: 2200, example: '', description });

/** The fields both forms share, in the order a form must send them (fields before the file). */
const FIELDS = {
  userId: {
    type: 'string',
    pattern: '^[A-Za-z0-9._:@-]{1,128}$',
    example: 'crm:customer-1042',
    description: 'Your own id for the end user',
  },
  mode: {
    type: 'string',
    enum: ['inbox', 'direct'],
    default: 'inbox',
    description: '`inbox` sends a draft to the TikTok inbox (video.upload); `direct` posts it (video.publish)',
  },
  title: text('Caption (direct posts), hashtags and mentions included'),
  description: text('Appended to the caption on a new line'),
  privacyLevel: {
    type: 'string',
    enum: [...PRIVACY_LEVELS],
    description: "Required for direct: one of creator-info's privacyLevelOptions; never defaulted",
  },
  disableComment: flag('Turn comments off'),
  disableDuet: flag('Turn duets off'),
  disableStitch: flag('Turn stitches off'),
  coverTimestampMs: { type: 'integer', minimum: 0, description: 'The frame used as cover, in ms' },
  brandContent: flag('Paid partnership (a third-party brand); cannot be SELF_ONLY'),
  brandOrganic: flag("Promotes the creator's own business"),
  isAigc: flag('Labels the video as AI-generated'),
  publishAt: {
    type: 'string',
    format: 'date-time',
    // Else Swagger UI prefills the current time, which a careless "Execute" would send (and which is too soon).
    example: '',
    description:
      'Schedules the post: ISO 8601 with an offset or Z, at least one minute and at most SCHEDULE_MAX_DAYS ahead. ' +
      'It waits in status `scheduled`; nothing reaches TikTok before this time',
  },
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
