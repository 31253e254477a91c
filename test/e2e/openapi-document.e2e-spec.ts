import request from 'supertest';
import { startTestApp, TEST_PUBLIC_URL, TestApp } from '../support/test-app';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  required?: string[];
  properties?: Record<string, Schema>;
  allOf?: Schema[];
}
interface Response {
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Schema; example?: { error: { code: string } } }>;
}
interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}
interface Document {
  servers: { url: string }[];
  info: { license?: { name: string } };
  paths: Record<string, Record<string, Operation>>;
}

/**
 * The document Swagger UI and client generators read (`npm run lint:openapi` runs Redocly on the built one). These
 * are the parts that decorators declare, so they hold without the Swagger compiler plugin, as under Jest.
 */
describe('The OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  const operations = () => Object.values(document.paths).flatMap((item) => Object.values(item));
  const op = (path: string, method: string) => document.paths[path][method];

  beforeAll(async () => {
    t = await startTestApp();
    document = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body as Document;
  });
  afterAll(() => t.close());

  it('should give the upload one exact body per content type', () => {
    const { content } = op('/api/tiktok/upload', 'post').requestBody ?? { content: {} };
    const form = content['multipart/form-data'].schema;
    const json = content['application/json'].schema;
    expect(form.required).toEqual(['userId', 'video']);
    expect(form.properties?.video).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(form.properties ?? {}).at(-1)).toBe('video');
    expect(form.properties?.videoUrl).toBeUndefined();
    expect(json.required).toEqual(['userId', 'videoUrl']);
    expect(json.properties?.video).toBeUndefined();
    for (const flag of ['brandContent', 'brandOrganic', 'isAigc']) {
      expect(form.properties?.[flag]).toMatchObject({ type: 'boolean', example: false });
      expect(form.properties?.[flag]).not.toHaveProperty('default');
    }
  });

  it('should document Idempotency-Key once, as an optional header', () => {
    expect(op('/api/tiktok/upload', 'post').parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
  });

  it('should name operations after their handlers, uniquely', () => {
    const ids = operations().map((operation) => operation.operationId);
    expect(ids).toEqual(expect.arrayContaining(['createUpload', 'getUpload', 'createConnectLink', 'listUploads']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.includes('Controller'))).toEqual([]);
  });

  it('should narrow each error response to its own codes, with a matching example', () => {
    const conflict = op('/api/tiktok/upload', 'post').responses['409'].content?.['application/json'];
    expect(conflict?.schema.properties?.error.allOf?.[1].properties?.code.enum).toEqual([
      'not_connected',
      'reauth_required',
      'schedule_cap_exceeded',
    ]);
    expect(conflict?.example?.error.code).toBe('not_connected');
    const moved = op('/api/tiktok/uploads/{id}', 'patch').responses['409'].content?.['application/json'];
    expect(moved?.schema.properties?.error.allOf?.[1].properties?.code.enum).toEqual([
      'conflict',
      'schedule_cap_exceeded',
    ]);
    const notFound = op('/api/tiktok/uploads/{id}', 'get').responses['404'].content?.['application/json'];
    expect(notFound?.example?.error.code).toBe('not_found');
  });

  it('should declare 429 with Retry-After on every keyed operation and X-Request-Id on every response', () => {
    for (const operation of operations()) {
      const keyed = !operation.security || operation.security.some((s) => 'api-key' in s);
      if (keyed)
        expect([operation.operationId, operation.responses['429']?.headers]).toEqual([
          operation.operationId,
          expect.objectContaining({ 'Retry-After': expect.anything() }),
        ]);
      for (const response of Object.values(operation.responses)) {
        expect([operation.operationId, response.headers]).toEqual([
          operation.operationId,
          expect.objectContaining({ 'X-Request-Id': expect.anything() }),
        ]);
      }
    }
  });

  it('should describe the event stream, and its 404 as the JSON it is sent as', () => {
    const { responses } = op('/api/tiktok/uploads/{id}/events', 'get');
    expect(responses['200'].content).toEqual({
      'text/event-stream': { schema: { $ref: '#/components/schemas/UploadResponse' } },
    });
    expect(Object.keys(responses['404'].content ?? {})).toEqual(['application/json']);
  });

  it('should type the query parameters of the connect flow', () => {
    const ticket = op('/api/auth/tiktok', 'get').parameters?.find((p) => p.name === 'ticket');
    expect(ticket?.schema).toEqual({ type: 'string' });
    for (const parameter of op('/api/auth/tiktok/callback', 'get').parameters ?? []) {
      expect([parameter.name, parameter.schema]).toEqual([parameter.name, { type: 'string' }]);
    }
  });

  it('should name the server from PUBLIC_URL and carry a license', () => {
    expect(document.servers).toEqual([{ url: TEST_PUBLIC_URL }]);
    expect(document.info.license?.name).toEqual(expect.any(String));
  });
});
