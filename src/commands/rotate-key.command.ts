// `npm run tokens:rotate-key`: after putting a new key first in TOKEN_ENCRYPTION_KEYS (keep the old ones after it),
// re-encrypt every stored secret under it; then the old keys can be removed.
import { NestFactory } from '@nestjs/core';
import { loadEnvironmentOrExit } from '../config/load-environment';
import { ENTITIES } from '../entities';
import { KeyRotationModule } from '../tokens/key-rotation.module';
import { KeyRotationService } from '../tokens/key-rotation.service';

async function main(): Promise<void> {
  const { config } = loadEnvironmentOrExit();
  const context = await NestFactory.createApplicationContext(KeyRotationModule.register(config, ENTITIES), {
    logger: ['error', 'warn'],
  });
  try {
    const summary = await context.get(KeyRotationService).reEncryptAll();
    process.stdout.write(
      `Re-encrypted under key "${summary.keyId}": ${summary.connections} connection(s), ${summary.tenants} tenant webhook secret(s).\n`,
    );
  } finally {
    await context.close();
  }
}

void main();
