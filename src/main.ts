import { existsSync } from 'node:fs';
import { sandboxPreset } from '../config/presets';
import { createApp } from './app.factory';
import { AppConfig, Env } from './config/app-config';
import { ConfigValidationError, loadConfig } from './config/env.schema';
import { withSandboxSecrets } from './config/sandbox-secrets';
import { TenantsService } from './tenants/tenants.service';
import { TikTokSandbox } from './tiktok-sandbox/tiktok-sandbox';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const sandboxMode = (process.env.TIKTOK_MODE ?? 'sandbox') === 'sandbox';
  let env: Env = process.env;
  let demoApiKey: string | undefined;
  if (sandboxMode) ({ env, demoApiKey } = withSandboxSecrets({ ...sandboxPreset, ...process.env }));

  const config = readConfigOrExit(env);
  // Only this file decides whether the emulator runs (STYLE.md §8); the product talks to it like to TikTok.
  const sandbox = sandboxMode ? await startSandbox(config) : undefined;
  const app = await createApp(config);
  if (demoApiKey) {
    await app.get(TenantsService).ensureDemoTenant(demoApiKey, [`${config.app.publicUrl}/console`]);
  }
  await app.listen(config.app.port);
  app.enableShutdownHooks();
  process.once('SIGTERM', () => void sandbox?.stop());

  const lines = [`tiktok-gateway listening on ${config.app.publicUrl}`, `Swagger UI: ${config.app.publicUrl}/docs`];
  if (sandbox) lines.push(`TikTok sandbox: ${sandbox.baseUrl}`, `Demo tenant API key (X-API-Key): ${demoApiKey}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function readConfigOrExit(env: Env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`tiktok-gateway cannot start; fix these variables:\n${error.problems.join('\n')}\n`);
    process.exit(1);
  }
}

async function startSandbox(config: AppConfig): Promise<TikTokSandbox> {
  const sandbox = new TikTokSandbox({
    clientKey: config.tiktok.clientKey,
    clientSecret: config.tiktok.clientSecret,
    redirectUris: [config.tiktok.redirectUri],
    pkceEncoding: config.tiktok.pkceEncoding,
  });
  await sandbox.start(config.tiktok.sandboxPort, '127.0.0.1');
  return sandbox;
}

void main();
