import { open, type FileHandle } from 'node:fs/promises';

/**
 * Positioned reads from one open file. The probes read only the slices they need, so memory stays flat
 * whatever the file size (a 4 GB upload is never read whole); `bytesRead` lets tests prove it.
 */
export class FileSlices {
  bytesRead = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(filePath: string): Promise<FileSlices> {
    const handle = await open(filePath, 'r');
    try {
      const { size } = await handle.stat();
      return new FileSlices(handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Up to `length` bytes from `position`; shorter only at the end of the file. */
  async read(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    const buffer = Buffer.alloc(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await this.handle.read(buffer, filled, wanted - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.bytesRead += filled;
    return filled === wanted ? buffer : buffer.subarray(0, filled);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
