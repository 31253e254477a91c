import { setFlagsFromString } from 'node:v8';

export const EXTERNAL_MEMORY_FLAG = '--external-memory-accounted-in-global-limit';

/**
 * Imported by main.ts before anything else loads. Since V8 14 (Node.js 26) the bytes of ArrayBuffers allocated since
 * the last full GC count against the old generation's limit, unless this flag gives them their own place in the global
 * limit. Every Buffer a socket or a file read hands over is such an ArrayBuffer, so a streamed upload (1 GiB in, 1 GiB
 * out) used up the ~40 MB between a gateway's heap and its limit every few megabytes moved, and each time V8 ran a
 * full mark-compact of the whole heap (about 70 per 1 GiB upload, against 2 on Node.js 20), though those buffers
 * die young and a scavenge frees them. With the flag their bytes grow the global limit (by at most 1.3 times per GC)
 * and a 1 GiB upload runs a handful. Set at start, before the heap holds anything worth a different limit; V8 reads it
 * at every limit check. Older V8 has no such accounting and no such flag, so it is left alone there.
 */
export function accountExternalMemoryInGlobalLimit(v8Version = process.versions.v8): boolean {
  const major = Number(v8Version.split('.')[0]);
  if (!(major >= 14)) return false;
  setFlagsFromString(EXTERNAL_MEMORY_FLAG);
  return true;
}

accountExternalMemoryInGlobalLimit();
