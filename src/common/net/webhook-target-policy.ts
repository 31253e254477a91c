import { AddressClass, canonicalIp, classifyIp, inRange, IpRange, parseIp, parseRange } from './ip-address';

/**
 * Where tenant webhooks may go. A tenant chooses its webhook URL, so without rules the gateway would POST, from
 * inside the operator's network, to loopback services, private hosts and the cloud metadata service, and the
 * delivery list's errors would tell the tenant which ports are open. The rules: https only, no credentials in the
 * URL, and public addresses only; hosts, addresses and ranges on the allow-list (TENANT_WEBHOOK_ALLOW) may be
 * private and may use plain http.
 */
export class WebhookTargetPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges: IpRange[] = [];

  /** `entries` as validated by `parseWebhookAllowList`. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const range = parseAllowRange(entry);
      if (range) this.ranges.push(range);
      else this.hosts.add(entry);
    }
  }

  /** What the URL alone tells: scheme, credentials, a literal address (in any notation), a metadata host name. */
  checkUrl(url: string): WebhookRefusal | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refusal('url', 'the webhook URL is not an absolute URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      return refusal('https', 'the webhook URL must use https');
    }
    if (parsed.username || parsed.password) {
      return refusal('userinfo', 'the webhook URL must not carry a user name or password');
    }
    // The WHATWG parser has already normalised the host: 0x7f000001, 2130706433 and 127.1 are all 127.0.0.1 here.
    const host = hostOf(parsed);
    const literal = parseIp(host);
    if (literal) {
      const refused = this.checkIp(host, host, 'points at');
      if (refused) return refused;
    } else if (METADATA_HOSTS.has(host) && !this.hosts.has(host)) {
      return refusal('metadata_host', 'the webhook URL names a cloud metadata host', 'metadata');
    }
    if (parsed.protocol === 'http:' && !this.listed(host)) {
      return refusal('https', 'the webhook URL must use https (plain http only for allow-listed hosts)');
    }
    return undefined;
  }

  /** One address the URL's host name resolved to; every one of them must pass before anything is sent. */
  checkResolvedAddress(hostname: string, address: string): WebhookRefusal | undefined {
    return this.checkIp(normaliseHost(hostname), address, 'resolves to');
  }

  private checkIp(host: string, address: string, verb: string): WebhookRefusal | undefined {
    if (this.hosts.has(host)) return undefined;
    const parsed = parseIp(address);
    if (!parsed) return refusal('address', `the webhook URL ${verb} an address that is not an IP address`);
    const ip = canonicalIp(parsed);
    const addressClass = classifyIp(ip);
    if (addressClass === 'public') return undefined;
    // A metadata address is let through only when named on its own, never as part of a wider range.
    const bits = ip.version === 4 ? 32 : 128;
    const allowed = this.ranges.some(
      (range) => inRange(ip, range) && (addressClass !== 'metadata' || range.prefix === bits),
    );
    if (allowed) return undefined;
    return refusal('address', `the webhook URL ${verb} ${ADDRESS_LABELS[addressClass]}`, addressClass);
  }

  private listed(host: string): boolean {
    if (this.hosts.has(host)) return true;
    const ip = parseIp(host);
    return ip !== undefined && this.ranges.some((range) => inRange(canonicalIp(ip), range));
  }
}

export interface WebhookRefusal {
  rule: 'url' | 'https' | 'userinfo' | 'address' | 'metadata_host';
  /** For people: says what is wrong without naming ports or connection errors. */
  reason: string;
  addressClass?: AddressClass;
}

/**
 * Validates TENANT_WEBHOOK_ALLOW: comma-separated host names, IP addresses and CIDR ranges. Entries come back
 * normalised the way URLs are (lower case, IP addresses in their usual notation).
 */
export function parseWebhookAllowList(value: string | undefined): { entries: string[]; problems: string[] } {
  const entries: string[] = [];
  const problems: string[] = [];
  for (const raw of (value ?? '').split(',').map((s) => s.trim())) {
    if (raw === '') continue;
    const range = parseAllowRange(raw);
    const host = range ? undefined : hostEntry(raw);
    if (range) entries.push(raw.toLowerCase().replace(/^\[(.*)\]/, '$1'));
    else if (host) entries.push(host);
    else problems.push(`"${raw}" is not a host name, IP address or CIDR range`);
  }
  return { entries, problems };
}

/** Known instance-metadata host names; their addresses are refused anyway, the names are refused when written. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

const ADDRESS_LABELS: Record<AddressClass, string> = {
  public: 'a public address',
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  'unique-local': 'a unique-local address',
  shared: 'a shared (carrier-grade NAT) address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  metadata: 'a cloud metadata address',
};

function refusal(rule: WebhookRefusal['rule'], reason: string, addressClass?: AddressClass): WebhookRefusal {
  return { rule, reason, ...(addressClass ? { addressClass } : {}) };
}

function parseAllowRange(entry: string): IpRange | undefined {
  const range = parseRange(entry);
  if (!range) return undefined;
  // A single IPv4-mapped address is the IPv4 address (see canonicalIp).
  const full = range.prefix === (range.version === 4 ? 32 : 128);
  return full ? { ...canonicalIp(range), prefix: canonicalIp(range).version === 4 ? 32 : 128 } : range;
}

/** A host name normalised like a URL's host, or undefined when it is not one (a port, a path, a bad number...). */
function hostEntry(raw: string): string | undefined {
  if (!/^[A-Za-z0-9._-]+$/.test(raw)) return undefined;
  try {
    const url = new URL(`http://${raw}/`);
    const host = hostOf(url);
    // Numeric forms (127.1, 0x7f000001) would never match a URL's normalised host; they must be written as addresses.
    if (parseIp(host)) return undefined;
    return host;
  } catch {
    return undefined;
  }
}

function hostOf(url: URL): string {
  return normaliseHost(url.hostname.replace(/^\[(.*)\]$/, '$1'));
}

function normaliseHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}
