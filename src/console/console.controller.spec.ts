import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { App } from 'supertest/types';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { CONSOLE_ASSETS_DIR, CONSOLE_FILES } from './console-assets';
import { ConsoleController } from './console.controller';

describe(ConsoleController.name, () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer() as App);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('should serve the page without an API key, with a policy that keeps script and requests on this origin', async () => {
    const response = await http().get('/console').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toContain('<script type="module" src="/console/main.js"></script>');
  });

  it('should serve scripts as JavaScript and answer a repeated request with 304', async () => {
    const first = await http().get('/console/main.js').expect(200);
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await http().get('/console/main.js').set('If-None-Match', String(first.headers.etag)).expect(304);
  });

  it('should answer 404 with the error envelope for anything not on the list', async () => {
    for (const path of ['/console/nope.js', '/console/..%2Fconsole.module.ts', '/console/messages.d.ts']) {
      const response = await http().get(path).expect(404);
      expect((response.body as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('should list every file the page and its modules load', () => {
    const html = readFileSync(join(CONSOLE_ASSETS_DIR, 'index.html'), 'utf8');
    const referenced = new Set([...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1]));
    for (const file of CONSOLE_FILES.filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(join(CONSOLE_ASSETS_DIR, file), 'utf8');
      for (const m of source.matchAll(/from '\.\/([^']+)'/g)) referenced.add(m[1]);
    }
    expect([...referenced].filter((name) => !(CONSOLE_FILES as readonly string[]).includes(name))).toEqual([]);
  });
});
