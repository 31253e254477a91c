import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { expectedChunkRange } from './chunk-rules';
import type { SandboxCore } from './sandbox-core';
import { createLogId, sendJson, type RouteContext, type RouteTable } from './sandbox-http';
import type { Publish, UploadTask } from './sandbox-state';

const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];

/** docs/tiktok.md §6.2: `Content-Range: bytes 0-{received-1}/{total}`; `bytes *\/total` before any byte arrived. */
export function progressRange(task: UploadTask): string {
  return task.receivedBytes > 0 ? `bytes 0-${task.receivedBytes - 1}/${task.videoSize}` : `bytes */${task.videoSize}`;
}

/**
 * PUT to the upload_url (§6.2). Strict choices (undocumented at TikTok): a re-PUT of an accepted range is 416;
 * a well-formed range that is not the next one of the chunk plan is 416; malformed or self-contradicting
 * headers are 400. Bytes are counted as they stream, never kept.
 */
export class SandboxUploads {
  /** PUTs whose body is still arriving, so a lying Content-Length (connection ends early) still gets a 400. */
  private readonly inFlight = new Map<Socket, { ctx: RouteContext; task: UploadTask }>();

  constructor(private readonly core: SandboxCore) {}

  routes(): RouteTable {
    return { 'PUT /upload/': (ctx) => this.put(ctx) };
  }

  /** Node reports a body shorter than its Content-Length as a client error on the socket. */
  onClientError(error: NodeJS.ErrnoException, socket: Socket): boolean {
    const pending = this.inFlight.get(socket);
    if (!pending || error.code !== 'HPE_INVALID_EOF_STATE' || !socket.writable) return false;
    this.inFlight.delete(socket);
    const message = 'Content-Length is larger than the body received.';
    this.core.recordViolation(pending.ctx, 'upload.content_length_mismatch', message, 400, 'invalid_param');
    const body = JSON.stringify({ error: { code: 'invalid_param', message, log_id: createLogId(this.core.now()) } });
    const head = `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}`;
    socket.end(`${head}\r\nContent-Range: ${progressRange(pending.task)}\r\nConnection: close\r\n\r\n${body}`);
    return true;
  }

  private async put(ctx: RouteContext): Promise<void> {
    const q = ctx.url.searchParams;
    const publish = this.core.state.uploads.get(q.get('upload_id') ?? '');
    const task = publish?.upload;
    if (!publish || !task || task.uploadToken !== q.get('upload_token') || publish.status === 'FAILED') {
      return this.refuse(ctx, undefined, 404, 'upload.unknown_task', 'No valid upload task for this URL.');
    }
    task.putCount += 1;
    if (this.core.now() >= task.expiresAt) {
      return this.refuse(ctx, task, 403, 'upload.url_expired', 'The upload_url expired (valid one hour).');
    }
    if (!VIDEO_TYPES.includes((ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase())) {
      return this.refuse(
        ctx,
        task,
        400,
        'upload.content_type',
        `Content-Type must be one of ${VIDEO_TYPES.join(', ')}.`,
      );
    }
    const lengthHeader = ctx.req.headers['content-length'];
    if (!lengthHeader || !/^\d+$/.test(lengthHeader)) {
      return this.refuse(ctx, task, 400, 'upload.content_length_missing', 'Content-Length is required.');
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(ctx.req.headers['content-range'] ?? '');
    const [first, last, total] = (range?.slice(1) ?? []).map(Number);
    if (!range || first > last) {
      return this.refuse(ctx, task, 400, 'upload.content_range_malformed', 'Content-Range must be bytes a-b/total.');
    }
    if (Number(lengthHeader) !== last - first + 1) {
      const message = `Content-Length ${lengthHeader} does not match Content-Range ${first}-${last}.`;
      return this.refuse(ctx, task, 400, 'upload.content_length_mismatch', message);
    }
    const expected = task.acceptedChunks < task.totalChunks ? expectedChunkRange(task, task.acceptedChunks) : undefined;
    if (!expected || first !== expected.start || last !== expected.end || total !== task.videoSize) {
      const want = expected ? `bytes ${expected.start}-${expected.end}/${task.videoSize}` : 'nothing (upload complete)';
      const message = `Content-Range bytes ${first}-${last}/${total} does not match upload progress; expected ${want}.`;
      return this.refuse(ctx, task, 416, 'upload.range_not_expected', message);
    }
    await this.receiveChunk(ctx, publish, task, Number(lengthHeader));
  }

  private async receiveChunk(ctx: RouteContext, publish: Publish, task: UploadTask, length: number): Promise<void> {
    const fault = this.takeFault();
    if (fault === 'drop') return void ctx.req.socket.destroy();
    const socket = ctx.req.socket;
    this.inFlight.set(socket, { ctx, task });
    let received = 0;
    // Counted only once the chunk is accepted: a cut or refused PUT leaves the digest as it was.
    const digest = (task.digest ?? createHash('sha256')).copy();
    try {
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
        if (typeof fault !== 'number') publish.media.feedAt(task.receivedBytes + received, chunk);
        digest.update(chunk);
        received += chunk.length;
      }
    } catch {
      return;
    } finally {
      this.inFlight.delete(socket);
    }
    if (received !== length) {
      return this.refuse(ctx, task, 400, 'upload.content_length_mismatch', 'Content-Length ≠ body received.');
    }
    if (typeof fault === 'number') {
      return sendJson(ctx.res, fault, {
        error: { code: 'internal_error', message: 'Sandbox fault.', log_id: ctx.logId },
      });
    }
    task.receivedBytes += received;
    task.acceptedChunks += 1;
    task.digest = digest;
    const done = task.acceptedChunks === task.totalChunks;
    if (done) this.core.publishes.startProcessing(publish);
    if (fault === 'drop_after_accept') return void socket.destroy();
    ctx.res.writeHead(done ? 201 : 206, { 'Content-Range': progressRange(task), 'Content-Length': 0 });
    ctx.res.end();
  }

  /** Control API chunk faults: a 5xx status, a dropped connection, or a drop after the chunk was accepted. */
  private takeFault(): number | 'drop' | 'drop_after_accept' | undefined {
    const chunkPuts = this.core.state.faults.chunkPuts;
    if (chunkPuts.remaining <= 0) return undefined;
    chunkPuts.remaining -= 1;
    return chunkPuts.mode === 'status' ? chunkPuts.status : chunkPuts.mode;
  }

  /** Drains the body first: answering while the client still writes a large chunk would reset the connection. */
  private async refuse(
    ctx: RouteContext,
    task: UploadTask | undefined,
    status: number,
    rule: string,
    message: string,
  ): Promise<void> {
    this.core.recordViolation(ctx, rule, message, status, String(status));
    try {
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) void chunk;
    } catch {
      return;
    }
    const headers = task ? { 'Content-Range': progressRange(task) } : {};
    sendJson(ctx.res, status, { error: { code: String(status), message, log_id: ctx.logId } }, headers);
  }
}
