import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyLookupId } from '../common/crypto/secret-hash';
import { withSandboxSecrets } from './sandbox-secrets';

describe(withSandboxSecrets.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tgw-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should make a demo key whose prefix says sandbox, usable as an API key', () => {
    const { demoApiKey } = withSandboxSecrets({}, join(dir, 'sandbox-secrets.json'));
    expect(demoApiKey).toMatch(/^tgw_sandbox_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyLookupId(demoApiKey)).toBeDefined();
  });

  it("should keep an existing install's demo key, a tgw_live_ one included", () => {
    const file = join(dir, 'sandbox-secrets.json');
    const existing = {
      adminApiKey: 'adm_existing',
      tokenEncryptionKeys: 'sandbox1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
      demoApiKey: `tgw_live_${'A'.repeat(43)}`,
    };
    writeFileSync(file, JSON.stringify(existing));
    const { env, demoApiKey } = withSandboxSecrets({}, file);
    expect(demoApiKey).toBe(existing.demoApiKey);
    expect(apiKeyLookupId(demoApiKey)).toBe('A'.repeat(12));
    expect(env.ADMIN_API_KEY).toBe('adm_existing');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(existing);
  });
});
