import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startS3Server, TestS3Server } from '../../test/support/s3-server';
import { LocalMediaStorage } from './local-media-storage';
import { MediaStorage } from './media-storage';
import { MediaMissingError, MediaTooLargeError } from './media-storage.errors';
import { createS3Client } from './s3-client';
import { DEFAULT_PART_BYTES, S3MediaStorage } from './s3-media-storage';

const MiB = 1024 * 1024;

interface Backend {
  storage: MediaStorage;
  /** Everything the backend holds: files, objects, and (S3) multipart uploads not completed. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

async function localBackend(): Promise<Backend> {
  const root = await mkdtemp(join(tmpdir(), 'tgw-storage-'));
  const folder = join(root, 'spool');
  return {
    storage: new LocalMediaStorage(folder),
    leftovers: () => readdir(folder).catch(() => []),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const server: TestS3Server = await startS3Server();
  Object.assign(process.env, server.env); // AWS's standard credential chain reads these
  const client = createS3Client({ region: server.region, endpoint: server.endpoint, forcePathStyle: true });
  const inspector = new S3Client({ region: server.region, endpoint: server.endpoint, forcePathStyle: true });
  return {
    storage: new S3MediaStorage(client, { bucket: server.bucket }),
    leftovers: async () => {
      const objects = await inspector.send(new ListObjectsV2Command({ Bucket: server.bucket }));
      const uploads = await inspector.send(new ListMultipartUploadsCommand({ Bucket: server.bucket }));
      return [
        ...(objects.Contents ?? []).map((o) => `object ${o.Key}`),
        ...(uploads.Uploads ?? []).map((u) => `multipart upload ${u.Key}`),
      ];
    },
    close: async () => {
      client.destroy();
      inspector.destroy();
      await server.close();
    },
  };
}

/** `body` in 1 MiB chunks; `onOffset` runs before each chunk and may destroy the stream instead of sending more. */
function sourceOf(body: Buffer, onOffset?: (offset: number, stream: Readable) => boolean): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (onOffset && !onOffset(offset, this)) return;
      if (offset >= body.length) return void this.push(null);
      const chunk = body.subarray(offset, offset + MiB);
      offset += chunk.length;
      this.push(chunk);
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Jest's toEqual walks a Buffer byte by byte (minutes for megabytes); a digest and length say the same. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect({ length: actual.length, sha256: sha256(actual) }).toEqual({
    length: expected.length,
    sha256: sha256(expected),
  });
}

