import request from 'supertest';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';

describe('Operations: errors, request ids, health, metrics, docs and logs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const http = () => request(t.app.getHttpServer());

  it('should answer every error with the API.md envelope and the request id', async () => {
    const response = await http().get('/no/such/route').set('X-Request-Id', 'caller-chosen-id-1').expect(404);
    expect(response.headers['x-request-id']).toBe('caller-chosen-id-1');
    expect(response.body).toEqual({
      error: { code: 'not_found', message: 'No such endpoint.', requestId: 'caller-chosen-id-1' },
    });
  });

  it('should generate a request id when the caller sends none or an unusable one', async () => {
    const plain = await http().get('/health/live').expect(200);
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const weird = await http().get('/health/live').set('X-Request-Id', 'bad id with spaces\u00ff').expect(200);
    expect(weird.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should refuse malformed JSON with validation_failed, not a 500', async () => {
    const response = await http()
      .post('/api/admin/tenants')
      .set('X-Admin-Key', ADMIN_KEY)
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('should report liveness and readiness', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('should expose Prometheus metrics including the HTTP request histogram', async () => {
    await http().get('/health/ready').expect(200);
    const response = await http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/ready",status="200"\} \d+/,
    );
    expect(response.text).toContain('process_cpu_seconds_total');
  });

  it('should serve a valid OpenAPI 3 document with both security schemes', async () => {
    const response = await http().get('/docs-json').expect(200);
    const doc = response.body as {
      openapi: string;
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['admin-key', 'api-key']);
    expect(doc.paths['/api/admin/tenants'].post.security).toEqual([{ 'admin-key': [] }]);
    expect(doc.paths['/api/admin/tenants'].post.responses).toHaveProperty('401');
    expect(doc.paths['/health/live'].get.security).toEqual([{}]);
    await http().get('/docs').expect(200);
  });

  it('should never write keys or secrets to the log', async () => {
    const tenant = await createTenant(t.app, { name: 'logs' });
    await http().get('/api/me').set('X-API-Key', tenant.apiKey).expect(200);
    await http()
      .get('/api/me')
      .set('Authorization', 'Bearer act.very-secret-token')
      .set('X-API-Key', 'tgw_live_nope')
      .expect(401);
    await http()
      .get('/health/ready?code=oauth-code-secret-123&state=state-secret-456&ticket=ticket-secret-789')
      .expect(200);
    const logs = t.logs();
    expect(logs).toContain('"url":"/health/ready?code=%5Bredacted%5D');
    for (const secret of [
      tenant.apiKey,
      tenant.webhookSecret,
      ADMIN_KEY,
      'act.very-secret-token',
      'oauth-code-secret-123',
      'state-secret-456',
      'ticket-secret-789',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
