import { finished, Readable } from 'node:stream';
import { STREAM_BUFFER_BYTES } from './byte-meter';

/**
 * A Readable returned at once whose body is opened asynchronously (a file handle, an S3 GetObject), so callers that
 * need a stream synchronously (an HTTP body factory) can take one. Opening starts right away; failing to open,
 * or the body failing, destroys this stream with that error. Destroying it aborts the open and the body.
 */
export class LazyReadable extends Readable {
  private body?: Readable;
  private wantsData = false;
  private readonly aborter = new AbortController();

  constructor(open: (signal: AbortSignal) => Promise<Readable>) {
    super({ highWaterMark: STREAM_BUFFER_BYTES });
    open(this.aborter.signal).then(
      (body) => this.attach(body),
      (error: Error) => this.destroy(error),
    );
  }

  private attach(body: Readable): void {
    if (this.destroyed) return void body.destroy();
    this.body = body;
    body.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) body.pause();
    });
    if (!this.wantsData) body.pause();
    finished(body, (error) => (error ? this.destroy(error) : this.push(null)));
  }

  override _read(): void {
    this.wantsData = true;
    this.body?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.aborter.abort();
    this.body?.destroy();
    callback(error);
  }
}
