import { createHash, randomBytes } from 'node:crypto';
import { SandboxControl, type SandboxAccountName } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox, type TikTokSandboxOptions } from '../../src/tiktok-sandbox/tiktok-sandbox';

export const CLIENT_KEY = 'test_client_key';
export const CLIENT_SECRET = 'test_client_secret';
export const REDIRECT_URI = 'http://127.0.0.1:3999/api/auth/tiktok/callback/';
export const ALL_SCOPES = ['user.info.basic', 'video.upload', 'video.publish'];
export const MIB5 = 5 * 1024 * 1024;

export interface Harness {
  sandbox: TikTokSandbox;
  base: string;
  control: SandboxControl;
}

export async function startSandbox(options: Partial<TikTokSandboxOptions> = {}): Promise<Harness> {
  const sandbox = new TikTokSandbox({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    processingDelayMs: 20,
    ...options,
  });
  const base = await sandbox.start(0);
  return { sandbox, base, control: new SandboxControl(base) };
}

export function pkcePair(encoding: 'hex' | 'base64url' = 'hex'): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest(encoding) };
}

export interface AuthorizeInput {
  account?: SandboxAccountName;
  scopes?: string;
  challenge?: string;
  redirectUri?: string;
  decision?: 'approve' | 'deny';
  extra?: Record<string, string>;
}

/** Non-interactive authorize; returns the redirect Location (or the response when none). */
export async function authorize(base: string, input: AuthorizeInput = {}): Promise<Response & { location?: URL }> {
  const url = new URL('/v2/auth/authorize/', base);
  const params: Record<string, string> = {
    client_key: CLIENT_KEY,
    response_type: 'code',
    scope: input.scopes ?? ALL_SCOPES.join(','),
    redirect_uri: input.redirectUri ?? REDIRECT_URI,
    state: 'st-123',
    code_challenge: input.challenge ?? pkcePair().challenge,
    code_challenge_method: 'S256',
    sandbox_account: input.account ?? 'creator',
    sandbox_decision: input.decision ?? 'approve',
    ...input.extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  return Object.assign(response, { location: location ? new URL(location) : undefined });
}

export async function postForm(base: string, path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-cache' },
    body: new URLSearchParams(fields).toString(),
  });
}

export function exchangeCode(base: string, code: string, verifier: string, overrides: Record<string, string> = {}) {
  return postForm(base, '/v2/oauth/token/', {
    client_key: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
    code,
    grant_type: 'authorization_code',
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...overrides,
  });
}

export function refresh(base: string, refreshToken: string) {
  return postForm(base, '/v2/oauth/token/', {
    client_key: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

export interface TokenBody {
  access_token: string;
  refresh_token: string;
  open_id: string;
  expires_in: number;
  refresh_expires_in: number;
  scope: string;
  token_type: string;
}

/** Full consent + token exchange for a scenario account. */
export async function connect(base: string, account: SandboxAccountName = 'creator', scopes = ALL_SCOPES) {
  const { verifier, challenge } = pkcePair();
  const { location } = await authorize(base, { account, challenge, scopes: scopes.join(',') });
  const code = location?.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location?.toString()}`);
  const response = await exchangeCode(base, code, verifier);
  return (await response.json()) as TokenBody;
}

/** The data fields the specs read; the rest stays unknown. */
export interface ApiData {
  publish_id: string;
  upload_url: string;
  status: string;
  downloaded_bytes: number;
  privacy_level_options: string[];
  max_video_post_duration_sec: number;
  [field: string]: unknown;
}

export async function api(base: string, path: string, token: string, body?: unknown) {
  const response = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json; charset=UTF-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: JSON.parse(text) as {
      data: ApiData;
      error: { code: string; message: string; log_id: string };
    },
  };
}

export function fileSource(videoSize: number, chunkSize = Math.min(videoSize, 10_000_000)) {
  return {
    source: 'FILE_UPLOAD',
    video_size: videoSize,
    chunk_size: chunkSize,
    total_chunk_count: Math.floor(videoSize / chunkSize),
  };
}

/** ISO-BMFF bytes the sandbox recognises: ftyp, moov/mvhd with the duration, and an mdat filling the rest. */
export function fakeMp4(size: number, durationSec = 10): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 20]),
    Buffer.from('ftypisom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isom'),
  ]);
  const mvhd = Buffer.alloc(108);
  mvhd.writeUInt32BE(108, 0);
  mvhd.write('mvhd', 4, 'latin1');
  mvhd.writeUInt32BE(1000, 20);
  mvhd.writeUInt32BE(durationSec * 1000, 24);
  const moov = Buffer.concat([Buffer.from([0, 0, 0, 116]), Buffer.from('moov'), mvhd]);
  const mdat = Buffer.alloc(size - ftyp.length - moov.length);
  mdat.writeUInt32BE(mdat.length, 0);
  mdat.write('mdat', 4, 'latin1');
  return Buffer.concat([ftyp, moov, mdat]);
}

export function putChunk(uploadUrl: string, video: Buffer, start: number, end: number, contentType = 'video/mp4') {
  return fetch(uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Type': contentType, 'Content-Range': `bytes ${start}-${end}/${video.length}` },
    body: video.subarray(start, end + 1),
  });
}

/** Uploads every chunk of the plan in order; returns the statuses. */
export async function uploadAll(uploadUrl: string, video: Buffer, chunkSize: number): Promise<number[]> {
  const count = Math.floor(video.length / chunkSize);
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const end = i === count - 1 ? video.length - 1 : (i + 1) * chunkSize - 1;
    statuses.push((await putChunk(uploadUrl, video, i * chunkSize, end)).status);
  }
  return statuses;
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
