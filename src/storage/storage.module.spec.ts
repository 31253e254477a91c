import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startS3Server, TestS3Server } from '../../test/support/s3-server';
import { ConfigValidationError, loadConfig } from '../config/env.schema';
import { LocalMediaStorage } from './local-media-storage';
import { MediaStorage } from './media-storage';
import { S3MediaStorage } from './s3-media-storage';
import { StorageModule } from './storage.module';

const KEYS = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS, ...env });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

async function storageFor(env: Record<string, string>) {
  const config = loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS, ...env });
  const app = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }), StorageModule],
  }).compile();
  await app.init();
  return { app, storage: app.get(MediaStorage) };
}

describe(StorageModule.name, () => {
  let root: string;
  let server: TestS3Server;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tgw-storage-module-'));
    server = await startS3Server();
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('should read the storage variables with their documented defaults', () => {
    expect(loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS }).storage).toEqual({
      kind: 'local',
      s3: { bucket: '', endpoint: undefined, region: 'us-east-1', forcePathStyle: false },
    });
    const s3 = loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS, ...server.env }).storage;
    expect(s3).toEqual({
      kind: 's3',
      s3: { bucket: server.bucket, endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true },
    });
  });

  it('should refuse to start on unusable storage variables, one line each', () => {
    expect(problemsOf({ UPLOAD_STORAGE: 's3' })).toEqual(['S3_BUCKET: is required when UPLOAD_STORAGE=s3']);
    expect(problemsOf({ UPLOAD_STORAGE: 'disk' })).toEqual(['UPLOAD_STORAGE: must be one of local, s3, got "disk"']);
    expect(
      problemsOf({ UPLOAD_STORAGE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000', S3_FORCE_PATH_STYLE: 'yes' }),
    ).toEqual([
      'S3_BUCKET: must be a bucket name (3 or more letters, digits, ".", "_" or "-")',
      'S3_ENDPOINT: must be a URL starting with http:// or https://',
      'S3_FORCE_PATH_STYLE: must be true or false, got "yes"',
    ]);
  });

  it('should keep media in the spool folder by default, as 0600 files in a 0700 folder', async () => {
    const spool = join(root, 'spool');
    const { app, storage } = await storageFor({ UPLOAD_SPOOL_DIR: spool });
    expect(storage).toBeInstanceOf(LocalMediaStorage);
    await storage.write('one.video', Readable.from([Buffer.from('bytes')]), { maxBytes: 100 });
    expect((await stat(spool)).mode & 0o777).toBe(0o700);
    expect((await stat(join(spool, 'one.video'))).mode & 0o777).toBe(0o600);
    await app.close();
  });

  it('should keep media in the bucket with UPLOAD_STORAGE=s3, credentials from the standard chain', async () => {
    Object.assign(process.env, server.env);
    const { app, storage } = await storageFor(server.env);
    expect(storage).toBeInstanceOf(S3MediaStorage);
    await storage.write('two.video', Readable.from([Buffer.from('bytes')]), { maxBytes: 100 });
    await expect(storage.readBytes('two.video', 0, 5)).resolves.toEqual(Buffer.from('bytes'));
    await app.close();
  });
});
