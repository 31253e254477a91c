import { ConfigValidationError, loadConfig } from './env.schema';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig: HOST and TRUST_PROXY', () => {
  it('should bind all interfaces and trust no proxy by default', () => {
    expect(loadConfig({}).app).toMatchObject({ host: undefined, trustProxy: undefined });
  });

  it.each([
    ['loopback', 'loopback'],
    ['loopback, 10.0.0.0/8', 'loopback,10.0.0.0/8'],
    ['192.168.1.7,fd00::/8,uniquelocal', '192.168.1.7,fd00::/8,uniquelocal'],
    ['2', 2],
    ['true', true],
    ['false', false],
  ])('should take TRUST_PROXY=%s in the form Express expects', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).app.trustProxy).toEqual(expected);
  });

  it('should refuse TRUST_PROXY values Express would not understand, naming them', () => {
    expect(problemsOf({ TRUST_PROXY: 'loopback,proxy.example.com,10.0.0.0/33' })).toEqual([
      expect.stringMatching(/^TRUST_PROXY: .*not "proxy\.example\.com, 10\.0\.0\.0\/33"$/),
    ]);
  });

  it.each(['127.0.0.1', '::', '0.0.0.0', 'localhost', 'gateway.internal'])('should take HOST=%s', (host) => {
    expect(loadConfig({ HOST: host }).app.host).toBe(host);
  });

  it('should refuse a HOST that is neither an address nor a host name, in one line', () => {
    expect(problemsOf({ HOST: 'http://127.0.0.1' })).toEqual([expect.stringMatching(/^HOST: must be an IP address/)]);
  });

  it('should refuse out-of-range brute-force and webhook budgets, one line each', () => {
    expect(
      problemsOf({
        AUTH_FAILURES_PER_WINDOW: '0',
        AUTH_FAILURE_WINDOW_SECONDS: 'x',
        RATE_LIMIT_WEBHOOKS_PER_MINUTE: '-1',
      }),
    ).toEqual([
      expect.stringMatching(/^RATE_LIMIT_WEBHOOKS_PER_MINUTE: /),
      expect.stringMatching(/^AUTH_FAILURES_PER_WINDOW: /),
      expect.stringMatching(/^AUTH_FAILURE_WINDOW_SECONDS: /),
    ]);
  });
});
