import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ConsoleController } from '../../src/console/console.controller';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { CHROMIUM_PATH, findFreePort, isChromiumInstalled, launchChromium } from '../support/browser';
import { FIXTURES_DIR } from '../support/make-large-video';
import { CONTENT_INIT, startPhotoServer, stopServer } from '../sandbox/photo-kit';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { FIXTURES } from '../support/uploads';

const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
const describeWithChromium = isChromiumInstalled() ? describe : describe.skip;
if (!isChromiumInstalled()) {
  process.stderr.write(`Skipping the console browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium).\n`);
}

const textOf = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();

/** Types the key and user into a fresh page and waits until the console has read the connection. */
async function signIn(page: Page, baseUrl: string, apiKey: string, userId: string, waitForText: string) {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('API key', { exact: true }).fill(apiKey);
  await page.getByLabel('User id', { exact: true }).fill(userId);
  await page.getByLabel('User id', { exact: true }).press('Enter');
  await page.getByText(waitForText).waitFor();
}

/** The Photos tab, reached by keyboard from the Video tab as the tabs pattern has it. */
async function openPhotosTab(page: Page) {
  await page.getByRole('tab', { name: 'Video' }).focus();
  await page.keyboard.press('ArrowRight');
  expect(await page.evaluate('document.activeElement.id')).toBe('photo-tab');
  await page.getByRole('heading', { name: '3. Post photos' }).waitFor();
  expect(await page.locator('#video-panel').isHidden()).toBe(true);
}

/** What the photo list shows for each photo (its address, or its file name and size), in posting order. */
const photoNames = (page: Page) =>
  page.locator('#photo-list .photo-name').evaluateAll((names) => names.map((name) => name.textContent));

