import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { INITS_PER_MINUTE } from '../../src/uploads/delivery/init-budget';
import { FIXTURES } from '../support/uploads';
import { WebhookReceiver } from '../support/webhook-receiver';
import { canHideFolders, HostName, TwoHosts, waitForAll } from './support/two-hosts';

/** A host silent this long is gone (INSTANCE_GONE_AFTER_SECONDS): long enough for a restart, short for a test. */
const GONE_AFTER_SECONDS = 15;
const VIDEO = join(FIXTURES, 'h264.mp4');
const INIT_PATH = '/v2/post/publish/video/init/';
/** Direct posts, so TikTok's cap of 5 pending inbox shares per creator stays out of the way (15 posts a day each). */
const POST = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

const runnable = Boolean(process.env.TEST_DATABASE_URL) && canHideFolders();
if (!process.env.TEST_DATABASE_URL) {
  console.info('Several hosts skipped: set TEST_DATABASE_URL (hosts share PostgreSQL; a SQLite file is one host).');
} else if (!runnable) {
  console.info('Several hosts skipped: `unshare --mount` needs root (it hides each host’s spool from the other).');
}

// Two gateway processes on one PostgreSQL database, each with its own spool folder the other cannot see, as on two
// hosts with UPLOAD_STORAGE=local: an upload is sent by the instance that holds its bytes, whoever waits for it.
(runnable ? describe : describe.skip)('Several hosts with local storage (PostgreSQL, separate spool folders)', () => {
  let two: TwoHosts;
  let receiver: WebhookReceiver;
  let tenant: { id: string; apiKey: string };
  const api = (name: HostName) => two.api(name, tenant.apiKey);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    two = await TwoHosts.start({
      hide: true,
      env: () => ({ INSTANCE_GONE_AFTER_SECONDS: String(GONE_AFTER_SECONDS) }),
    });
    tenant = await two.api('a').createTenant(two.setup.adminKey, { webhookUrl: receiver.url });
    two.ledger.add('API key', tenant.apiKey);
  }, 120_000);

  afterAll(async () => {
    await two?.stop();
    await receiver?.close();
  });

  it('should really hide each host’s spool folder from the other', () => {
    writeFileSync(join(two.hosts.b.spool, '.marker'), '');
    const seenBy = (name: HostName) =>
      existsSync(`/proc/${two.hosts[name].gateway!.pid}/root${two.hosts.b.spool}/.marker`);
    expect([seenBy('a'), seenBy('b')]).toEqual([false, true]);
    rmSync(join(two.hosts.b.spool, '.marker'));
  });

  it('should deliver sixteen uploads posted through both hosts, the waiting ones sent by the host holding them', async () => {
    const users = ['u0', 'u1'];
    await api('a').connect('u0', 'creator');
    await api('b').connect('u1', 'short_limit_creator');
    const initsBefore = (await two.control.requests()).filter((r) => r.path === INIT_PATH).length;
    // The first chunk PUTs answer 500: those uploads wait for their retry, as do the ones beyond TikTok's init budget.
    await two.control.failNextChunkPuts(4);

    const posted: { id: string; via: HostName }[] = [];
    for (let i = 0; i < 16; i++) {
      const via = i % 2 ? 'b' : 'a';
      const upload = await api(via).postVideo(VIDEO, { ...POST, userId: users[Math.floor(i / 2) % 2] });
      posted.push({ id: upload.id, via });
    }
    const final = await waitForAll(
      api('a'),
      posted.map((p) => p.id),
      180_000,
    );

    const summary = final.map((u) => `${u.status}${u.error ? `:${u.error.code}` : ''}`);
    expect(summary.filter((s) => s.includes('video_file_missing'))).toEqual([]);
    expect(summary).toEqual(posted.map(() => 'published'));
    // One init per upload, and each upload is its own publish at TikTok.
    const inits = (await two.control.requests()).filter((r) => r.path === INIT_PATH).length - initsBefore;
    expect(inits).toBe(16);
    const publishIds = new Set(final.map((u) => u.publishId));
    expect(publishIds.size).toBe(16);
    expect((await two.control.publishes()).filter((p) => publishIds.has(p.publishId)).map((p) => p.status)).toEqual(
      posted.map(() => 'PUBLISH_COMPLETE'),
    );
    expect(await two.control.violations()).toEqual([]);
    // Each spool is emptied by its own host once its uploads are final.
    expect([readdirSync(two.hosts.a.spool), readdirSync(two.hosts.b.spool)]).toEqual([[], []]);
  }, 240_000);

  it('should let a host restarted with the same INSTANCE_ID send the uploads it held', async () => {
    await api('b').connect('restarted', 'private_creator');
    const { waiting, before } = await fillInitBudgetThenQueue('b', 'restarted');
    await two.hosts.b.gateway!.kill9();
    await two.startHost('b');

    const done = await api('a').waitForUpload(waiting.id, 120_000);
    expect(done).toMatchObject({ status: 'published', error: null });
    expect(before.filter((u) => u.status !== 'published')).toEqual([]);
    expect(readdirSync(two.hosts.b.spool)).toEqual([]);
  }, 180_000);

  it('should delete a received file on the host holding it when the other host ends the upload', async () => {
    await api('b').connect('cancelled', 'creator');
    const { waiting } = await fillInitBudgetThenQueue('b', 'cancelled');
    expect(readdirSync(two.hosts.b.spool)).toHaveLength(1);

    expect(await api('a').cancel(waiting.id)).toMatchObject({ status: 'cancelled' });
    const deadline = Date.now() + 30_000;
    while (readdirSync(two.hosts.b.spool).length > 0 && Date.now() < deadline) await sleep(250);
    expect(readdirSync(two.hosts.b.spool)).toEqual([]);
  }, 120_000);

  it('should fail the waiting uploads of a host gone past INSTANCE_GONE_AFTER_SECONDS with media_unreachable, notifying the tenant', async () => {
    await api('b').connect('stranded', 'refresh_fails');
    const { waiting } = await fillInitBudgetThenQueue('b', 'stranded');
    await two.hosts.b.gateway!.kill9();
    const killedAt = Date.now();

    const failed = await api('a').waitForUpload(waiting.id, (GONE_AFTER_SECONDS + 30) * 1000);
    const after = Date.now() - killedAt;
    expect(failed).toMatchObject({ status: 'failed', publishId: null, error: { code: 'media_unreachable' } });
    await receiver.waitFor(() => receiver.ofType('upload.failed').some((r) => r.notification.data.id === waiting.id));
    const notices = receiver.ofType('upload.failed').filter((r) => r.notification.data.id === waiting.id);
    expect(notices).toHaveLength(1);
    expect(notices[0].notification.data).toMatchObject({ status: 'failed', error: { code: 'media_unreachable' } });
    // Its bytes are still on the gone host's disk: the failure is never "missing", and nothing was sent for it.
    expect(readdirSync(two.hosts.b.spool)).toHaveLength(1);
    console.info(`media_unreachable ${after} ms after the kill (INSTANCE_GONE_AFTER_SECONDS=${GONE_AFTER_SECONDS})`);
  }, 120_000);

  it('should leave no key or secret in the processes’ output', async () => {
    await two.hosts.a.gateway?.stop();
    const output = two.logs();
    expect(output).toContain('Several hosts with local storage: each upload is sent only by the instance');
    expect(two.ledger.findIn(output)).toEqual([]);
  });

  /** Six uploads through `via` use up the user's init minute (all sent); the seventh waits in `queued` for a slot. */
  async function fillInitBudgetThenQueue(via: HostName, userId: string) {
    const ids: string[] = [];
    for (let i = 0; i < INITS_PER_MINUTE; i++) ids.push((await api(via).postVideo(VIDEO, { ...POST, userId })).id);
    const before = await waitForAll(api(via), ids, 60_000);
    const waiting = await api(via).postVideo(VIDEO, { ...POST, userId });
    await sleep(1500); // several claim passes: it stays queued, waiting for the budget
    expect(await api(via).upload(waiting.id)).toMatchObject({ status: 'queued', publishId: null });
    return { waiting, before };
  }
});
