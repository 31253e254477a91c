import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM_PATH, findFreePort, isChromiumInstalled, launchChromium } from '../support/browser';
import { FIXTURES_DIR } from '../support/make-large-video';

const ROOT = join(__dirname, '..', '..');
const OUTPUT_DIR = join(ROOT, 'test-output');
const describeWithChromium = isChromiumInstalled() ? describe : describe.skip;
if (!isChromiumInstalled()) {
  process.stderr.write(
    `Skipping the Swagger UI browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium).\n`,
  );
}

interface Started {
  child: ChildProcess;
  demoApiKey: string;
}

/**
 * The service as `npm start` runs it: the built dist/ (Swagger's compiler plugin documents the DTOs only there),
 * sandbox mode, its own emulator, in a fresh folder; resolves with the demo key from the start banner.
 */
async function startBuiltGateway(cwd: string, port: number, sandboxPort: number): Promise<Started> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      TIKTOK_SANDBOX_PORT: String(sandboxPort),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // The browser resolves no host name but 127.0.0.1 (see launchChromium); the default says localhost.
      TIKTOK_AUTH_URL: `http://127.0.0.1:${sandboxPort}/v2/auth/authorize/`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The gateway did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const key = /Demo tenant API key \(X-API-Key\): (\S+)/.exec(output);
      if (!key) return;
      clearTimeout(timer);
      resolve({ child, demoApiKey: key[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The gateway exited ${code}:\n${output}`)));
  });
}

/** Swagger UI's "Try it out" → Execute of one operation; resolves with the live response's status and body. */
async function execute(operation: Locator): Promise<{ status: number; body: string }> {
  await operation.locator('.btn.execute').click();
  const response = operation.locator('.live-responses-table .response').first();
  await response.waitFor({ timeout: 30_000 });
  const status = Number((await response.locator('.response-col_status').textContent())?.trim());
  const body = (await response.locator('.response-col_description pre').first().textContent()) ?? '';
  return { status, body };
}

async function openTryItOut(page: Page, id: string): Promise<Locator> {
  const operation = page.locator(`#${id}`);
  await operation.locator('.opblock-summary').first().click();
  await operation.locator('.try-out__btn').click();
  return operation;
}

describeWithChromium('Swagger UI', () => {
  let dir: string;
  let gateway: Started;
  let browser: Browser;
  let publicUrl: string;
  const userId = 'swagger-user';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tgw-swagger-'));
    const port = await findFreePort();
    publicUrl = `http://127.0.0.1:${port}`;
    gateway = await startBuiltGateway(dir, port, await findFreePort());
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    gateway?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('should authorize with the demo key, read a status and post a video file with Try it out', async () => {
    const page = await browser.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));

    // The end user's side of the connect flow, in the browser: the link, the sandbox's consent page, the callback.
    const link = (await (
      await fetch(`${publicUrl}/api/auth/tiktok/connect-links`, {
        method: 'POST',
        headers: { 'X-API-Key': gateway.demoApiKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId }),
      })
    ).json()) as { url: string };
    await page.goto(link.url);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('"connected":true').waitFor();

    await page.goto(`${publicUrl}/docs`);
    await page.locator('button.authorize').first().click();
    const apiKeyAuth = page.locator('.auth-container').filter({ hasText: 'X-API-Key' });
    await apiKeyAuth.locator('input').fill(gateway.demoApiKey);
    await apiKeyAuth.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.btn-done').first().click();

    const status = await openTryItOut(page, 'operations-connections-getConnectionStatus');
    await status.locator('tr[data-param-name="userId"] input').fill(userId);
    const connected = await execute(status);
    expect(connected.status).toBe(200);
    expect(JSON.parse(connected.body)).toMatchObject({ connected: true, status: 'active' });

    const upload = await openTryItOut(page, 'operations-publishing-createUpload');
    expect(await upload.locator('select.content-type').first().inputValue()).toBe('multipart/form-data');
    // Nothing a careless Execute would post: no "string" caption, no flag turned on.
    expect(await upload.locator('tr[data-property-name="title"] input[type="text"]').inputValue()).toBe('');
    expect(await upload.locator('tr[data-property-name="brandContent"] select').inputValue()).toBe('false');
    await upload.locator('tr[data-property-name="userId"] input[type="text"]').fill(userId);
    await upload
      .locator('tr[data-property-name="video"] input[type="file"]')
      .setInputFiles(join(FIXTURES_DIR, 'h264.mp4'));
    const accepted = await execute(upload);
    expect(accepted.status).toBe(202);
    const { id } = JSON.parse(accepted.body) as { id: string };

    const getUpload = await openTryItOut(page, 'operations-publishing-getUpload');
    await getUpload.locator('tr[data-param-name="id"] input').fill(id);
    const fetched = await execute(getUpload);
    expect(fetched.status).toBe(200);
    expect(JSON.parse(fetched.body)).toMatchObject({
      id,
      userId,
      source: 'file',
      video: { container: 'mp4', codec: 'h264', sizeBytes: 19877 },
    });
    expect(pageErrors).toEqual([]);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'swagger.png'), fullPage: true });
    await page.close();
  });
});
