import { Injectable } from '@nestjs/common';
import { request } from 'undici';

export type SendOutcome = { delivered: true; status: number } | { delivered: false; status?: number; error: string };

/** Shorter than the outbox lease, so a slow receiver never lets a second worker send the same message. */
export const SEND_TIMEOUT_MS = 10_000;

/** HTTP to tenant receivers: one signed POST, any 2xx counts, redirects are not followed. */
@Injectable()
export class NotificationSender {
  async post(url: string, body: string, signature: string): Promise<SendOutcome> {
    try {
      const response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'tiktok-gateway-webhooks',
          'x-gateway-signature': signature,
        },
        body,
        headersTimeout: SEND_TIMEOUT_MS,
        bodyTimeout: SEND_TIMEOUT_MS,
      });
      // The answer's body means nothing to us; read it off so the connection can be reused.
      await response.body.dump();
      const { statusCode } = response;
      if (statusCode >= 200 && statusCode < 300) return { delivered: true, status: statusCode };
      return { delivered: false, status: statusCode, error: `HTTP ${statusCode}` };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { delivered: false, error: typeof code === 'string' ? code : (error as Error).name };
    }
  }
}
