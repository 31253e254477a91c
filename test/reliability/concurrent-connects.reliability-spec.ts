import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxControl, SCENARIO_ACCOUNTS, type ScenarioAccount } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { freePort } from '../harness/free-port';
import { ensureBuilt, GatewayProcess } from '../harness/gateway-process';
import { LiveGatewaySetup, liveCredentials, liveGatewayEnv, startLiveSandbox } from './support/live-gateway-env';
import { SecretLedger } from './support/secrets';

/** Long enough that every callback of a batch is waiting on TikTok's token answer before the first one returns. */
const TOKEN_DELAY_MS = 2000;
/** A browser that gets no answer in this time got none at all (the bug this file guards against hung for minutes). */
const ANSWER_TIMEOUT_MS = 15_000;

interface TenantUnderTest {
  name: string;
  apiKey: string;
  returnBase: string;
}

/** One end user's browser going through the connect flow. */
interface Browser {
  tenant: TenantUnderTest;
  userId: string;
  account: ScenarioAccount;
  returnUrl?: string;
  decision: 'approve' | 'deny';
  linkUrl?: string;
  cookie?: string;
  state?: string;
  callbackUrl?: string;
}

/** What a browser was answered, reduced to what it may only ever see of its own attempt. */
type Answer = { status: number; location: string } | { status: number; body: unknown } | { noAnswer: string };

