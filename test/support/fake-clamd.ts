import { AddressInfo, createServer, Server, Socket } from 'node:net';

export interface FakeClamdBehaviour {
  /** The answer to a complete INSTREAM, given the streamed bytes; `null` never answers. Default `stream: OK`. */
  onScan?: (payload: Buffer) => string | null;
  /** The answer to PING; `null` never answers. Default `PONG`. */
  onPing?: () => string | null;
  /** Like clamd's StreamMaxLength: past it, answer the size-limit error and hang up. */
  streamMaxLength?: number;
  /** Hang up as soon as a command arrives, without answering. */
  hangUp?: boolean;
}

export interface RecordedScan {
  chunkLengths: number[];
  chunks: Buffer[];
  /** Every streamed byte, in order. */
  readonly payload: Buffer;
}

export interface FakeClamd {
  host: string;
  port: number;
  commands: string[];
  scans: RecordedScan[];
  behave(behaviour: FakeClamdBehaviour): void;
  close(): Promise<void>;
}

/**
 * A tiny clamd double for unit tests: it decodes the INSTREAM framing itself, so a test sees exactly what was
 * sent. Listens on 127.0.0.1 (free port) or on `socketPath`.
 */
export async function startFakeClamd(behaviour: FakeClamdBehaviour = {}, socketPath?: string): Promise<FakeClamd> {
  const fake: FakeClamd = {
    host: '127.0.0.1',
    port: 0,
    commands: [],
    scans: [],
    behave: (next) => (behaviour = next),
    close: () => close(server, sockets),
  };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    serve(socket, fake, () => behaviour);
  });
  await new Promise<void>((resolve) =>
    socketPath ? server.listen(socketPath, resolve) : server.listen(0, fake.host, resolve),
  );
  if (!socketPath) fake.port = (server.address() as AddressInfo).port;
  return fake;
}

function serve(socket: Socket, fake: FakeClamd, behaviour: () => FakeClamdBehaviour): void {
  let pending = Buffer.alloc(0);
  let command: string | undefined;
  const scan: RecordedScan = {
    chunkLengths: [],
    chunks: [],
    get payload() {
      return Buffer.concat(this.chunks);
    },
  };
  let streamed = 0;
  let answered = false;
  const answer = (reply: string | null): void => {
    answered = true;
    if (reply !== null) socket.end(`${reply}\0`);
  };

  socket.on('data', (data: Buffer) => {
    if (answered) return;
    pending = Buffer.concat([pending, data]);
    if (command === undefined) {
      const end = pending.indexOf(0);
      if (end === -1) return;
      command = pending.toString('utf8', 0, end);
      pending = pending.subarray(end + 1);
      fake.commands.push(command);
      if (behaviour().hangUp) return void socket.destroy();
      const onPing = behaviour().onPing;
      if (command === 'zPING') return answer(onPing ? onPing() : 'PONG');
      if (command !== 'zINSTREAM') return answer('UNKNOWN COMMAND');
      fake.scans.push(scan);
    }
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      const limit = behaviour().streamMaxLength;
      if (limit !== undefined && streamed + length > limit) {
        return answer('INSTREAM size limit exceeded. ERROR');
      }
      if (length === 0) {
        const onScan = behaviour().onScan;
        return answer(onScan ? onScan(scan.payload) : 'stream: OK');
      }
      if (pending.length < 4 + length) return;
      scan.chunkLengths.push(length);
      scan.chunks.push(pending.subarray(4, 4 + length));
      streamed += length;
      pending = pending.subarray(4 + length);
    }
  });
}

async function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A TCP port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
