import { readdirSync, readlinkSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawAnswer {
  /** The HTTP status, or undefined when the connection ended (or the wait ran out) without a whole answer. */
  status?: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection written byte by byte: bodies that fetch and supertest would never send (cut inside a
 * part, a wrong boundary, a socket dropped half-way).
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    // A refusal may close the connection while the rest of the body is still going out: EPIPE/ECONNRESET here.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes and waits until the bytes are handed to the kernel (or the connection is gone). */
  write(bytes: Buffer | string): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Drops the connection at once, as a client that crashed or lost its network would. */
  destroy(): void {
    this.socket.destroy();
  }

  /** The answer once it is all there; undefined status when the connection ends first or `timeoutMs` passes. */
  async answer(timeoutMs = 20_000): Promise<RawAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = parseAnswer(this.received);
      if (answer || this.ended || Date.now() > deadline) {
        this.socket.destroy();
        return answer ?? { headers: {}, body: '' };
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, deadline - Date.now()));
        this.waiters.add(wake);
      });
    }
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

function parseAnswer(bytes: Buffer): RawAnswer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = bytes.subarray(end + 4);
  if (headers['content-length'] !== undefined && body.length < Number(headers['content-length'])) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

/** A multipart/form-data body built part by part, so a test can cut, bend or repeat any piece of it. */
export class MultipartBody {
  constructor(readonly boundary = `----tgw${Math.random().toString(16).slice(2)}`) {}

  field(name: string, value: string): Buffer {
    return Buffer.from(`--${this.boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  }

  /** The head of a file part; the file's bytes follow, then `end()` or another part. */
  fileHead(name = 'video', filename = 'clip.mp4'): Buffer {
    return Buffer.from(
      `--${this.boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n` +
        'Content-Type: video/mp4\r\n\r\n',
    );
  }

  file(bytes: Buffer, name = 'video'): Buffer {
    return Buffer.concat([this.fileHead(name), bytes, Buffer.from('\r\n')]);
  }

  end(): Buffer {
    return Buffer.from(`--${this.boundary}--\r\n`);
  }
}

/** The request line and headers of a multipart upload declaring `contentLength` bytes of body. */
export function uploadHead(
  apiKey: string,
  contentLength: number,
  contentType = `multipart/form-data; boundary=${new MultipartBody().boundary}`,
): string {
  return (
    'POST /api/tiktok/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' +
    `X-API-Key: ${apiKey}\r\nContent-Type: ${contentType}\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

/** Writes a whole upload (head and body) on a new connection and returns the answer. */
export async function sendUpload(baseUrl: string, apiKey: string, form: MultipartBody, body: Buffer) {
  const connection = await RawConnection.open(baseUrl);
  await connection.write(
    Buffer.concat([
      Buffer.from(uploadHead(apiKey, body.length, `multipart/form-data; boundary=${form.boundary}`)),
      body,
    ]),
  );
  return connection.answer();
}

/** The process's open descriptors that point into `dir` (deleted files included: "(deleted)" follows the path). */
export function descriptorsInto(pid: number, dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // closed between the listing and the read
    }
  }
  return open;
}

/** Polls until `check` returns nothing left over, then returns []; or returns what is still left when time runs out. */
export async function settlesEmpty(check: () => string[], timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = check();
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(50);
  }
}