describe.each([
  ['local', localBackend],
  ['s3', s3Backend],
])('MediaStorage (%s)', (_kind, makeBackend) => {
  let backend: Backend;
  let storage: MediaStorage;
  const small = randomBytes(3 * MiB + 17);
  // Larger than two parts, so the S3 backend really uploads in parts.
  const large = randomBytes(2 * DEFAULT_PART_BYTES + 5 * MiB + 3);

  beforeAll(async () => {
    backend = await makeBackend();
    storage = backend.storage;
  });
  afterAll(() => backend.close());
  afterEach(async () => {
    for (const { key } of await storage.listOlderThan(new Date(Date.now() + 60_000))) await storage.delete(key);
  });

  it('should store a body and give back the identical bytes', async () => {
    await expect(storage.write('small.video', sourceOf(small), { maxBytes: small.length })).resolves.toEqual({
      sizeBytes: small.length,
    });
    expectSameBytes(await readAll(storage.openRead('small.video')), small);
    await expect(storage.size('small.video')).resolves.toBe(small.length);
    await expect(storage.exists('small.video')).resolves.toBe(true);
  });

  it('should store a body of several parts and give back the identical bytes', async () => {
    const { sizeBytes } = await storage.write('large.video', sourceOf(large), { maxBytes: large.length });
    expect(sizeBytes).toBe(large.length);
    expectSameBytes(await readAll(storage.openRead('large.video')), large);
    await expect(backend.leftovers()).resolves.toEqual([expect.stringContaining('large.video')]);
  });

  it('should stream exactly the requested byte ranges', async () => {
    await storage.write('ranges.video', sourceOf(large), { maxBytes: large.length });
    const last = large.length - 1;
    for (const [start, end] of [
      // Not [0, 0]: s3rver 3.7.1 answers bytes=0-0 with the whole object (which S3MediaStorage refuses).
      [0, 1],
      [5, 5],
      [DEFAULT_PART_BYTES - 3, DEFAULT_PART_BYTES + 10_000_000],
      [last - 99, last],
    ]) {
      expectSameBytes(await readAll(storage.readRange('ranges.video', start, end)), large.subarray(start, end + 1));
    }
  });

  it('should read slices, shorter at the end and empty past it', async () => {
    await storage.write('slices.video', sourceOf(small), { maxBytes: small.length });
    await expect(storage.readBytes('slices.video', 100, 16)).resolves.toEqual(small.subarray(100, 116));
    await expect(storage.readBytes('slices.video', small.length - 4, 16)).resolves.toEqual(small.subarray(-4));
    await expect(storage.readBytes('slices.video', small.length, 16)).resolves.toHaveLength(0);

    const source = await storage.openRandomAccess('slices.video');
    expect(source.size).toBe(small.length);
    await expect(source.read(0, 12)).resolves.toEqual(small.subarray(0, 12));
    expectSameBytes(await source.read(2 * MiB, 70_000), small.subarray(2 * MiB, 2 * MiB + 70_000));
    await expect(source.read(small.length - 2, 100)).resolves.toEqual(small.subarray(-2));
    expect(source.bytesRead).toBe(12 + 70_000 + 2);
    await source.close();
  });

  it('should hand a path holding the bytes to readers that need a file', async () => {
    await storage.write('copy.video', sourceOf(small), { maxBytes: small.length });
    let seenPath = '';
    const digest = await storage.withLocalCopy('copy.video', async (path) => {
      seenPath = path;
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      return sha256(await readFile(path));
    });
    expect(digest).toBe(sha256(small));
    if (storage.kind === 's3') await expect(stat(seenPath)).rejects.toThrow('ENOENT');
  });

  it('should refuse a body past maxBytes and keep nothing of it', async () => {
    const write = storage.write('too-large.video', sourceOf(large), { maxBytes: DEFAULT_PART_BYTES + 3 * MiB });
    await expect(write).rejects.toBeInstanceOf(MediaTooLargeError);
    await expect(storage.exists('too-large.video')).resolves.toBe(false);
    await expect(backend.leftovers()).resolves.toEqual([]);
  });

  it('should accept a body of exactly maxBytes', async () => {
    await expect(storage.write('exact.video', sourceOf(small), { maxBytes: small.length })).resolves.toEqual({
      sizeBytes: small.length,
    });
  });

  it('should fail with the source error and keep nothing when the source fails half-way', async () => {
    const broken = new Error('client went away');
    const source = sourceOf(large, (offset, stream) => {
      if (offset < DEFAULT_PART_BYTES + 4 * MiB) return true;
      stream.destroy(broken);
      return false;
    });
    await expect(storage.write('broken.video', source, { maxBytes: large.length })).rejects.toBe(broken);
    await expect(backend.leftovers()).resolves.toEqual([]);
  });

  it('should keep nothing when the source is destroyed without an error', async () => {
    const source = sourceOf(large, (offset, stream) => {
      if (offset < DEFAULT_PART_BYTES + 4 * MiB) return true;
      stream.destroy();
      return false;
    });
    await expect(storage.write('closed.video', source, { maxBytes: large.length })).rejects.toThrow();
    await expect(backend.leftovers()).resolves.toEqual([]);
  });

  it('should stop and keep nothing when the signal aborts', async () => {
    const controller = new AbortController();
    const source = sourceOf(large, (offset) => {
      if (offset >= DEFAULT_PART_BYTES + 4 * MiB) controller.abort();
      return true;
    });
    const write = storage.write('aborted.video', source, { maxBytes: large.length, signal: controller.signal });
    await expect(write).rejects.toMatchObject({ name: 'AbortError' });
    await expect(backend.leftovers()).resolves.toEqual([]);
  });

  it('should delete idempotently', async () => {
    await storage.write('gone.video', sourceOf(small), { maxBytes: small.length });
    await storage.delete('gone.video');
    await storage.delete('gone.video');
    await storage.delete('never-written.video');
    await expect(storage.exists('gone.video')).resolves.toBe(false);
    await expect(backend.leftovers()).resolves.toEqual([]);
  });

  it('should say clearly when an object is missing', async () => {
    await expect(storage.exists('missing.video')).resolves.toBe(false);
    await expect(storage.size('missing.video')).rejects.toBeInstanceOf(MediaMissingError);
    await expect(storage.readBytes('missing.video', 0, 10)).rejects.toBeInstanceOf(MediaMissingError);
    await expect(storage.openRandomAccess('missing.video')).rejects.toBeInstanceOf(MediaMissingError);
    await expect(readAll(storage.readRange('missing.video', 0, 10))).rejects.toBeInstanceOf(MediaMissingError);
    await expect(readAll(storage.openRead('missing.video'))).rejects.toBeInstanceOf(MediaMissingError);
    await expect(storage.withLocalCopy('missing.video', () => Promise.resolve())).rejects.toBeInstanceOf(
      MediaMissingError,
    );
  });

  it('should list the objects modified before a date', async () => {
    const before = new Date(Date.now() - 60_000);
    await storage.write('a.video', sourceOf(small), { maxBytes: small.length });
    await storage.write('b.video', sourceOf(small), { maxBytes: small.length });
    const later = new Date(Date.now() + 60_000);

    const listed = await storage.listOlderThan(later);
    expect(listed.map((m) => m.key).sort()).toEqual(['a.video', 'b.video']);
    for (const { modifiedAt } of listed) expect(modifiedAt.getTime()).toBeGreaterThan(before.getTime());
    await expect(storage.listOlderThan(before)).resolves.toEqual([]);
  });

  it('should refuse keys that are not flat names', async () => {
    for (const key of ['../escape.video', 'a/b.video', '', '.hidden']) {
      await expect(storage.write(key, sourceOf(small), { maxBytes: small.length })).rejects.toThrow(RangeError);
      expect(() => storage.readRange(key, 0, 1)).toThrow(RangeError);
    }
  });

  it('should answer a ping when the storage is writable', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });
});
