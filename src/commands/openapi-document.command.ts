// `npm run lint:openapi` and `npm run openapi:client`: writes the OpenAPI document of the built service (the
// Swagger plugin's metadata included), as /docs-json serves it, to the file named on the command line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPreset } from '../../config/presets';
import { createApp } from '../app.factory';
import { loadConfig } from '../config/env.schema';

async function main(): Promise<void> {
  const [target, publicUrl] = process.argv.slice(2);
  if (!target) throw new Error('usage: node dist/src/commands/openapi-document.command.js <output.json> [public URL]');
  // A throwaway database and the test preset's placeholder secrets: the document depends on neither.
  const dir = mkdtempSync(join(tmpdir(), 'tgw-openapi-'));
  try {
    const config = loadConfig({
      ...testPreset,
      DATABASE_URL: `sqlite:${join(dir, 'openapi.sqlite')}`,
      UPLOAD_SPOOL_DIR: join(dir, 'spool'),
      LOG_LEVEL: 'silent',
      // The document's `servers` entry; a deployment serves its own PUBLIC_URL there.
      ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}),
    });
    const app = await createApp(config);
    try {
      await app.listen(0, '127.0.0.1');
      const response = await fetch(`${await app.getUrl()}/docs-json`);
      if (!response.ok) throw new Error(`/docs-json answered ${response.status}`);
      writeFileSync(target, `${JSON.stringify(await response.json(), null, 2)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
