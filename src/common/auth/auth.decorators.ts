import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiSecurity } from '@nestjs/swagger';
import { Request } from 'express';
import { ApiErrorResponse, ApiRateLimitedResponse } from '../http/api-errors';
import { AuthenticatedTenant } from './authenticated-tenant';

export const AUTH_KIND = 'auth-kind';
export type AuthKind = 'api-key' | 'admin' | 'public';

/** The route's auth kind: the handler's decorator, else its controller's, else an API key. */
export function authKindOf(context: ExecutionContext): AuthKind {
  const kind = (Reflect.getMetadata(AUTH_KIND, context.getHandler()) ??
    Reflect.getMetadata(AUTH_KIND, context.getClass())) as AuthKind | undefined;
  return kind ?? 'api-key';
}

/** Routes without a key (the browser side of the connect flow, TikTok's webhooks, operations). */
export const Public = () => applyDecorators(SetMetadata(AUTH_KIND, 'public'), ApiSecurity({}));

/** Admin routes: guard metadata and Swagger security set together so docs and enforcement cannot drift. */
export const AdminAuth = () =>
  applyDecorators(
    SetMetadata(AUTH_KIND, 'admin'),
    ApiSecurity('admin-key'),
    ApiErrorResponse(401, ['unauthorized'], 'Missing or wrong X-Admin-Key'),
  );

/** The default for every other route; the global guard enforces it even where this decorator is absent. */
export const ApiKeyAuth = () =>
  applyDecorators(
    SetMetadata(AUTH_KIND, 'api-key'),
    ApiSecurity('api-key'),
    ApiErrorResponse(401, ['unauthorized'], 'Missing, wrong or revoked X-API-Key'),
    // The `api` budget counts every keyed route (see RateLimitsModule).
    ApiRateLimitedResponse('Too many requests for this API key'),
  );

/**
 * The optional `Idempotency-Key` header, documented once. A custom parameter decorator rather than
 * `@Headers('idempotency-key')`, which Swagger would list a second time, lower-case and required.
 */
export const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'The same key and user return the same upload (1 to 200 visible ASCII characters).',
    schema: { type: 'string', maxLength: 200, example: 'order-1042-video' },
  });

export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined =>
  context.switchToHttp().getRequest<Request>().header('idempotency-key'),
);

export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedTenant => {
  const tenant = context.switchToHttp().getRequest<Request>().tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without API-key auth');
  return tenant;
});
