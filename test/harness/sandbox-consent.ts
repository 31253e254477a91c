export type SandboxDecision = 'approve' | 'deny';

/**
 * The user's part of the connect flow at the sandbox's authorize page, answered without a browser: follows the
 * gateway's redirect to TikTok (`authorizeUrl`) with the sandbox account and decision, and returns where the sandbox
 * sends the browser back (the gateway's callback, with `code` and `state`).
 */
export async function consentAtSandbox(
  authorizeUrl: string,
  account = 'creator',
  decision: SandboxDecision = 'approve',
  /** Scopes the user unticks on the consent page. */
  denyScopes: string[] = [],
): Promise<URL> {
  const authorize = new URL(authorizeUrl);
  authorize.searchParams.set('sandbox_account', account);
  authorize.searchParams.set('sandbox_decision', decision);
  if (denyScopes.length > 0) authorize.searchParams.set('sandbox_deny_scopes', denyScopes.join(','));
  const consent = await fetch(authorize, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`Sandbox consent answered ${consent.status}: ${await consent.text()}`);
  return new URL(consent.headers.get('location') ?? '');
}
