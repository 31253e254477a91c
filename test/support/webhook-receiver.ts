import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedNotification {
  signature: string;
  /** The exact bytes received, as the signature covers them. */
  body: string;
  notification: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  answeredStatus: number;
}

/** A tenant's notification endpoint on 127.0.0.1:0 that records every POST and can be told to fail. */
export class WebhookReceiver {
  readonly received: ReceivedNotification[] = [];
  private failures: number[] = [];
  private rejecting: ((notification: ReceivedNotification['notification']) => boolean) | undefined;

  private readonly server: Server;
  url = '';

  private constructor(private readonly path: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.record(String(req.headers['x-gateway-signature']), chunks, res));
    });
  }

  static async start(path = '/hooks'): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(path);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}${path}`;
    return receiver;
  }

  /** The next `count` POSTs are answered with `status`. */
  failNext(count: number, status = 500): void {
    this.failures.push(...Array.from({ length: count }, () => status));
  }

  /** Every POST whose notification matches `predicate` is answered 500, until `stopFailing()`. */
  failWhere(predicate: (notification: ReceivedNotification['notification']) => boolean): void {
    this.rejecting = predicate;
  }

  stopFailing(): void {
    this.failures = [];
    this.rejecting = undefined;
  }

  /** Notifications answered 2xx. */
  delivered(): ReceivedNotification[] {
    return this.received.filter((r) => r.answeredStatus < 300);
  }

  ofType(type: string, userId?: string): ReceivedNotification[] {
    return this.received.filter(
      (r) => r.notification.type === type && (userId === undefined || r.notification.data.userId === userId),
    );
  }

  /** Polls until `condition` holds; throws with what arrived so far when it does not within `timeoutMs`. */
  async waitFor(condition: (received: ReceivedNotification[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this.received)) {
      if (Date.now() > deadline) {
        throw new Error(`Receiver condition not met; got ${JSON.stringify(this.received.map((r) => r.notification))}`);
      }
      await sleep(25);
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private record(signature: string, chunks: Buffer[], res: ServerResponse): void {
    const body = Buffer.concat(chunks).toString('utf8');
    const notification = JSON.parse(body) as ReceivedNotification['notification'];
    const status = this.rejecting?.(notification) ? 500 : (this.failures.shift() ?? 200);
    this.received.push({ signature, body, notification, answeredStatus: status });
    res.writeHead(status).end();
  }
}

/** Polls `read` until `accept` holds for its value; returns that value. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met in time; last value: ${JSON.stringify(value)}`);
    await sleep(25);
  }
}
