import { createHmac } from 'node:crypto';

export interface WebhookDelivery {
  id: number;
  event: string;
  url: string;
  body: string;
  attempts: number;
  delivered: boolean;
  lastStatus?: number;
  lastError?: string;
}

const MAX_ATTEMPTS = 8;
const FIRST_RETRY_DELAY_MS = 100;

/** docs/tiktok.md §10.4: `t=<unix>,s=<hex hmac_sha256(client_secret, t + "." + body)>`. */
export function signTikTokWebhook(clientSecret: string, unixSeconds: number, body: string): string {
  const s = createHmac('sha256', clientSecret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},s=${s}`;
}

/**
 * At-least-once delivery (§10.1): non-200 answers are retried with exponential backoff, shortened for the
 * sandbox; a delivery never blocks the request that caused the event.
 */
export class SandboxWebhooks {
  deliveries: WebhookDelivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private nextId = 1;

  constructor(
    private readonly target: () => string | undefined,
    private readonly clientKey: string,
    private readonly clientSecret: string,
    private readonly now: () => number,
  ) {}

  /** `contentJson` is JSON text so int64 post ids stay bare numbers inside the content string. */
  emit(event: string, openId: string, contentJson: string): void {
    const url = this.target();
    if (!url) return;
    const body = JSON.stringify({
      client_key: this.clientKey,
      event,
      create_time: Math.floor(this.now() / 1000),
      user_openid: openId,
      content: contentJson,
    });
    const delivery: WebhookDelivery = { id: this.nextId++, event, url, body, attempts: 0, delivered: false };
    this.deliveries.push(delivery);
    this.schedule(delivery, 0);
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.deliveries = [];
  }

  private schedule(delivery: WebhookDelivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    delivery.attempts += 1;
    const signature = signTikTokWebhook(this.clientSecret, Math.floor(this.now() / 1000), delivery.body);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'TikTok-Signature': signature },
        body: delivery.body,
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      delivery.lastStatus = response.status;
      delivery.delivered = response.status === 200;
    } catch (error) {
      delivery.lastError = (error as Error).message;
    }
    if (!delivery.delivered && delivery.attempts < MAX_ATTEMPTS && this.deliveries.includes(delivery)) {
      this.schedule(delivery, FIRST_RETRY_DELAY_MS * 2 ** (delivery.attempts - 1));
    }
  }
}
