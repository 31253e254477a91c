import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTenant, startTestApp, TestApp } from '../support/test-app';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('The SQLite database files', () => {
  let root: string;
  let t: TestApp;
  let folder: string;
  let file: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tgw-db-modes-'));
    folder = join(root, 'data');
    file = join(folder, 'gateway.sqlite');
    // A fresh path, as on a first start: neither the folder nor the file exists yet.
    t = await startTestApp({ env: { DATABASE_URL: `sqlite:${file}` } });
    await createTenant(t.app, { name: 'writes' });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('should keep the database private to the service: file 0600 in a 0700 folder', async () => {
    await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(modeOf(folder)).toBe('700');
    expect(modeOf(file)).toBe('600');
    for (const companion of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
      if (existsSync(companion)) expect(modeOf(companion)).toBe('600');
    }
  });
});

describe('The SQLite database file left by an older start', () => {
  it('should be made private when the service starts on it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tgw-db-old-'));
    const file = join(root, 'gateway.sqlite');
    writeFileSync(file, '', { mode: 0o644 }); // an empty file is an empty SQLite database
    const t = await startTestApp({ env: { DATABASE_URL: `sqlite:${file}` } });
    try {
      expect(modeOf(file)).toBe('600');
    } finally {
      await t.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
