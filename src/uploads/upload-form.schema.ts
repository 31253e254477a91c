import { ApiBody } from '@nestjs/swagger';

type SchemaObject = Extract<NonNullable<Parameters<typeof ApiBody>[0]>, { schema: unknown }>['schema'] & {
  properties?: Record<string, unknown>;
};

const bool = { type: 'boolean' };

/** The upload form for Swagger UI: fields first, the file last (the service reads fields before the file). */
export const UPLOAD_FORM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['userId', 'video'],
  properties: {
    userId: { type: 'string', example: 'user-42', description: 'Your own id for the end user' },
    mode: { type: 'string', enum: ['inbox', 'direct'], default: 'inbox' },
    title: { type: 'string', maxLength: 2200, description: 'Caption (direct posts)' },
    description: { type: 'string', description: 'Appended to the caption' },
    privacyLevel: {
      type: 'string',
      enum: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'],
      description: "Required for direct: one of creator-info's privacyLevelOptions",
    },
    disableComment: bool,
    disableDuet: bool,
    disableStitch: bool,
    coverTimestampMs: { type: 'integer', minimum: 0 },
    brandContent: bool,
    brandOrganic: bool,
    isAigc: bool,
    video: { type: 'string', format: 'binary', description: 'MP4, MOV or WebM (H.264, H.265, VP8, VP9), up to 4 GB' },
  },
};

export const UPLOAD_JSON_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['userId', 'videoUrl'],
  properties: {
    ...Object.fromEntries(Object.entries(UPLOAD_FORM_SCHEMA.properties ?? {}).filter(([name]) => name !== 'video')),
    videoUrl: {
      type: 'string',
      format: 'uri',
      description: 'TikTok pulls it; the domain must be verified with TikTok',
    },
  },
};
