import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ConsoleController } from '../../src/console/console.controller';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { CHROMIUM_PATH, findFreePort, isChromiumInstalled, launchChromium } from '../support/browser';
import { FIXTURES_DIR } from '../support/make-large-video';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';

const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const describeWithChromium = isChromiumInstalled() ? describe : describe.skip;
if (!isChromiumInstalled()) {
  process.stderr.write(`Skipping the console browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium).\n`);
}

const textOf = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();

describeWithChromium(ConsoleController.name, () => {
  let sandbox: TikTokSandbox;
  let t: TestApp;
  let browser: Browser;
  let publicUrl: string;
  let apiKey: string;

  beforeAll(async () => {
    // The gateway's PUBLIC_URL must be where the browser finds it, so connect links and redirects come back here.
    const port = await findFreePort();
    publicUrl = `http://127.0.0.1:${port}`;
    sandbox = await startTestSandbox({ redirectUris: [`${publicUrl}/api/auth/tiktok/callback`] });
    t = await startTestApp({ sandbox, env: { PUBLIC_URL: publicUrl, PORT: String(port) } });
    await t.app.listen(port, '127.0.0.1');
    ({ apiKey } = await createTenant(t.app, { returnUrls: [`${publicUrl}/console`] }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sandbox?.stop();
  });

  it('should connect a sandbox account, then post a video with moving progress up to its final state', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${publicUrl}/console`);

    await page.getByLabel('API key', { exact: true }).fill(apiKey);
    await page.getByLabel('User id', { exact: true }).fill('browser-user');
    await page.getByLabel('User id', { exact: true }).press('Enter');
    await page.getByText('Not connected.').waitFor();
    expect(await textOf(page, '#caller-status')).toBe('Using a key of tenant “team” for user “browser-user”.');

    await page.getByRole('button', { name: 'Connect a TikTok account' }).click();
    await page.waitForURL((url) => url.port === new URL(sandbox.baseUrl).port);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Connected as Casey Creator.').waitFor();
    expect(page.url()).toBe(`${publicUrl}/console`);
    expect(await textOf(page, '#flash')).toBe('The TikTok account is connected.');

    await page.getByLabel('Post directly to the creator').check();
    await page.getByText('Posting to Casey Creator (@creator).', { exact: false }).waitFor();
    const privacy = page.getByLabel('Who can watch this video');
    expect(await privacy.inputValue()).toBe('');
    expect(
      await privacy.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value'))),
    ).toEqual(['', 'PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']);
    await page.getByRole('button', { name: 'Post to TikTok' }).click();
    expect(await textOf(page, '#upload-error')).toBe('Choose a video file.');

    await page.getByLabel('Video file').setInputFiles(join(FIXTURES_DIR, 'h264.mp4'));
    await privacy.selectOption('PUBLIC_TO_EVERYONE');
    await page.getByLabel('Caption', { exact: true }).fill('Hello from the console #test');
    expect(await textOf(page, '#caption-count')).toBe('28 of 2200 characters');
    await page.getByLabel('Comment', { exact: true }).check();

    // A slow uplink makes the 20 KB fixture take a few progress events instead of one.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 8 * 1024,
    });
    await page.evaluate(`(() => {
      const bar = document.getElementById('send-progress');
      window.progressSeen = [];
      new MutationObserver(() => window.progressSeen.push(bar.value)).observe(bar, { attributes: true });
    })()`);
    await page.getByRole('button', { name: 'Post to TikTok' }).click();
    await page
      .locator('#stage', { hasText: 'Published on TikTok' })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nThe page said: ${await textOf(page, '#progress-error')}`);
      });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    const progressSeen = (await page.evaluate('window.progressSeen')) as number[];
    expect(progressSeen.some((value) => value > 0 && value < 100)).toBe(true);
    expect(progressSeen.at(-1)).toBe(100);
    expect(await page.locator('#tiktok-progress').evaluate((bar) => bar.getAttribute('value'))).toBe('100');
    await page.locator('#recent-list li[data-status="published"]').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(pageErrors).toEqual([]);
    // Chromium asks every origin it shows for /favicon.ico, the sandbox's consent page included; not a TikTok call.
    const violations = (await t.control.violations()) as { path?: string }[];
    expect(violations.filter((violation) => violation.path !== '/favicon.ico')).toEqual([]);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'console.png'), fullPage: true });
    await context.close();
  });
});
