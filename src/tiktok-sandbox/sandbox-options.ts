export type PkceEncoding = 'hex' | 'base64url';

export interface TikTokSandboxOptions {
  clientKey: string;
  clientSecret: string;
  /** Registered redirect URIs; the authorize request must match one exactly. */
  redirectUris: string[];
  /** What the token endpoint verifies; hex is TikTok's desktop rule (docs/tiktok.md §2.1). */
  pkceEncoding: PkceEncoding;
  verifierMinLength: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authCodeTtlSeconds: number;
  uploadUrlTtlSeconds: number;
  /** TikTok has been seen answering token errors with 200, which forces body-based detection (§3.5, §13). */
  tokenErrorHttpStatus: number;
  /** Time from the last chunk (or the end of a pull) to the final status. */
  processingDelayMs: number;
  /** false => unaudited-client rules (§11.3). */
  audited: boolean;
  /** PULL_FROM_URL must start with one of these (exact-prefix rule, §6.3). */
  verifiedUrlPrefixes: string[];
  webhookUrl?: string;
  /** Base used in upload URLs; defaults to the server's own address. */
  publicBaseUrl?: string;
  now?: () => number;
  /** Shown on the consent page. */
  appName?: string;
}

export interface ResolvedSandboxOptions extends TikTokSandboxOptions {
  now: () => number;
  appName: string;
}

export const DEFAULT_SANDBOX_OPTIONS: ResolvedSandboxOptions = {
  clientKey: 'sbx_client_key',
  clientSecret: 'sbx_client_secret',
  redirectUris: ['http://127.0.0.1:3000/api/auth/tiktok/callback', 'http://localhost:3000/api/auth/tiktok/callback'],
  pkceEncoding: 'hex',
  verifierMinLength: 43,
  // docs/tiktok.md §3.4: newest docs say 2 h / 180 d.
  accessTokenTtlSeconds: 7200,
  refreshTokenTtlSeconds: 15552000,
  authCodeTtlSeconds: 300,
  uploadUrlTtlSeconds: 3600,
  tokenErrorHttpStatus: 200,
  processingDelayMs: 300,
  audited: true,
  verifiedUrlPrefixes: [],
  now: Date.now,
  appName: 'Sandbox App',
};

export function resolveSandboxOptions(options: Partial<TikTokSandboxOptions> = {}): ResolvedSandboxOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_SANDBOX_OPTIONS, ...defined } as ResolvedSandboxOptions;
}
