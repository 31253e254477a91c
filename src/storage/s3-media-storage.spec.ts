import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from '../../test/support/s3-server';
import { S3MediaStorage } from './s3-media-storage';

describe(S3MediaStorage.name, () => {
  let server: TestS3Server;
  let client: S3Client;
  let storage: S3MediaStorage;

  beforeAll(async () => {
    server = await startS3Server();
    client = new S3Client({
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    storage = new S3MediaStorage(client, { bucket: server.bucket });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  async function startMultipart(key: string): Promise<string> {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: server.bucket, Key: key }));
    await client.send(
      new UploadPartCommand({ Bucket: server.bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024) }),
    );
    return UploadId!;
  }

  async function pendingUploads(): Promise<string[]> {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket }));
    return (page.Uploads ?? []).map((upload) => upload.Key!).sort();
  }

  it('should abort only its own incomplete multipart uploads started before the date', async () => {
    await startMultipart('media/crashed.video');
    await startMultipart('other-app/upload.bin');

    await expect(storage.abortIncompleteUploadsOlderThan(new Date(Date.now() - 60_000))).resolves.toBe(0);
    await expect(pendingUploads()).resolves.toEqual(['media/crashed.video', 'other-app/upload.bin']);

    await expect(storage.abortIncompleteUploadsOlderThan(new Date(Date.now() + 60_000))).resolves.toBe(1);
    await expect(pendingUploads()).resolves.toEqual(['other-app/upload.bin']);
  });

  it('should keep its objects under media/ and never list or touch other objects in the bucket', async () => {
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'other-app/x.video', Body: 'theirs' }));
    await storage.write('x.video', Readable.from([Buffer.from('ours')]), { maxBytes: 10 });

    const keys = await client.send(new ListObjectsV2Command({ Bucket: server.bucket }));
    expect((keys.Contents ?? []).map((object) => object.Key).sort()).toEqual(['media/x.video', 'other-app/x.video']);
    const listed = await storage.listOlderThan(new Date(Date.now() + 60_000));
    expect(listed.map((media) => media.key)).toEqual(['x.video']);

    await storage.delete('x.video');
    await expect(storage.readBytes('x.video', 0, 4)).rejects.toThrow('No stored media');
    const left = await client.send(new ListObjectsV2Command({ Bucket: server.bucket }));
    expect((left.Contents ?? []).map((object) => object.Key)).toEqual(['other-app/x.video']);
  });

  it('should write in parts of 5 MiB, and in parts just large enough for 10,000 when the limit needs more', async () => {
    const partsSent: number[] = [];
    const counted = new S3Client({
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    counted.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === UploadPartCommand.name) partsSent.push(partsSent.length + 1);
        return next(args);
      },
      { step: 'initialize' },
    );
    const parted = new S3MediaStorage(counted, { bucket: server.bucket });
    const body = randomBytes(20 * 1024 * 1024);
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    try {
      await parted.write('parts.video', Readable.from([body]), { maxBytes: 4_000_000_000 });
      expect(partsSent).toHaveLength(4);

      partsSent.length = 0;
      await parted.write('large-limit.video', Readable.from([body]), { maxBytes: 10_000 * 10 * 1024 * 1024 });
      expect(partsSent).toHaveLength(2);
      expect(sha256(await parted.readBytes('large-limit.video', 0, body.length))).toBe(sha256(body));
    } finally {
      counted.destroy();
    }
  });

  it('should fail with the error of a part the bucket refuses, and abort the multipart upload', async () => {
    const refusing = new S3Client({
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    refusing.middlewareStack.add(
      (next, context) => (args) =>
        context.commandName === UploadPartCommand.name && (args.input as { PartNumber: number }).PartNumber === 2
          ? Promise.reject(new Error('part 2 refused'))
          : next(args),
      { step: 'initialize' },
    );
    const body = randomBytes(20 * 1024 * 1024);
    try {
      const write = new S3MediaStorage(refusing, { bucket: server.bucket }).write(
        'refused.video',
        Readable.from([body]),
        {
          maxBytes: body.length,
        },
      );
      await expect(write).rejects.toThrow('part 2 refused');
      await expect(pendingUploads()).resolves.not.toContain('media/refused.video');
      await expect(storage.exists('refused.video')).resolves.toBe(false);
    } finally {
      refusing.destroy();
    }
  });

  it('should fail its ping when the bucket does not exist', async () => {
    const elsewhere = new S3MediaStorage(client, { bucket: 'no-such-bucket' });
    await expect(elsewhere.ping()).rejects.toThrow();
    await expect(storage.ping()).resolves.toBeUndefined();
  });
});
