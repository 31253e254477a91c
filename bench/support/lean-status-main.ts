// A reference, not the product: the work of the gateway's GET /api/tiktok/uploads/{id} on a bare node:http server,
// without Nest, Express or MikroORM, against the gateway's own SQLite file. The api bench loads it beside the
// gateway to measure what a route outside the framework and the ORM would cost (bench/README.md, "what is left").
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Histogram } from 'prom-client';
import { apiKeyLookupId, hashSecret, secretsEqual } from '../../src/common/crypto/secret-hash';
import { securityHeaders } from '../../src/common/http/security-headers';
import { redactLogLine, redactUrl } from '../../src/common/logging/redaction';
import { InMemoryThrottlerStorage } from '../../src/rate-limits/in-memory-throttler-storage';
import { toUploadResponse } from '../../src/uploads/dto/upload.mapping';
import { UPLOAD_VIEW_FIELDS, type UploadView } from '../../src/uploads/upload.entity';

// libsql ships no types for its synchronous API; this is the part used here.
interface Statement {
  all(...params: unknown[]): Record<string, unknown>[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('libsql') as new (
  path: string,
  options: { readonly: boolean },
) => {
  prepare(sql: string): Statement;
};

const ROUTE = /^\/api\/tiktok\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** The shown properties' columns, named as MikroORM's default naming strategy names them (`mediaType` → `media_type`). */
const VIEW_COLUMNS = UPLOAD_VIEW_FIELDS.map((field) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const JSON_FIELDS = new Set<string>(['postIds', 'error', 'video', 'photos', 'malwareScan']);
const DATE_FIELDS = new Set<string>(['publishAt', 'createdAt', 'updatedAt']);
const PER_MINUTE = 1_000_000;

function main(): void {
  const [databasePath] = process.argv.slice(2);
  const db = new Database(databasePath, { readonly: true });
  const keyByLookupId = db.prepare(
    'select secret_hash, tenant_id from api_key where lookup_id = ? and revoked_at is null',
  );
  const view = db.prepare(`select ${VIEW_COLUMNS.join(', ')} from upload where id = ? and tenant_id = ?`);
  const verified = new Map<string, { secretHash: string; tenantId: string }>();
  const limits = new InMemoryThrottlerStorage();
  const headers = securityHeaders() as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  const logger = pino({ hooks: { streamWrite: redactLogLine } });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });

  const server = createServer((req, res) => {
    const endTimer = duration.startTimer();
    const started = performance.now();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    headers(req, res, () => undefined);
    const send = (status: number, body: unknown, tenantId?: string) => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(json),
      });
      res.end(json);
      endTimer({ method: 'GET', route: '/api/tiktok/uploads/:id', status: String(status) });
      logger.info(
        {
          req: { id: requestId, method: req.method, url: redactUrl(req.url ?? '') },
          res: { statusCode: status },
          tenantId,
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    };
    const id = ROUTE.exec(req.url ?? '')?.[1];
    const rawKey = req.headers['x-api-key'];
    const lookupId = typeof rawKey === 'string' ? apiKeyLookupId(rawKey) : undefined;
    if (req.method !== 'GET' || !id || !lookupId) return send(404, { error: { code: 'not_found' } });
    let key = verified.get(lookupId);
    if (!key) {
      const row = keyByLookupId.all(lookupId)[0];
      if (row) verified.set(lookupId, (key = { secretHash: String(row.secret_hash), tenantId: String(row.tenant_id) }));
    }
    if (!key || !secretsEqual(hashSecret(String(rawKey)), key.secretHash)) {
      return send(401, { error: { code: 'unauthorized' } });
    }
    const { tenantId } = key;
    void limits.increment(`api:${tenantId}`, 60_000, PER_MINUTE, 60_000).then(({ totalHits }) => {
      res.setHeader('X-RateLimit-Limit', PER_MINUTE);
      res.setHeader('X-RateLimit-Remaining', Math.max(0, PER_MINUTE - totalHits));
      const row = view.all(id, tenantId)[0];
      if (!row) return send(404, { error: { code: 'not_found' } }, tenantId);
      send(200, toUploadResponse(toView(row)), tenantId);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`LEAN http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => {
    limits.onApplicationShutdown();
    server.close(() => process.exit(0));
  });
}

/** The row as the entity's types would read it (JSON text parsed, epoch-millisecond dates, bigint as a number). */
function toView(row: Record<string, unknown>): UploadView {
  const view: Record<string, unknown> = {};
  UPLOAD_VIEW_FIELDS.forEach((field, i) => {
    const value = row[VIEW_COLUMNS[i]];
    if (value === null) view[field] = null;
    else if (JSON_FIELDS.has(field)) view[field] = JSON.parse(String(value));
    else if (DATE_FIELDS.has(field)) view[field] = new Date(Number(value));
    else if (field === 'uploadedBytes') view[field] = Number(value);
    else view[field] = value;
  });
  return view as unknown as UploadView;
}

main();
