import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestRecord {
  method: string;
  /** Path only: queries may carry upload tokens. */
  path: string;
  time: number;
  /** Short SHA-256 of the bearer (or revoked) token, never the token itself. */
  tokenFingerprint?: string;
  status?: number;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  logId: string;
  record: RequestRecord;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

export class BodyTooLargeError extends Error {}

const MAX_JSON_BODY = 1024 * 1024;

/** docs/tiktok.md §3.5: 14-digit UTC timestamp followed by upper-case hex, e.g. 202206221854370101130062072500FFA2. */
export function createLogId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return stamp + randomBytes(10).toString('hex').toUpperCase();
}

export function fingerprintToken(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError('body too large');
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

export function sendText(res: ServerResponse, status: number, body: string, contentType: string, headers = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Accepts JSON text so callers can write int64 values that JSON.stringify cannot (docs/tiktok.md §8). */
export function sendJsonText(res: ServerResponse, status: number, json: string, headers = {}): void {
  sendText(res, status, json, 'application/json; charset=UTF-8', headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** docs/tiktok.md §4.1: every data API answers `{data, error:{code,message,log_id}}`. */
export function sendApiOk(ctx: RouteContext, data: unknown): void {
  sendApiOkText(ctx, JSON.stringify(data));
}

export function sendApiOkText(ctx: RouteContext, dataJson: string): void {
  const error = JSON.stringify({ code: 'ok', message: '', log_id: ctx.logId });
  sendJsonText(ctx.res, 200, `{"data":${dataJson},"error":${error}}`);
}

export function sendApiError(ctx: RouteContext, status: number, code: string, message: string): void {
  sendJson(ctx.res, status, { data: {}, error: { code, message, log_id: ctx.logId } });
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export function parseMediaType(header: string | undefined): { type: string; charset?: string } {
  const [type, ...params] = (header ?? '').split(';').map((p) => p.trim());
  const charset = params.find((p) => p.toLowerCase().startsWith('charset='))?.slice('charset='.length);
  return { type: type.toLowerCase(), charset: charset?.replace(/"/g, '').toLowerCase() };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Routes keyed `METHOD /path/`, paths exactly TikTok's. */
export type RouteTable = Record<string, RouteHandler>;

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Content-Length': 0 });
  res.end();
}
