/**
 * Where the connect flow may send a browser back. A tenant registers return URLs (an http(s) origin and a path); a
 * connect link's returnUrl must have exactly the origin (scheme, host, port) of one of them and a path under its
 * path, at a segment boundary. Text that a browser or the tenant's server could read differently from a URL parser
 * is refused rather than normalised: user info (`app.example.com@evil.com`), backslashes, spaces and control
 * characters, empty or dot path segments, and encoded slashes or dots.
 */

const MAX_LENGTH = 2048;

interface ParsedReturnUrl {
  origin: string;
  path: string;
}

type Parsed = { url: ParsedReturnUrl; problem?: undefined } | { url?: undefined; problem: string };

/** Why `value` is not acceptable as a registered return URL of a tenant, or undefined when it is. */
export function registeredReturnUrlProblem(value: unknown): string | undefined {
  return parseRegistered(value).problem;
}

/** Why `candidate` may not be a connect link's returnUrl for these registered return URLs, or undefined. */
export function returnUrlRefusal(candidate: string, registered: readonly string[]): string | undefined {
  const { url, problem } = parse(candidate);
  if (!url) return `returnUrl ${problem}.`;
  const allowed = registered.some((entry) => {
    const prefix = parseRegistered(entry).url;
    return prefix !== undefined && prefix.origin === url.origin && isUnder(url.path, prefix.path);
  });
  if (allowed) return undefined;
  return "returnUrl must have the origin (scheme, host, port) of one of the tenant's returnUrls and a path under its path.";
}

/** `/tiktok` covers `/tiktok` and `/tiktok/...` but not `/tiktokevil`; `/tiktok/` covers `/tiktok/...`. */
function isUnder(path: string, prefix: string): boolean {
  if (prefix.endsWith('/')) return path.startsWith(prefix);
  return path === prefix || path.startsWith(`${prefix}/`);
}

function parseRegistered(value: unknown): Parsed {
  if (typeof value !== 'string') return { problem: 'must be a string' };
  const parsed = parse(value);
  if (parsed.problem) return parsed;
  // A registered entry is an origin and a path prefix; a query or fragment could never be matched as one.
  if (/[?#]/.test(value)) return { problem: 'must not have a query or fragment' };
  return parsed;
}

function parse(value: string): Parsed {
  if (value.length > MAX_LENGTH) return { problem: `must be at most ${MAX_LENGTH} characters` };
  // URL parsers drop tabs and newlines and read `\` as `/`; browsers do the same, other servers may not.
  if (/[\x00-\x20\x7f\\]/.test(value)) return { problem: 'must not contain spaces, control characters or backslashes' };
  const scheme = /^https?:\/\//i.exec(value);
  if (!scheme) return { problem: 'must be an absolute http or https URL' };
  const rest = value.slice(scheme[0].length);
  const authority = /^[^/?#]*/.exec(rest)?.[0] ?? '';
  if (!authority) return { problem: 'must name a host right after the scheme' };
  if (authority.includes('@')) return { problem: 'must not contain user info (user@host)' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'must be a valid URL' };
  }
  if (url.username || url.password) return { problem: 'must not contain user info (user@host)' };
  const pathProblem = rawPathProblem(/^[^?#]*/.exec(rest.slice(authority.length))?.[0] ?? '');
  if (pathProblem) return { problem: pathProblem };
  return { url: { origin: url.origin, path: url.pathname } };
}

/** The path as written, before a parser resolves `..` or a server decodes `%2F`. */
function rawPathProblem(path: string): string | undefined {
  if (/%(2f|5c)/i.test(path)) return 'must not contain encoded slashes (%2F, %5C)';
  const segments = path.split('/').slice(1);
  for (const [i, segment] of segments.entries()) {
    if (segment === '' && i < segments.length - 1) return 'must not contain empty path segments (//)';
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') return 'must not contain dot segments (. or ..)';
  }
  return undefined;
}
