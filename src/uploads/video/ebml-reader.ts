/**
 * The few EBML (RFC 8794) primitives the WebM probe needs, over an in-memory window of the file.
 * Every read is bounds-checked and returns undefined instead of throwing, so garbage ends as "unrecognised".
 */
export interface EbmlElement {
  id: number;
  /** Offset of the payload within the window. */
  dataStart: number;
  /** Payload size, or undefined for the "unknown size" marker (live recordings use it on Segment and Cluster). */
  size: number | undefined;
}

export const EBML_ID = {
  Header: 0x1a45dfa3,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  Cues: 0x1c53bb6b,
  Tags: 0x1254c367,
  Chapters: 0x1043a770,
  Attachments: 0x1941a469,
  SeekHead: 0x114d9b74,
} as const;

interface Vint {
  value: number;
  length: number;
  allOnes: boolean;
}

/** A variable-length integer at `pos`; `keepMarker` keeps the length bit (element IDs are written that way). */
export function readVint(buf: Buffer, pos: number, maxLength: number, keepMarker: boolean): Vint | undefined {
  if (pos >= buf.length) return undefined;
  const first = buf[pos];
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > maxLength || pos + length > buf.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[pos + i];
    allOnes &&= buf[pos + i] === 0xff;
  }
  if (allOnes && !keepMarker) return { value: Number.NaN, length, allOnes }; // 8-byte "unknown" overflows 2^53
  return Number.isSafeInteger(value) ? { value, length, allOnes } : undefined;
}

/** The element header at `pos`, or undefined when the bytes there are not one. */
export function readElement(buf: Buffer, pos: number): EbmlElement | undefined {
  const id = readVint(buf, pos, 4, true);
  if (!id) return undefined;
  const size = readVint(buf, pos + id.length, 8, false);
  if (!size) return undefined;
  return { id: id.value, dataStart: pos + id.length + size.length, size: size.allOnes ? undefined : size.value };
}

/** The end of an element's payload within the window (unknown size runs to `limit`). */
export function elementEnd(element: EbmlElement, limit: number): number {
  return element.size === undefined ? limit : Math.min(element.dataStart + element.size, limit);
}

/** The children of a master element between `start` and `end`; stops quietly at the first malformed one. */
export function* children(buf: Buffer, start: number, end: number): Generator<EbmlElement> {
  let pos = start;
  while (pos < end) {
    const element = readElement(buf, pos);
    if (!element || element.size === undefined) return;
    yield element;
    pos = element.dataStart + element.size;
  }
}

export function readUint(buf: Buffer, element: EbmlElement): number | undefined {
  const size = element.size ?? 0;
  if (size < 1 || size > 8 || element.dataStart + size > buf.length) return undefined;
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + buf[element.dataStart + i];
  return Number.isSafeInteger(value) ? value : undefined;
}

export function readFloat(buf: Buffer, element: EbmlElement): number | undefined {
  const size = element.size ?? 0;
  if (element.dataStart + size > buf.length) return undefined;
  const value =
    size === 4 ? buf.readFloatBE(element.dataStart) : size === 8 ? buf.readDoubleBE(element.dataStart) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

export function readString(buf: Buffer, element: EbmlElement): string | undefined {
  const size = element.size ?? 0;
  if (size > 256 || element.dataStart + size > buf.length) return undefined;
  return buf.toString('latin1', element.dataStart, element.dataStart + size).replace(/\0+$/, '');
}
