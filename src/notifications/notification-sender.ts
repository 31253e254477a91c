import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { WebhookRefusal, WebhookTargetPolicy } from '../common/net/webhook-target-policy';

export type SendOutcome = { delivered: true; status: number } | { delivered: false; status?: number; error: string };

/** Shorter than the outbox lease, so a slow receiver never lets a second worker send the same message. */
export const SEND_TIMEOUT_MS = 10_000;

/**
 * HTTP to tenant receivers: one signed POST, any 2xx counts, redirects are not followed. Every target is checked
 * against the WebhookTargetPolicy: the URL before sending, and each address its host resolves to inside the
 * connection's own DNS lookup, so the socket connects to exactly the address that was checked (a second lookup
 * could be answered differently: DNS rebinding).
 */
@Injectable()
export class NotificationSender implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(private readonly policy: WebhookTargetPolicy) {
    this.agent = new Agent({ connect: { lookup: this.checkedLookup } });
  }

  async post(url: string, body: string, signature: string): Promise<SendOutcome> {
    const refused = this.policy.checkUrl(url);
    if (refused) return refusedOutcome(refused);
    try {
      const response = await request(url, {
        dispatcher: this.agent,
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
      if (error instanceof WebhookTargetRefusedError) return refusedOutcome(error.refusal);
      const code = (error as { code?: unknown }).code;
      return { delivered: false, error: typeof code === 'string' ? code : (error as Error).name };
    }
  }

  /**
   * Last, after the outbox pass has drained within the shutdown grace (closing earlier would fail a send already
   * leased); a send still running then is cut, and its message is retried once its lease lapses.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }

  /** net.connect's lookup: resolves once, refuses the connection unless every address passes the policy. */
  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refusal = addresses
        .map((entry) => this.policy.checkResolvedAddress(hostname, entry.address))
        .find((found) => found !== undefined);
      if (refusal) return callback(new WebhookTargetRefusedError(refusal), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** The policy refused the address a host resolved to; carried through the socket's error. */
class WebhookTargetRefusedError extends Error {
  constructor(readonly refusal: WebhookRefusal) {
    super(refusal.reason);
  }
}

/** A plain reason for the delivery list: what was refused, never a socket error that would reveal open ports. */
function refusedOutcome(refusal: WebhookRefusal): SendOutcome {
  return { delivered: false, error: `refused: ${refusal.reason}` };
}
