import request from 'supertest';
import { App } from 'supertest/types';
import { consentAtSandbox, SandboxDecision } from '../harness/sandbox-consent';
import { TEST_PUBLIC_URL } from './test-app';

export interface ConnectJourney {
  /** The gateway's answer to TikTok's redirect back. */
  callback: request.Response;
  cookie: string;
  state: string;
  /** The OAuth code TikTok sent back (tests prove it never reaches logs or the database). */
  code: string;
}

/** The gateway path (with query) of one of its own absolute URLs. */
export function gatewayPath(url: string): string {
  if (!url.startsWith(TEST_PUBLIC_URL)) throw new Error(`Not a gateway URL: ${url}`);
  return url.slice(TEST_PUBLIC_URL.length);
}

/**
 * Opens a connect link like a browser, against an app in this process (supertest): gateway → sandbox consent
 * (non-interactive) → back to the gateway. Spawned gateways use HttpGateway.connect (test/harness/http-gateway.ts).
 */
export async function openConnectLink(
  server: App,
  linkUrl: string,
  options: {
    account?: string;
    decision?: SandboxDecision;
    /** Scopes the user unticks on the consent page (the sandbox's `sandbox_deny_scopes`). */
    denyScopes?: string[];
    cookieOverride?: string;
    callbackServer?: App;
  } = {},
): Promise<ConnectJourney> {
  const start = await request(server).get(gatewayPath(linkUrl)).expect(302);
  const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const back = await consentAtSandbox(
    start.headers.location as string,
    options.account,
    options.decision,
    options.denyScopes,
  );
  const callback = await request(options.callbackServer ?? server)
    .get(gatewayPath(back.toString()))
    .set('Cookie', options.cookieOverride ?? cookie);
  return { callback, cookie, state: back.searchParams.get('state') ?? '', code: back.searchParams.get('code') ?? '' };
}

/** Creates a connect link for `userId` and completes it with the given sandbox account; returns the OAuth code. */
export async function connectUser(server: App, apiKey: string, userId: string, account = 'creator'): Promise<string> {
  const link = await request(server)
    .post('/api/auth/tiktok/connect-links')
    .set('X-API-Key', apiKey)
    .send({ userId })
    .expect(201);
  const { callback, code } = await openConnectLink(server, (link.body as { url: string }).url, { account });
  if (callback.status !== 200) throw new Error(`Connect failed: ${callback.status} ${JSON.stringify(callback.body)}`);
  return code;
}
