// Flat names only: no separators or dot-segments, so a key can never point outside the spool folder or the prefix.
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function assertMediaKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new RangeError(`Invalid media key "${key.slice(0, 40)}": use 1-200 letters, digits, ".", "_" or "-".`);
  }
}

export function isMediaKey(name: string): boolean {
  return KEY_PATTERN.test(name);
}
