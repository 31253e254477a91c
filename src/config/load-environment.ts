import { existsSync } from 'node:fs';
import { sandboxPreset } from '../../config/presets';
import { AppConfig, Env } from './app-config';
import { ConfigValidationError, loadConfig } from './env.schema';
import { withSandboxSecrets } from './sandbox-secrets';

export interface Environment {
  config: AppConfig;
  /** Sandbox mode only: the demo tenant's API key. */
  demoApiKey?: string;
}

/**
 * The configuration of a process started from the command line: `.env` if present, the sandbox preset and
 * generated secrets in sandbox mode, validated; on a problem it prints one line per variable and exits.
 */
export function loadEnvironmentOrExit(): Environment {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env: Env = process.env;
  let demoApiKey: string | undefined;
  // Read as loadConfig reads it (trimmed, empty = unset), so an empty TIKTOK_MODE also gets the sandbox secrets.
  if ((process.env.TIKTOK_MODE?.trim() || 'sandbox') === 'sandbox') {
    ({ env, demoApiKey } = withSandboxSecrets({ ...sandboxPreset, ...process.env }));
  }
  try {
    return { config: loadConfig(env), demoApiKey };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`tiktok-gateway cannot start; fix these variables:\n${error.problems.join('\n')}\n`);
    process.exit(1);
  }
}
