import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { RATE_LIMIT_BUDGET_EXTENSION } from './common/http/api-errors';
import { AppConfig } from './config/app-config';

/**
 * Swagger UI at /docs and the OpenAPI 3 document at /docs-json. The document is built on the first request for it
 * (SwaggerModule keeps it from then on), so an instance nobody reads the docs of never holds it (~1 MiB of heap).
 * `npm run lint:openapi` builds the same document, so duplicate operationIds still fail the checks.
 */
export function setUpSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    // A key typed into the page lives as long as the page: never written to the browser's storage.
    swaggerOptions: { persistAuthorization: false },
  });
}

/** The document generated clients are built from (`npm run openapi:client`); `npm run lint:openapi` checks it. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const publicUrl = app.get(ConfigService<AppConfig, true>).get('app', { infer: true }).publicUrl;
  const config = new DocumentBuilder()
    .setTitle('tiktok-gateway')
    .setDescription(
      "Connect your users' TikTok accounts and publish videos to TikTok. Send your API key in `X-API-Key`; " +
        'admin endpoints take `X-Admin-Key`. Every error body is `{"error": {"code", "message", "details"?, "requestId"}}`.',
    )
    .setVersion('1.0')
    .setContact('tiktok-gateway maintainers', `${publicUrl}/docs`, '')
    .setLicense('Proprietary: internal use only', `${publicUrl}/docs`)
    .addServer(publicUrl)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A tenant API key' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Admin-Key', description: 'ADMIN_API_KEY' }, 'admin-key')
    .addSecurityRequirements('api-key')
    .build();
  // Handler names read as operations (createUpload, getUpload), so they are the operationIds clients call.
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  return withCommonHeaders(assertUniqueOperationIds(document));
}

const REQUEST_ID_HEADER = {
  description: "This request's id; error bodies repeat it as `requestId`, and our logs carry it.",
  schema: { type: 'string' },
};

type Budget = 'api' | 'public' | 'webhooks';

/** The `@nestjs/throttler` budgets of RateLimitsModule, named in their headers' suffix. */
const rateLimitHeaders = (budget: Budget) => ({
  [`X-RateLimit-Limit-${budget}`]: { description: 'Requests allowed per minute', schema: { type: 'integer' } },
  [`X-RateLimit-Remaining-${budget}`]: { description: 'Requests left this minute', schema: { type: 'integer' } },
  [`X-RateLimit-Reset-${budget}`]: { description: 'Seconds until the budget resets', schema: { type: 'integer' } },
});

const headerRefs = (headers: object) =>
  Object.fromEntries(Object.keys(headers).map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/**
 * Every response carries `X-Request-Id`; the answers of rate-limited operations (those that declare 429) also carry
 * their budget's headers: `api` on keyed routes, `public` (or the one the 429 names) on the others.
 */
function withCommonHeaders(document: OpenAPIObject): OpenAPIObject {
  const budgets = {
    api: rateLimitHeaders('api'),
    public: rateLimitHeaders('public'),
    webhooks: rateLimitHeaders('webhooks'),
  };
  document.components = {
    ...document.components,
    headers: { 'X-Request-Id': REQUEST_ID_HEADER, ...budgets.api, ...budgets.public, ...budgets.webhooks },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const keyed = (operation.security ?? document.security ?? []).some((requirement) => 'api-key' in requirement);
      const limited = '429' in operation.responses;
      // Read, then dropped: the extension only tells this function which budget a public route spends.
      const extensions: Record<string, unknown> = { ...operation };
      const named = extensions[RATE_LIMIT_BUDGET_EXTENSION] as Budget | undefined;
      delete (operation as { [RATE_LIMIT_BUDGET_EXTENSION]?: unknown })[RATE_LIMIT_BUDGET_EXTENSION];
      const budget: Budget = keyed ? 'api' : (named ?? 'public');
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response || '$ref' in response) continue;
        response.headers = {
          ...response.headers,
          ...headerRefs({ 'X-Request-Id': REQUEST_ID_HEADER }),
          ...(limited && status !== '429' ? headerRefs(budgets[budget]) : {}),
        };
      }
    }
  }
  return document;
}

function assertUniqueOperationIds(document: OpenAPIObject): OpenAPIObject {
  const seen = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (!operation?.operationId) continue;
      if (seen.has(operation.operationId)) {
        throw new Error(`Two handlers are named ${operation.operationId}; operationIds must be unique`);
      }
      seen.add(operation.operationId);
    }
  }
  return document;
}
