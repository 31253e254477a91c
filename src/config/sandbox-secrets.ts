import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateApiKey, randomToken, SANDBOX_API_KEY_PREFIX } from '../common/crypto/secret-hash';
import { generateKeyRingEntry } from '../common/crypto/token-cipher';
import { Env } from './app-config';

interface SandboxSecrets {
  adminApiKey: string;
  tokenEncryptionKeys: string;
  demoApiKey: string;
}

/**
 * `npm start` must work with nothing configured, yet no key may ship in the repository. In sandbox mode the
 * missing secrets are generated once and kept in a private file under data/, so the demo key printed at start
 * stays the same across restarts. Live mode never comes here.
 */
export function withSandboxSecrets(env: Env, file = 'data/sandbox-secrets.json'): { env: Env; demoApiKey: string } {
  const secrets = loadOrCreate(file);
  return {
    env: {
      ...env,
      ADMIN_API_KEY: env.ADMIN_API_KEY || secrets.adminApiKey,
      TOKEN_ENCRYPTION_KEYS: env.TOKEN_ENCRYPTION_KEYS || secrets.tokenEncryptionKeys,
    },
    demoApiKey: secrets.demoApiKey,
  };
}

function loadOrCreate(file: string): SandboxSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SandboxSecrets;
  const secrets: SandboxSecrets = {
    adminApiKey: `adm_${randomToken(32)}`,
    tokenEncryptionKeys: generateKeyRingEntry('sandbox1'),
    // An existing file keeps its demo key (a tgw_live_ one from an older install still works).
    demoApiKey: generateApiKey(SANDBOX_API_KEY_PREFIX).key,
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // data/ also holds the database and the spool
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
