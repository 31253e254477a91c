import { MikroORM } from '@mikro-orm/core';
import { NestFactory } from '@nestjs/core';
import { generateKeyRingEntry } from '../../src/common/crypto/token-cipher';
import { loadConfig } from '../../src/config/env.schema';
import { Tenant } from '../../src/tenants/tenant.entity';
import { TenantsService } from '../../src/tenants/tenants.service';
import { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import { Connection } from '../../src/tokens/connection.entity';
import { KeyRotationModule } from '../../src/tokens/key-rotation.module';
import { ENTITIES } from '../../src/entities';
import { KeyRotationService } from '../../src/tokens/key-rotation.service';
import { TokensService } from '../../src/tokens/tokens.service';
import { testPreset } from '../../config/presets';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, startTestSandbox } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

describe('Encryption key rotation', () => {
  it('should read old ciphertexts under a new ring and move every row to the new key', async () => {
    const database = await createTestDatabase();
    const sandbox = await startTestSandbox();
    const oldRing = testPreset.TOKEN_ENCRYPTION_KEYS;
    const newRing = `${generateKeyRingEntry('k2')},${oldRing}`;
    try {
      const first = await startTestApp({ database, sandbox, env: { TOKEN_ENCRYPTION_KEYS: oldRing } });
      const tenant = await createTenant(first.app);
      await connectUser(first.app.getHttpServer(), tenant.apiKey, 'keeper');
      await first.close();

      // The new key encrypts, the old one still decrypts: nothing breaks before the rotation runs.
      const second = await startTestApp({ database, sandbox, env: { TOKEN_ENCRYPTION_KEYS: newRing } });
      const userInfo = () =>
        second.app
          .get(TokensService)
          .withAccessToken(tenant.id, 'keeper', (token) => second.app.get(TikTokApiClient).getUserInfo(token));
      await expect(userInfo()).resolves.toMatchObject({ displayName: 'Casey Creator' });

      const context = await NestFactory.createApplicationContext(
        KeyRotationModule.register(
          loadConfig({ ...testPreset, DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEYS: newRing }),
          ENTITIES,
        ),
        { logger: false },
      );
      const summary = await context.get(KeyRotationService).reEncryptAll();
      await context.close();
      expect(summary).toEqual({ connections: 1, tenants: 1, keyId: 'k2' });

      const em = second.app.get(MikroORM).em.fork();
      const connection = await em.findOneOrFail(Connection, { userId: 'keeper' });
      expect(connection.accessTokenCiphertext).toMatch(/^v1\.k2\./);
      expect(connection.refreshTokenCiphertext).toMatch(/^v1\.k2\./);
      const row = await em.findOneOrFail(Tenant, { id: tenant.id }, { populate: ['webhookSecretCiphertext'] });
      expect(row.webhookSecretCiphertext).toMatch(/^v1\.k2\./);
      await second.close();

      // Only the new key is left: everything still opens.
      const third = await startTestApp({
        database,
        sandbox,
        env: { TOKEN_ENCRYPTION_KEYS: generateKeyRingEntry('unused') + ',' + newRing.split(',')[0] },
      });
      const info = await third.app
        .get(TokensService)
        .withAccessToken(tenant.id, 'keeper', (token) => third.app.get(TikTokApiClient).getUserInfo(token));
      expect(info.displayName).toBe('Casey Creator');
      await expect(third.app.get(TenantsService).getWebhookSecret(tenant.id)).resolves.toBe(tenant.webhookSecret);
      await third.close();
    } finally {
      await sandbox.stop();
      await database.drop();
    }
  });

  it('should refuse to use a token sealed under a key that is no longer in the ring', async () => {
    const t = await startTestApp();
    try {
      const tenant = await createTenant(t.app);
      await connectUser(t.app.getHttpServer(), tenant.apiKey, 'orphan');
      await t.app
        .get(MikroORM)
        .em.fork()
        .nativeUpdate(
          Connection,
          { userId: 'orphan' },
          { accessTokenCiphertext: 'v1.gone.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA' },
        );
      const calls = (await t.control.requests()).length;
      await expect(
        t.app
          .get(TokensService)
          .withAccessToken(tenant.id, 'orphan', (token) => t.app.get(TikTokApiClient).getUserInfo(token)),
      ).rejects.toMatchObject({ name: 'TokenDecryptionError', status: 500 });
      expect((await t.control.requests()).length).toBe(calls); // nothing was sent to TikTok
    } finally {
      await t.close();
    }
  });
});
