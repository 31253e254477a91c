import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, findFreePort, isChromiumInstalled, launchChromium } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

const describeWithChromium = isChromiumInstalled() ? describe : describe.skip;
if (!isChromiumInstalled()) {
  process.stderr.write(
    `Skipping the Swagger UI browser test: ${CHROMIUM_PATH} is missing (apt-get install chromium).\n`,
  );
}

describeWithChromium('Swagger UI at /docs', () => {
  let t: TestApp;
  let browser: Browser;
  let publicUrl: string;

  beforeAll(async () => {
    const port = await findFreePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({ env: { PUBLIC_URL: publicUrl, PORT: String(port) } });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should render the operations under its security headers and keep an entered key out of localStorage', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    const response = await page.goto(`${publicUrl}/docs`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock-summary-path', { hasText: '/api/tiktok/upload' }).count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const apiKeyForm = page.locator('.dialog-ux .auth-container').first();
    await apiKeyForm.locator('input').fill('tgw_key_typed_into_docs');
    await apiKeyForm.getByRole('button', { name: 'Apply credentials' }).click();
    await apiKeyForm.locator('button', { hasText: 'Logout' }).waitFor();
    const stored = await page.context().storageState();
    expect(JSON.stringify(stored)).not.toContain('tgw_key_typed_into_docs');
    // No script or style was refused by the policy (Chromium reports each refusal as a console error).
    expect(problems).toEqual([]);
    await page.close();
  });
});
