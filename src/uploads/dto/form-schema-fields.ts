// OpenAPI schema pieces that the video and the photo forms share (their multipart and JSON request bodies). Swagger
// UI prefills every field of "Try it out" from its example, so each example is one a careless "Execute" may send.
import { USER_ID_PATTERN } from '../../common/validation/user-id';

/** A toggle: without `example: false` Swagger UI would prefill `true` (a branded post, comments off…). */
export const flagField = (description: string) => ({ type: 'boolean', example: false, description });

/** Free text: an empty example keeps Swagger UI from prefilling "string", which it would send as the caption. */
export const textField = (maxLength: number, description: string) => ({
  type: 'string',
  maxLength,
  example: '',
  description,
});

export const USER_ID_FIELD = {
  type: 'string',
  pattern: USER_ID_PATTERN.source,
  example: 'crm:customer-1042',
  description: 'Your own id for the end user',
};

export const PUBLISH_AT_FIELD = {
  type: 'string',
  format: 'date-time',
  // Else Swagger UI prefills the current time, which a careless "Execute" would send (and which is too soon).
  example: '',
  description:
    'Schedules the post: ISO 8601 with an offset or Z, at least one minute and at most SCHEDULE_MAX_DAYS ahead. ' +
    'It waits in status `scheduled`; nothing reaches TikTok before this time',
};
