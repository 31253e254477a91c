import { ApiProperty } from '@nestjs/swagger';

export class WebhookReceivedResponse {
  @ApiProperty({ enum: [true] })
  received: true;

  /** True when this event id was already stored (TikTok retries). */
  duplicate: boolean;
}

/** TikTok's webhook envelope (https://developers.tiktok.com/doc/webhooks-overview). */
export const TIKTOK_WEBHOOK_BODY = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['client_key', 'event', 'create_time', 'user_openid', 'content'],
        properties: {
          client_key: { type: 'string' },
          event: { type: 'string', example: 'post.publish.complete' },
          create_time: { type: 'integer', description: 'Unix seconds' },
          user_openid: { type: 'string' },
          content: { type: 'string', description: 'A JSON object serialized as a string' },
        },
      },
    },
  },
};
