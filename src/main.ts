import './node-runtime.guard';
import './heap-accounting';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';
import { loadEnvironmentOrExit } from './config/load-environment';
import { TenantsService } from './tenants/tenants.service';
import type { TikTokSandbox } from './tiktok-sandbox/tiktok-sandbox';

async function main(): Promise<void> {
  process.stdout.write(`tiktok-gateway on Node.js ${process.version} (${process.execPath})\n`);
  const { config, demoApiKey } = loadEnvironmentOrExit();
  // Only this file decides whether the emulator runs; the product talks to it like to TikTok.
  const sandbox = config.tiktok.mode === 'sandbox' ? await startSandbox(config) : undefined;
  const app = await createApp(config);
  if (demoApiKey) await app.get(TenantsService).ensureDemoTenant(demoApiKey, [`${config.app.publicUrl}/console`]);
  // Without HOST, Node binds every interface (as before); HOST=127.0.0.1 keeps the service, admin API included, local.
  if (config.app.host) await app.listen(config.app.port, config.app.host);
  else await app.listen(config.app.port);
  process.once('SIGTERM', () => void sandbox?.stop());

  const lines = [`tiktok-gateway listening on ${config.app.publicUrl}`, `Swagger UI: ${config.app.publicUrl}/docs`];
  if (sandbox) {
    lines.push(
      `TikTok sandbox: ${sandbox.baseUrl}`,
      `Demo tenant API key (X-API-Key): ${demoApiKey}`,
      // The fragment never reaches the server; the console page reads the key from it once.
      `Console: ${config.app.publicUrl}/console#apiKey=${demoApiKey}`,
      'Admin key (X-Admin-Key) and token key: data/sandbox-secrets.json',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function startSandbox(config: AppConfig): Promise<TikTokSandbox> {
  // Loaded only in sandbox mode: a live instance never holds the emulator's code.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TikTokSandbox } =
    require('./tiktok-sandbox/tiktok-sandbox') as typeof import('./tiktok-sandbox/tiktok-sandbox');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sandbox = new TikTokSandbox({
    clientKey: config.tiktok.clientKey,
    clientSecret: config.tiktok.clientSecret,
    redirectUris: [config.tiktok.redirectUri],
    pkceEncoding: config.tiktok.pkceEncoding,
    // The demo shows TikTok's webhooks end to end: the emulator signs and posts them to the gateway.
    webhookUrl: `${config.app.publicUrl}/api/tiktok/webhooks`,
  });
  await sandbox.start(config.tiktok.sandboxPort, '127.0.0.1');
  return sandbox;
}

void main();
