import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a number: 32 bits for IPv4, 128 for IPv6. */
export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** A CIDR range; a single address is a range of its full length. */
export interface IpRange extends IpAddress {
  prefix: number;
}

/** What an address is for; only `public` may receive tenant webhooks without an allow-list entry. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'shared'
  | 'multicast'
  | 'reserved'
  | 'metadata';

/** Parses a literal IPv4 or IPv6 address (brackets and an IPv6 zone allowed); undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return { version: 4, value: ipv4Value(bare) };
  if (isIPv6(bare)) return { version: 6, value: ipv6Value(bare) };
  return undefined;
}

/** `a.b.c.d/n` or `x::y/n`; undefined when malformed. Host bits are cleared (10.1.2.3/8 is 10.0.0.0/8). */
export function parseRange(text: string): IpRange | undefined {
  const [address, prefixText, extra] = text.split('/');
  const ip = parseIp(address);
  if (!ip || extra !== undefined) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...ip, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  const prefix = Number(prefixText);
  return { version: ip.version, value: networkOf(ip.value, bits, prefix), prefix };
}

export function inRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.version !== range.version) return false;
  const bits = ip.version === 4 ? 32 : 128;
  return networkOf(ip.value, bits, range.prefix) === range.value;
}

/**
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address itself: sockets connect to it as such, so
 * it is judged and allow-listed as such.
 */
export function canonicalIp(ip: IpAddress): IpAddress {
  if (ip.version === 6 && ip.value >> 32n === 0xffffn) return { version: 4, value: ip.value & 0xffffffffn };
  return ip;
}

const r = (text: string): IpRange => parseRange(text)!;

/** Cloud instance metadata services (AWS, GCP, Azure, OpenStack; ECS task metadata; Alibaba Cloud; AWS on IPv6). */
const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'].map(r);

// IANA's special-purpose registries (RFC 6890 and successors): every range that is not globally reachable.
const IPV4_CLASSES: [IpRange, AddressClass][] = [
  [r('0.0.0.0/8'), 'unspecified'],
  [r('10.0.0.0/8'), 'private'],
  [r('100.64.0.0/10'), 'shared'],
  [r('127.0.0.0/8'), 'loopback'],
  [r('169.254.0.0/16'), 'link-local'],
  [r('172.16.0.0/12'), 'private'],
  [r('192.0.0.0/24'), 'reserved'],
  [r('192.0.2.0/24'), 'reserved'],
  [r('192.88.99.0/24'), 'reserved'],
  [r('192.168.0.0/16'), 'private'],
  [r('198.18.0.0/15'), 'reserved'],
  [r('198.51.100.0/24'), 'reserved'],
  [r('203.0.113.0/24'), 'reserved'],
  [r('224.0.0.0/4'), 'multicast'],
  [r('240.0.0.0/4'), 'reserved'],
];

const IPV6_CLASSES: [IpRange, AddressClass][] = [
  [r('::/128'), 'unspecified'],
  [r('::1/128'), 'loopback'],
  [r('64:ff9b:1::/48'), 'private'],
  [r('100::/64'), 'reserved'],
  [r('2001::/23'), 'reserved'],
  [r('2001:db8::/32'), 'reserved'],
  [r('fc00::/7'), 'unique-local'],
  [r('fe80::/10'), 'link-local'],
  [r('fec0::/10'), 'private'],
  [r('ff00::/8'), 'multicast'],
];
const NAT64 = r('64:ff9b::/96');
const SIX_TO_FOUR = r('2002::/16');
const IPV4_COMPATIBLE = r('::/96');
const GLOBAL_UNICAST = r('2000::/3');

/** Classifies an address, looking through the IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4). */
export function classifyIp(address: IpAddress): AddressClass {
  const ip = canonicalIp(address);
  if (METADATA_ADDRESSES.some((range) => inRange(ip, range))) return 'metadata';
  if (ip.version === 4) return IPV4_CLASSES.find(([range]) => inRange(ip, range))?.[1] ?? 'public';
  if (inRange(ip, NAT64)) return classifyIp({ version: 4, value: ip.value & 0xffffffffn });
  if (inRange(ip, SIX_TO_FOUR)) return classifyIp({ version: 4, value: (ip.value >> 80n) & 0xffffffffn });
  const known = IPV6_CLASSES.find(([range]) => inRange(ip, range))?.[1];
  if (known) return known;
  // The deprecated IPv4-compatible form, and everything outside global unicast, is not reachable on the internet.
  if (inRange(ip, IPV4_COMPATIBLE) || !inRange(ip, GLOBAL_UNICAST)) return 'reserved';
  return 'public';
}

function networkOf(value: bigint, bits: number, prefix: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(text: string): bigint {
  let s = text.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4Value(tail);
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const groups =
    rest === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}
