import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in account; it checks that the access key exists (SigV4 signatures themselves are not checked). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3Server {
  /** `http://127.0.0.1:<port>`; path-style only. */
  endpoint: string;
  bucket: string;
  region: string;
  /** Where s3rver keeps the bucket on disk. */
  directory: string;
  /** The gateway's variables for this server, to spread into a test app's or a child process's environment. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server on loopback (s3rver, in this process, free port) with one empty bucket, in a fresh temp
 * folder that `close()` removes. s3rver 3.7 answers ListMultipartUploads and AbortMultipartUpload with
 * "not implemented", so this front adds those two (and NoSuchUpload for parts of an aborted upload) over s3rver's own
 * upload folders; every other request is s3rver's.
 */
export async function startS3Server(bucket = 'test-media'): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'tgw-s3-'));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const s3rverHandler = s3rver.callback();
  const uploads = new MultipartUploads(join(directory, bucket, '._S3rver_uploads'), bucket);

  const server: Server = createServer((req, res) => {
    uploads.handle(req, res).then(
      (handled) => handled || s3rverHandler(req, res),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const region = 'us-east-1';

  return {
    endpoint,
    bucket,
    region,
    directory,
    env: {
      UPLOAD_STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: region,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The multipart operations s3rver lacks, answered as S3 does (https://docs.aws.amazon.com/AmazonS3/latest/API/). */
class MultipartUploads {
  constructor(
    private readonly folder: string,
    private readonly bucket: string,
  ) {}

  /** True when the request was one of ours and has been answered. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://s3');
    const [bucket, ...keyParts] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (bucket !== this.bucket) return false;
    const uploadId = url.searchParams.get('uploadId');
    if (req.method === 'GET' && keyParts.length === 0 && url.searchParams.has('uploads')) {
      await this.list(url.searchParams.get('prefix') ?? '', res);
      return true;
    }
    if (uploadId === null || keyParts.length === 0) return false;
    const known = /^[\w-]+$/.test(uploadId) && existsSync(join(this.folder, uploadId, 'key'));
    if (!known) {
      req.resume();
      reply(res, 404, noSuchUpload(uploadId));
      return true;
    }
    if (req.method !== 'DELETE') return false;
    await rm(join(this.folder, uploadId), { recursive: true, force: true });
    res.writeHead(204).end();
    return true;
  }

  private async list(prefix: string, res: ServerResponse): Promise<void> {
    const ids = existsSync(this.folder) ? await readdir(this.folder) : [];
    const entries: string[] = [];
    for (const id of ids.sort()) {
      const keyFile = join(this.folder, id, 'key');
      if (!existsSync(keyFile)) continue; // a part that raced an abort, not an upload
      const name = await readFile(keyFile, 'utf8');
      const initiated = (await stat(keyFile)).mtime.toISOString();
      if (!name.startsWith(prefix)) continue;
      entries.push(
        `<Upload><Key>${xml(name)}</Key><UploadId>${id}</UploadId><StorageClass>STANDARD</StorageClass>` +
          `<Initiated>${initiated}</Initiated></Upload>`,
      );
    }
    reply(
      res,
      200,
      `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(this.bucket)}</Bucket>` +
        `<Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
        `${entries.join('')}</ListMultipartUploadsResult>`,
    );
  }
}

function noSuchUpload(uploadId: string): string {
  return (
    `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message>` +
    `<UploadId>${xml(uploadId)}</UploadId></Error>`
  );
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