describe(`Connect flows of several tenants at the same time (${usingPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  const ledger = new SecretLedger();
  let setup: LiveGatewaySetup;
  let sandbox: TikTokSandbox;
  let control: SandboxControl;
  let database: TestDatabase;
  let work: string;
  let gateway: GatewayProcess | undefined;
  let main: string;
  const tenants: TenantUnderTest[] = [];

  beforeAll(async () => {
    main = ensureBuilt();
    setup = liveCredentials(await freePort(), ledger);
    sandbox = await startLiveSandbox(setup);
    control = new SandboxControl(sandbox.baseUrl);
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'tgw-connects-'));
    const wiring = {
      databaseUrl: database.url,
      apiBaseUrl: sandbox.baseUrl,
      authUrl: sandbox.authorizeUrl,
      spoolDir: join(work, 'spool'),
    };
    gateway = await GatewayProcess.start(main, setup.port, liveGatewayEnv(setup, wiring), work);
    for (const name of ['alpha', 'beta', 'gamma']) tenants.push(await createTenant(name));
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (main) rmSync(join(main, '..', '..', '..'), { recursive: true, force: true });
  });
  afterEach(() => control.setTokenDelay(0));

  const createTenant = async (name: string): Promise<TenantUnderTest> => {
    const returnBase = `https://${name}.example.com/tiktok/`;
    const response = await fetch(`${setup.publicUrl}/api/admin/tenants`, {
      method: 'POST',
      headers: { 'X-Admin-Key': setup.adminKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, returnUrls: [returnBase] }),
    });
    const created = (await readJson(response, 201)) as { apiKey: string; webhookSecret: string };
    ledger.add('API key', created.apiKey);
    ledger.add('webhook secret', created.webhookSecret);
    return { name, apiKey: created.apiKey, returnBase };
  };

  /** Three browsers per tenant: a redirect back, a JSON answer, and a user who declines; accounts differ per tenant. */
  const browsersFor = (round: string): Browser[] =>
    tenants.flatMap((tenant, t) =>
      [0, 1, 2].map((j): Browser => {
        const userId = `${tenant.name}-${round}-${j}`;
        return {
          tenant,
          userId,
          account: SCENARIO_ACCOUNTS[(t + j * 2) % SCENARIO_ACCOUNTS.length],
          returnUrl: j === 1 ? undefined : `${tenant.returnBase}done?user=${userId}`,
          decision: j === 2 ? 'deny' : 'approve',
        };
      }),
    );

  const createLink = async (b: Browser) => {
    const response = await fetch(`${setup.publicUrl}/api/auth/tiktok/connect-links`, {
      method: 'POST',
      headers: { 'X-API-Key': b.tenant.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: b.userId, returnUrl: b.returnUrl }),
    });
    b.linkUrl = ((await readJson(response, 201)) as { url: string }).url;
  };

  /** The ticket leg: the gateway must send this browser to TikTok with a state bound to this browser's cookie. */
  const openLink = async (b: Browser) => {
    const start = await fetch(b.linkUrl as string, {
      redirect: 'manual',
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    if (start.status !== 302) throw new Error(`${b.userId}: link answered ${start.status}: ${await start.text()}`);
    b.cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
    const authorize = new URL(start.headers.get('location') ?? '');
    b.state = authorize.searchParams.get('state') ?? '';
    authorize.searchParams.set('sandbox_account', b.account.name);
    authorize.searchParams.set('sandbox_decision', b.decision);
    const consent = await fetch(authorize, { redirect: 'manual' });
    if (consent.status !== 302) throw new Error(`${b.userId}: consent answered ${consent.status}`);
    b.callbackUrl = consent.headers.get('location') ?? '';
    const code = new URL(b.callbackUrl).searchParams.get('code');
    if (code) ledger.add(`OAuth code of ${b.userId}`, code);
  };

  /** Same as openLink, but a browser that gets no answer is recorded instead of failing the whole batch. */
  const openLinkOrNote = (b: Browser) =>
    openLink(b).then(
      () => undefined,
      (error: Error) => `${b.userId}: ${error.name === 'TimeoutError' ? 'no answer' : error.message}`,
    );

  const callBack = async (b: Browser): Promise<Answer> => {
    try {
      const response = await fetch(b.callbackUrl as string, {
        headers: { Cookie: b.cookie as string },
        redirect: 'manual',
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status === 302) return { status: 302, location: response.headers.get('location') ?? '' };
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch (error) {
      return { noAnswer: (error as Error).name };
    }
  };

  /** The only answer this browser may get: its own user, its own TikTok account, its own return URL. */
  const expectedAnswer = (b: Browser): Answer => {
    if (!b.returnUrl) return { status: 200, body: { connected: true, userId: b.userId, openId: b.account.openId } };
    const back = new URL(b.returnUrl);
    if (b.decision === 'deny') {
      back.searchParams.set('tiktok', 'error');
      back.searchParams.set('error', 'forbidden');
      back.searchParams.set('reason', 'access_denied');
    } else {
      back.searchParams.set('tiktok', 'connected');
    }
    return { status: 302, location: back.toString() };
  };

  /** Tokens are stored under the right tenant and user, and a declined attempt stores nothing. */
  const storedOpenId = async (b: Browser): Promise<string | undefined> => {
    const response = await fetch(`${setup.publicUrl}/api/tiktok/status?userId=${encodeURIComponent(b.userId)}`, {
      headers: { 'X-API-Key': b.tenant.apiKey },
    });
    return ((await readJson(response, 200)) as { openId?: string }).openId;
  };
  const expectedOpenId = (b: Browser) => (b.decision === 'approve' ? b.account.openId : undefined);

  it('should give every browser its own answer when the callbacks of three tenants finish at once', async () => {
    const browsers = browsersFor('callbacks');
    for (const b of browsers) {
      await createLink(b);
      await openLink(b);
    }

    // Every token exchange is held by TikTok, so all nine callbacks are in flight together and return together.
    await control.setTokenDelay(TOKEN_DELAY_MS);
    const answers = await Promise.all(browsers.map(callBack));

    expect(answers).toEqual(browsers.map(expectedAnswer));
    expect(await Promise.all(browsers.map(storedOpenId))).toEqual(browsers.map(expectedOpenId));
    expect(await control.violations()).toEqual([]);
    expect(ledger.findIn(gateway?.logs() ?? '')).toEqual([]);
  }, 120_000);

  it('should send every browser to TikTok with its own state when links of three tenants are opened at once', async () => {
    const browsers = browsersFor('tickets');
    for (const b of browsers) await createLink(b);

    expect(await Promise.all(browsers.map(openLinkOrNote))).toEqual(browsers.map(() => undefined));
    expect(new Set(browsers.map((b) => b.state)).size).toBe(browsers.length);

    // Each state came back with its own browser's cookie, so each callback is accepted and answers its own browser.
    const answers: Answer[] = [];
    for (const b of browsers) answers.push(await callBack(b));
    expect(answers).toEqual(browsers.map(expectedAnswer));
    expect(await Promise.all(browsers.map(storedOpenId))).toEqual(browsers.map(expectedOpenId));
  }, 120_000);
});

async function readJson(response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${response.url} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
