/**
 * Rules for media URLs TikTok pulls (PULL_FROM_URL, docs/tiktok.md §6.3): https (plain http only on loopback hosts,
 * for tests and emulators), and — when the app's verified list is configured — under one of its entries. An entry is
 * a URL prefix (`https://` + host + path + `/`, matched exactly from the start) or a domain (the domain and its
 * subdomains).
 */
export interface VerifiedMediaUrls {
  prefixes: string[];
  domains: string[];
}

const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isLoopbackHostName(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** https, or http on a loopback host; undefined when `value` is no such absolute URL. */
export function pullableUrl(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostName(url.hostname))) return url;
  return undefined;
}

/** TIKTOK_VERIFIED_URL_PREFIXES: one problem line per malformed entry. */
export function parseVerifiedMediaUrls(value: string | undefined): {
  verified?: VerifiedMediaUrls;
  problems: string[];
} {
  if (value === undefined) return { problems: [] };
  const verified: VerifiedMediaUrls = { prefixes: [], domains: [] };
  const problems: string[] = [];
  for (const entry of value.split(',').map((item) => item.trim())) {
    if (entry.includes('://')) {
      const url = pullableUrl(entry);
      if (!url || url.search || url.hash || !entry.endsWith('/')) {
        problems.push(
          `"${entry}" is not a URL prefix: use https://host/path/ (ending in "/", no query; http only on loopback hosts)`,
        );
      } else verified.prefixes.push(entry);
    } else if (DOMAIN.test(entry)) verified.domains.push(entry.toLowerCase());
    else problems.push(`"${entry}" is neither a URL prefix (https://host/path/) nor a domain (media.example.com)`);
  }
  return { verified, problems };
}

/** Whether TikTok would take `url` as verified: an exact prefix match, or its host is the domain or under it. */
export function isVerifiedMediaUrl(url: string, verified: VerifiedMediaUrls): boolean {
  if (verified.prefixes.some((prefix) => url.startsWith(prefix))) return true;
  const parsed = pullableUrl(url);
  if (!parsed) return false;
  const host = parsed.hostname.toLowerCase();
  return verified.domains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}
