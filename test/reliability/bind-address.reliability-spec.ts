import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPreset } from '../../config/presets';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';

/** Whether something accepts TCP connections on `host:port`. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This machine's addresses other than 127.0.0.1 (IPv6 loopback and every network interface). */
function otherLocalAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
  return all.filter((a) => a.address !== '127.0.0.1' && !a.address.startsWith('fe80:')).map((a) => a.address);
}

describe('HOST (the address the gateway binds)', () => {
  let dir: string;
  let main: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tgw-host-'));
    main = ensureBuilt();
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should listen on 127.0.0.1 only when HOST=127.0.0.1', async () => {
    const port = await freePort();
    const sandboxPort = await freePort();
    gateway = await GatewayProcess.start(
      main,
      port,
      {
        ...testPreset,
        HOST: '127.0.0.1',
        TIKTOK_SANDBOX_PORT: String(sandboxPort),
        DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
        UPLOAD_SPOOL_DIR: join(dir, 'spool'),
      },
      dir,
    );
    expect(await accepts('127.0.0.1', port)).toBe(true);
    const others = otherLocalAddresses();
    expect(others.length).toBeGreaterThan(0);
    for (const address of others)
      expect({ address, accepts: await accepts(address, port) }).toEqual({ address, accepts: false });
  });
});
