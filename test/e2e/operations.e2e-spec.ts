import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';

describe('Operations: errors, request ids, health, metrics, docs and logs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const http = () => request(t.app.getHttpServer());

  it('should answer every error with the error body and the request id', async () => {
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

  describe('request bodies the parser refuses', () => {
    const postJson = (requestId: string, body: string | Buffer) =>
      http()
        .post('/api/admin/tenants')
        .set('X-Admin-Key', ADMIN_KEY)
        .set('X-Request-Id', requestId)
        .set('Content-Type', 'application/json')
        // superagent would send a Buffer as the JSON of its bytes: bytes go through as they are.
        .serialize((data: unknown) => data as string)
        .send(body as string);

    /** The response's own request id, in its header and its body, and a request log line like any other's. */
    function expectHandledLikeAnyRequest(response: request.Response, requestId: string, status: number): void {
      expect(response.headers['x-request-id']).toBe(requestId);
      expect(response.body.error.requestId).toBe(requestId);
      const line = t
        .logs()
        .split('\n')
        .find((l) => l.includes(`"id":"${requestId}"`));
      expect(line).toBeDefined();
      expect(JSON.parse(line as string)).toMatchObject({ req: { id: requestId }, res: { statusCode: status } });
    }

    it('should refuse malformed JSON with validation_failed and its own words, not the parser text', async () => {
      const response = await postJson('body-malformed-1', '{"name": ').expect(400);
      expect(response.body.error).toEqual({
        code: 'validation_failed',
        message: 'The request body is not valid JSON.',
        requestId: 'body-malformed-1',
      });
      expectHandledLikeAnyRequest(response, 'body-malformed-1', 400);
    });

    it('should refuse an unsupported Content-Encoding with 415, naming the supported ones', async () => {
      const response = await postJson('body-encoding-1', '{}').set('Content-Encoding', 'x-bogus').expect(415);
      expect(response.body.error.code).toBe('unsupported_media_type');
      expect(response.body.error.message).toContain('x-bogus');
      expect(response.body.error.message).toMatch(/gzip, deflate, br/);
      expectHandledLikeAnyRequest(response, 'body-encoding-1', 415);
    });

    it('should refuse a body that is not what its Content-Encoding says with 415, not a 500', async () => {
      const response = await postJson('body-encoding-2', 'not gzip at all').set('Content-Encoding', 'gzip').expect(415);
      expect(response.body.error.code).toBe('unsupported_media_type');
      expect(response.body.error.message).toContain('gzip');
      expectHandledLikeAnyRequest(response, 'body-encoding-2', 415);
      expect(t.logs()).not.toContain('Unhandled error');
    });

    it('should refuse a JSON body over the limit with 413 payload_too_large', async () => {
      const response = await postJson('body-large-1', JSON.stringify({ name: 'x'.repeat(200_000) })).expect(413);
      expect(response.body.error.code).toBe('payload_too_large');
      expectHandledLikeAnyRequest(response, 'body-large-1', 413);
    });

    it('should still read gzip bodies', async () => {
      const response = await postJson('body-gzip-1', gzipSync(JSON.stringify({ name: 'zipped' })))
        .set('Content-Encoding', 'gzip')
        .expect(201);
      expect(response.body.name).toBe('zipped');
    });
  });

  describe('security headers', () => {
    it('should send nosniff and a deny-all policy on API responses, errors included', async () => {
      for (const response of [await http().get('/health/live').expect(200), await http().get('/api/me').expect(401)]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('DENY');
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
      }
    });

    it('should serve the Swagger UI with a policy it works under, never framed', async () => {
      for (const path of ['/docs', '/docs/swagger-ui-init.js']) {
        const response = await http().get(path).expect(200);
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain("'unsafe-eval'");
      }
    });

    it('should not keep the API key the Swagger UI is given in localStorage', async () => {
      const init = await http().get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).not.toMatch(/"persistAuthorization":\s*true/);
    });

    it("should keep the console page's own stricter policy", async () => {
      const response = await http().get('/console').expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain('media-src blob:');
      expect(csp).toContain("form-action 'none'");
    });
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
