import { createHash, randomBytes } from 'node:crypto';
import type { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import type { TikTokTokenSet } from '../../src/tiktok-api/tiktok-api.models';
import { BENCH_CLIENT } from './sandbox-process';

/**
 * A user's token set straight from the sandbox: authorize (non-interactive consent) and the real client's code
 * exchange. PKCE challenge in hex, TikTok's documented desktop rule (docs/tiktok.md §2.1).
 */
export async function obtainTokens(
  client: TikTokApiClient,
  authorizeUrl: string,
  redirectUri: string,
): Promise<TikTokTokenSet> {
  const codeVerifier = randomBytes(32).toString('hex');
  const url = new URL(authorizeUrl);
  const params = {
    client_key: BENCH_CLIENT.clientKey,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'user.info.basic,video.upload,video.publish',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(codeVerifier).digest('hex'),
    code_challenge_method: 'S256',
    sandbox_account: 'creator',
    sandbox_decision: 'approve',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const consent = await fetch(url, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code');
  if (consent.status !== 302 || !code) throw new Error(`sandbox authorize: ${consent.status} ${await consent.text()}`);
  return client.exchangeCode({ code, redirectUri, codeVerifier });
}
