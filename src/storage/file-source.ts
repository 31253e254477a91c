import { open, type FileHandle } from 'node:fs/promises';
import type { RandomAccessSource } from './media-storage';

/** Positioned reads from one open file; memory holds only the slices asked for. */
export class FileSource implements RandomAccessSource {
  bytesRead = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Rejects with fs's own ENOENT error when the file is missing; callers map it. */
  static async open(filePath: string): Promise<FileSource> {
    const handle = await open(filePath, 'r');
    try {
      const { size } = await handle.stat();
      return new FileSource(handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

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
