import { join } from 'node:path';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';

// TikTok allows 6 inits per minute per access token (docs/tiktok.md §5.5). This takes a real minute, by design.
describe("TikTok's init budget", () => {
  let t: TestApp;
  beforeAll(async () => {
    // Eight pollers at once would spend the default 600 requests a minute of the API key.
    t = await startTestApp({ env: { RATE_LIMIT_API_PER_MINUTE: '100000' } });
  });
  afterAll(() => t.close());

  it('should keep eight uploads in a row for one user within 6 inits per minute, all reaching TikTok', async () => {
    const { apiKey } = await createTenant(t.app);
    const server = t.app.getHttpServer();
    await connectUser(server, apiKey, 'busy');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const accepted = await postVideo(server, apiKey, join(FIXTURES, 'h264.mp4'), {
        userId: 'busy',
        mode: 'direct',
        privacyLevel: 'SELF_ONLY',
      }).expect(202);
      ids.push(accepted.body.id as string);
    }
    const statuses = await Promise.all(ids.map((id) => waitForFinal(server, apiKey, id, 90_000)));
    const outcome = (s: { status: string; error?: unknown }) => `${s.status} ${JSON.stringify(s.error ?? null)}`;
    expect(statuses.map(outcome)).toEqual(Array(8).fill('published null'));

    const inits = (await t.control.requests())
      .filter((r) => r.path === '/v2/post/publish/video/init/')
      .map((r) => r.time);
    expect(inits).toHaveLength(8);
    for (let i = 6; i < inits.length; i++) expect(inits[i] - inits[i - 6]).toBeGreaterThanOrEqual(60_000);
    expect(await t.control.violations()).toEqual([]);
  }, 120_000);
});
