import request from 'supertest';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';

describe('Admin API and API keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const http = () => request(t.app.getHttpServer());

  it('should create a tenant and show its key and webhook secret only once', async () => {
    const created = await createTenant(t.app, { name: 'video-team', returnUrls: ['https://app.example.com/tiktok'] });
    expect(created.apiKey).toMatch(/^tgw_live_[A-Za-z0-9_-]{43}$/);
    expect(created.webhookSecret).toMatch(/^whsec_/);

    const list = await http().get('/api/admin/tenants').set('X-Admin-Key', ADMIN_KEY).expect(200);
    const listed = (list.body as { items: Record<string, unknown>[] }).items.find((i) => i.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      name: 'video-team',
      returnUrls: ['https://app.example.com/tiktok'],
      webhookUrl: null,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(list.body)).not.toContain(created.apiKey);
  });

  it('should refuse admin calls without the right admin key', async () => {
    const missing = await http().get('/api/admin/tenants').expect(401);
    expect(missing.body.error.code).toBe('unauthorized');
    await http().get('/api/admin/tenants').set('X-Admin-Key', 'wrong').expect(401);
    const { apiKey } = await createTenant(t.app);
    await http().get('/api/admin/tenants').set('X-API-Key', apiKey).expect(401);
  });

  it('should refuse an invalid tenant body with validation_failed', async () => {
    const response = await http()
      .post('/api/admin/tenants')
      .set('X-Admin-Key', ADMIN_KEY)
      .send({ name: '', returnUrls: ['not a url'], extra: true })
      .expect(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.problems.length).toBeGreaterThanOrEqual(2);
  });

  it('should issue more keys and revoke one without touching the others', async () => {
    const tenant = await createTenant(t.app);
    const second = await http()
      .post(`/api/admin/tenants/${tenant.id}/api-keys`)
      .set('X-Admin-Key', ADMIN_KEY)
      .expect(201);
    const { id: secondId, apiKey: secondKey } = second.body as { id: string; apiKey: string };

    await http().get('/api/me').set('X-API-Key', secondKey).expect(200);
    await http().delete(`/api/admin/api-keys/${secondId}`).set('X-Admin-Key', ADMIN_KEY).expect(204);
    const revoked = await http().get('/api/me').set('X-API-Key', secondKey).expect(401);
    expect(revoked.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('revoked') });
    const stillValid = await http().get('/api/me').set('X-API-Key', tenant.apiKey).expect(200);
    expect(stillValid.body).toMatchObject({ tenantId: tenant.id, name: 'team' });
  });

  it('should answer 404 for an unknown tenant or key id', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    await http().post(`/api/admin/tenants/${id}/api-keys`).set('X-Admin-Key', ADMIN_KEY).expect(404);
    await http().delete(`/api/admin/api-keys/${id}`).set('X-Admin-Key', ADMIN_KEY).expect(404);
  });

  it('should refuse API calls with a missing or unknown key', async () => {
    const missing = await http().get('/api/me').expect(401);
    expect(missing.body.error).toEqual({
      code: 'unauthorized',
      message: expect.any(String),
      requestId: expect.any(String),
    });
    await http()
      .get('/api/me')
      .set('X-API-Key', 'tgw_live_' + 'A'.repeat(43))
      .expect(401);
    await http().get('/api/me').set('X-API-Key', 'garbage').expect(401);
  });
});
