/** The object is not (or no longer) in storage. */
export class MediaMissingError extends Error {
  constructor(readonly key: string) {
    super(`No stored media under key ${key}.`);
    this.name = 'MediaMissingError';
  }
}

/** The body went past WriteOptions.maxBytes; nothing of it was kept. */
export class MediaTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The media is larger than the limit of ${limitBytes} bytes.`);
    this.name = 'MediaTooLargeError';
  }
}
