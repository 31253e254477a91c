import { MikroORM } from '@mikro-orm/core';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildOrmOptions } from '../../src/database/orm-options';
import { ENTITIES } from '../../src/entities';
import { OutboxMessage } from '../../src/notifications/outbox-message.entity';
import { OutboxService } from '../../src/notifications/outbox.service';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const MESSAGES = 24;
/** Each delivery takes this long, so a pass over every message outlasts the moment shutdown begins. */
const RECEIVER_DELAY_MS = 1_000;

// The outbox job at shutdown (periodic-task.ts): the pass in progress finishes the sends in flight and takes no new
// message, so the instance goes at once and another one delivers the rest, none of them leased.
describe('Notifications pending when an instance shuts down', () => {
  let database: TestDatabase;
  let t: TestApp | undefined;
  let receiver: Server;
  let requests = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      requests += 1;
      req.resume();
      setTimeout(() => res.writeHead(200).end(), RECEIVER_DELAY_MS);
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver.close(resolve));
    await database?.drop();
  });

  it('should stop delivering between messages and leave the rest pending with no lease', async () => {
    t = await startTestApp({ database });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const tenant = await createTenant(t.app, { webhookUrl: url });
    const em = t.app.get(MikroORM).em.fork();
    const outbox = t.app.get(OutboxService);
    for (let n = 0; n < MESSAGES; n++)
      await outbox.enqueue(em, { tenantId: tenant.id, type: 'upload.updated', data: { n } });

    // The job's own pass (every second) is sending when shutdown begins.
    while (requests === 0) await sleep(10);
    await t.close();
    t = undefined;

    const orm = await MikroORM.init({
      ...buildOrmOptions({ url: database.url, driver: database.sqliteFile ? 'sqlite' : 'postgresql' }, ENTITIES),
      logger: () => undefined,
    });
    try {
      const rows = await orm.em.fork().find(OutboxMessage, {}, { orderBy: { seq: 'asc' } });
      expect(rows).toHaveLength(MESSAGES);
      const delivered = rows.filter((row) => row.status === 'delivered');
      expect(delivered.length).toBe(requests);
      expect(delivered.length).toBeLessThan(MESSAGES);
      expect(rows.filter((row) => row.status !== 'delivered').map((row) => [row.status, row.leaseUntil])).toEqual(
        Array.from({ length: MESSAGES - delivered.length }, () => ['pending', null]),
      );
    } finally {
      await orm.close(true);
    }
  });
});