describeWithChromium(ConsoleController.name, () => {
  let sandbox: TikTokSandbox;
  let t: TestApp;
  let browser: Browser;
  let publicUrl: string;
  let apiKey: string;
  let images: { server: Server; base: string };

  beforeAll(async () => {
    // The gateway's PUBLIC_URL must be where the browser finds it, so connect links and redirects come back here.
    const port = await findFreePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // Photos by address come from a loopback image server; received photos from the gateway itself (MEDIA_PUBLIC_URL).
    images = await startPhotoServer();
    const verified = [`${images.base}/photos/`, `${publicUrl}/media/photos/`];
    sandbox = await startTestSandbox({
      redirectUris: [`${publicUrl}/api/auth/tiktok/callback`],
      verifiedUrlPrefixes: verified,
    });
    t = await startTestApp({
      sandbox,
      env: {
        PUBLIC_URL: publicUrl,
        PORT: String(port),
        MEDIA_PUBLIC_URL: publicUrl,
        TIKTOK_VERIFIED_URL_PREFIXES: verified.join(','),
        // With video.list the gateway reads each published post's share URL back, which the list links to.
        TIKTOK_SCOPES: 'user.info.basic,video.upload,video.publish,video.list',
      },
    });
    await t.app.listen(port, '127.0.0.1');
    ({ apiKey } = await createTenant(t.app, { returnUrls: [`${publicUrl}/console`] }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sandbox?.stop();
    if (images) await stopServer(images.server);
  });

  /** Connects a new user through the sandbox's consent page, as a person would. */
  async function connectInBrowser(page: Page, userId: string) {
    await signIn(page, publicUrl, apiKey, userId, 'Not connected.');
    await page.getByRole('button', { name: 'Connect a TikTok account' }).click();
    await page.waitForURL((url) => url.port === new URL(sandbox.baseUrl).port);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Connected as Casey Creator.').waitFor();
  }
  const contentInits = async () => (await t.control.requests()).filter((r) => r.path === CONTENT_INIT).length;
  const publishOf = async (publishId: string) => (await t.control.publishes()).find((p) => p.publishId === publishId)!;
  const publishIdOf = async (uploadId: string) => {
    const response = await fetch(`${publicUrl}/api/tiktok/uploads/${uploadId}`, { headers: { 'X-API-Key': apiKey } });
    return ((await response.json()) as { publishId: string }).publishId;
  };

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

  it('should schedule a photo post at a time in the browser’s time zone, sending TikTok nothing before it', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    await connectInBrowser(page, 'photo-planner');
    await openPhotosTab(page);
    await page.getByLabel('Or image web addresses, one per line').fill(`${images.base}/photos/photo-640x360.jpg`);
    await page.getByRole('button', { name: 'Add these addresses' }).click();

    expect(await textOf(page, '#photo-publish-at-zone')).toMatch(/^Europe\/Berlin \(UTC\+0[12]:00\)$/);
    // Two hours ahead, as the browser's own clock and zone write it into a datetime-local field.
    const local = (await page.evaluate(`(() => {
      const at = new Date(Date.now() + 2 * 3600_000);
      at.setSeconds(0, 0);
      const pad = (n) => String(n).padStart(2, '0');
      return { value: at.getFullYear() + '-' + pad(at.getMonth() + 1) + '-' + pad(at.getDate()) + 'T' + pad(at.getHours()) + ':' + pad(at.getMinutes()), iso: at.toISOString() };
    })()`)) as { value: string; iso: string };
    await page.getByLabel('Publish the photos at (optional)').fill(local.value);
    const initsBefore = await contentInits();
    await page.getByRole('button', { name: 'Send the photos to the inbox' }).click();

    const item = page.locator('#recent-list li[data-status="scheduled"][data-media-type="photo"]');
    await item.waitFor({ timeout: 15_000 });
    const response = await fetch(`${publicUrl}/api/tiktok/uploads/${await item.getAttribute('data-upload-id')}`, {
      headers: { 'X-API-Key': apiKey },
    });
    const upload = (await response.json()) as { status: string; publishAt: string };
    expect(upload.status).toBe('scheduled');
    expect(new Date(upload.publishAt).toISOString()).toBe(local.iso);
    expect(await contentInits()).toBe(initsBefore);
    await context.close();
  });

  it('should post photos by address directly, in the order and with the cover chosen, up to published', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await connectInBrowser(page, 'photo-user');
    await openPhotosTab(page);

    const [a, b, c] = ['photo-640x360.jpg', 'photo-640x360.webp', 'photo-1080x1920.jpg'].map(
      (name) => `${images.base}/photos/${name}`,
    );
    await page.getByLabel('Or image web addresses, one per line').fill(`${a}\n  ${b}\n\n${c}\n`);
    await page.getByRole('button', { name: 'Add these addresses' }).click();
    expect(await textOf(page, '#photo-list-status')).toBe('3 photos added; 3 in the post.');
    expect(await photoNames(page)).toEqual([a, b, c]);

    // By keyboard: the third photo up twice; the focus follows it, and at the top lands on its "Move down".
    await page.getByRole('button', { name: 'Move photo 3 up' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe('Move photo 2 up');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe('Move photo 1 down');
    expect(await photoNames(page)).toEqual([c, a, b]);
    expect(await textOf(page, '#photo-list-status')).toBe(`${c} is now photo 1 of 3.`);
    // The first photo added is the cover until another is chosen, and it stays the cover as it moves.
    expect(await page.getByRole('radio', { name: 'Photo 2 as the cover' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'Photo 3 as the cover' }).check();

    await page.getByLabel('Post the photos directly').check();
    await page.locator('#photo-creator-line', { hasText: 'Posting to Casey Creator (@creator).' }).waitFor();
    const privacy = page.getByLabel('Who can watch this photo post');
    expect(await privacy.inputValue()).toBe('');
    expect(
      await privacy.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value'))),
    ).toEqual(['', 'PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']);
    await page.getByRole('button', { name: 'Post the photos to TikTok' }).click();
    expect(await textOf(page, '#photo-error')).toBe('Choose who can watch this photo post.');
    expect(await page.evaluate('document.activeElement.id')).toBe('photo-privacy');

    await privacy.selectOption('PUBLIC_TO_EVERYONE');
    await page.getByLabel('Title', { exact: true }).fill('Three in a row');
    expect(await textOf(page, '#photo-title-count')).toBe('14 of 90 characters');
    await page.getByLabel('Comment on the photos').check();
    const initsBefore = await contentInits();
    await page.getByRole('button', { name: 'Post the photos to TikTok' }).click();
    await page
      .locator('#stage', { hasText: 'Published on TikTok' })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nThe page said: ${await textOf(page, '#progress-error')}`);
      });
    expect(await textOf(page, '#send-text')).toBe('The gateway accepted the photo post.');

    const item = page.locator('#recent-list li[data-status="published"][data-media-type="photo"]');
    await item.waitFor();
    expect(await item.textContent()).toContain('3 photos, Direct post');
    expect((await contentInits()) - initsBefore).toBe(1);
    const publish = await publishOf(await publishIdOf((await item.getAttribute('data-upload-id'))!));
    expect(publish.initBody).toMatchObject({
      media_type: 'PHOTO',
      post_mode: 'DIRECT_POST',
      post_info: {
        title: 'Three in a row',
        privacy_level: 'PUBLIC_TO_EVERYONE',
        disable_comment: false,
        auto_add_music: false,
        brand_content_toggle: false,
      },
      source_info: { source: 'PULL_FROM_URL', photo_images: [c, a, b], photo_cover_index: 2 },
    });

    // The share URL is read back a moment after publishing; refreshing the list shows its link.
    const share = item.getByRole('link', { name: 'Open on TikTok' });
    for (let tries = 0; tries < 20 && (await share.count()) === 0; tries += 1) {
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: 'Refresh the list' }).click();
      await page.locator('#recent-list li').first().waitFor();
    }
    expect(await share.getAttribute('href')).toMatch(/^https:\/\/www\.tiktok\.com\/@creator\/(video|photo)\/\d+/);

    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(pageErrors).toEqual([]);
    const violations = (await t.control.violations()) as { path?: string }[];
    expect(violations.filter((violation) => violation.path !== '/favicon.ico')).toEqual([]);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'console-photos.png'), fullPage: true });
    await context.close();
  });

  it('should send chosen image files to the inbox, previewed, reordered, with the cover chosen', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await connectInBrowser(page, 'photo-files-user');
    await openPhotosTab(page);

    await page
      .getByLabel('Image files (JPEG or WebP)')
      .setInputFiles([join(FIXTURES, 'photo-640x360.webp'), join(FIXTURES, 'photo-1080x1920.jpg')]);
    expect(await textOf(page, '#photo-list-status')).toBe('2 photos added; 2 in the post.');
    // The previews are blob: URLs, which the page's policy must let through.
    const thumbs = "Array.from(document.querySelectorAll('#photo-list img.thumb'))";
    // Polled with evaluate: waitForFunction compiles its text in the page, which the page's policy forbids.
    const widths = () =>
      page.evaluate(`${thumbs}.map((img) => (img.complete ? img.naturalWidth : -1))`) as Promise<number[]>;
    for (let tries = 0; tries < 50 && (await widths()).includes(-1); tries += 1) await page.waitForTimeout(100);
    expect(await widths()).toEqual([640, 1080]);
    // The cover is a photo, not a place: chosen first, it moves along when the other photo goes up.
    await page.getByRole('radio', { name: 'Photo 1 as the cover' }).check();
    await page.getByRole('button', { name: 'Move photo 2 up' }).click();
    expect((await photoNames(page)).map((name) => name!.split(',')[0])).toEqual([
      'photo-1080x1920.jpg',
      'photo-640x360.webp',
    ]);
    expect(await page.getByRole('radio', { name: 'Photo 2 as the cover' }).isChecked()).toBe(true);
    const initsBefore = await contentInits();
    await page.getByRole('button', { name: 'Send the photos to the inbox' }).click();
    await page
      .locator('#stage', { hasText: "Delivered to the creator's TikTok inbox" })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nThe page said: ${await textOf(page, '#progress-error')}`);
      });

    const item = page.locator('#recent-list li[data-status="inbox_delivered"][data-media-type="photo"]');
    await item.waitFor();
    expect((await contentInits()) - initsBefore).toBe(1);
    const publish = await publishOf(await publishIdOf((await item.getAttribute('data-upload-id'))!));
    expect(publish.initBody).toMatchObject({ post_mode: 'MEDIA_UPLOAD', source_info: { photo_cover_index: 1 } });
    const urls = (publish.initBody.source_info as { photo_images: string[] }).photo_images;
    for (const url of urls) expect(url.startsWith(`${publicUrl}/media/photos/`)).toBe(true);
    expect(publish.images!.map((image) => [image.fetched, image.format, image.width])).toEqual([
      [true, 'jpeg', 1080],
      [true, 'webp', 640],
    ]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describeWithChromium(`${ConsoleController.name} on a gateway without MEDIA_PUBLIC_URL`, () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let apiKey: string;

  beforeAll(async () => {
    const port = await findFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp();
    await t.app.listen(port, '127.0.0.1');
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'no-files-user');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should say that image files are not taken here, with the gateway’s reason, and keep the photos listed', async () => {
    const page = await browser.newPage();
    await signIn(page, baseUrl, apiKey, 'no-files-user', 'Connected as Casey Creator.');
    await openPhotosTab(page);
    await page.getByLabel('Image files (JPEG or WebP)').setInputFiles(join(FIXTURES, 'photo-640x360.jpg'));
    await page.getByRole('button', { name: 'Send the photos to the inbox' }).click();
    const error = page.locator('#progress-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toMatch(
      /^This gateway does not take image files\. This gateway takes photo posts as application\/json with photoUrls only: it has no MEDIA_PUBLIC_URL .*Add the images by their web addresses instead\. Request id: \S+\.$/,
    );
    expect(await textOf(page, '#send-text')).toBe('The photo post was not accepted.');
    expect(await page.locator('#photo-list li').count()).toBe(1);
    expect((await t.control.requests()).filter((r) => r.path === CONTENT_INIT)).toEqual([]);
    await page.close();
  });
});
