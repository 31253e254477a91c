/** What the API-key guard attaches to the request. */
export interface AuthenticatedTenant {
  tenantId: string;
  apiKeyId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    tenant?: AuthenticatedTenant;
  }
}
