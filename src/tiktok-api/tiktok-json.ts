import { isInteger, parse, stringify } from 'lossless-json';
import type { TikTokWireInt } from './tiktok-api.types';

/**
 * docs/tiktok.md §8, §13 "int64 ids": `publicaly_available_post_id` exceeds 2^53, so JSON.parse would
 * silently round it. Integers a double cannot hold exactly become bigint; every other number stays a number.
 */
function parseNumberExactly(text: string): number | bigint {
  const value = Number(text);
  if (isInteger(text) && !Number.isSafeInteger(value)) return BigInt(text);
  return value;
}

/** Parses a TikTok response body; undefined when empty or not JSON (a gateway's HTML error page, say). */
export function parseTikTokJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parse(text, null, parseNumberExactly);
  } catch {
    return undefined;
  }
}

/** An int64 id as an exact decimal string. */
export function int64ToDecimalString(value: TikTokWireInt | string): string {
  return typeof value === 'string' ? value : value.toString();
}

/** A count or size known to stay below 2^53 (bytes of a ≤ 4 GB video, seconds). */
export function wireIntToNumber(value: TikTokWireInt | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'bigint' ? Number(value) : value;
}

/** A request body with int64 values (a video/list cursor) kept exact: bigint is written as a bare JSON integer. */
export function stringifyTikTokJson(body: object): string {
  return stringify(body) ?? '';
}
