import { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { HelmetOptions } from 'helmet';

/** Where the Swagger UI and its assets are served (src/swagger.ts). */
const DOCS_PATH = /^\/docs(\/|$)/;

/** JSON only: nothing in a response may run, load, frame it or be sniffed into HTML. */
const API_POLICY = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI loads its scripts, styles and the OpenAPI document from this origin and calls the API from it ("Try
 * it out"); its page carries inline <style> blocks and style attributes, hence 'unsafe-inline' for styles only.
 */
const DOCS_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

function withPolicy(directives: Record<string, string[]>): RequestHandler {
  const options: HelmetOptions = {
    // `useDefaults: false`: helmet's default upgrade-insecure-requests would break the docs served over plain http.
    contentSecurityPolicy: { useDefaults: false, directives },
    xFrameOptions: { action: 'deny' },
    // HSTS is for this host only; whether sibling hosts are https-only is not the gateway's call.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  };
  return helmet(options);
}

/**
 * helmet's headers on every response (nosniff, no framing, no referrer, HSTS, ...), with a deny-all policy for
 * the API and one the Swagger UI works under. The console page replaces the policy with its own stricter one.
 */
export function securityHeaders(): RequestHandler {
  const api = withPolicy(API_POLICY);
  const docs = withPolicy(DOCS_POLICY);
  return (req: Request, res: Response, next: NextFunction) => (DOCS_PATH.test(req.path) ? docs : api)(req, res, next);
}
