import { classifyIp, parseIp } from './ip-address';
import { parseWebhookAllowList, WebhookTargetPolicy } from './webhook-target-policy';

const classOf = (address: string) => classifyIp(parseIp(address)!);

describe('classifyIp', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.3.4', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['fd00::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['3fff::1', 'public'],
  ])('should classify %s as %s', (address, expected) => {
    expect(classOf(address)).toBe(expected);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.253.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'should classify %s as public',
    (address) => {
      expect(classOf(address)).toBe('public');
    },
  );

  it('should not parse host names or malformed addresses', () => {
    for (const text of ['localhost', '127.1', '0x7f000001', '1.2.3.256', '::ffff::1', '', '[]']) {
      expect(parseIp(text)).toBeUndefined();
    }
  });
});

describe(WebhookTargetPolicy.name, () => {
  const strict = new WebhookTargetPolicy([]);

  it('should take https URLs to public hosts and addresses', () => {
    for (const url of ['https://hooks.example.com/x', 'https://8.8.8.8/', 'https://[2606:4700::1111]:8443/h']) {
      expect(strict.checkUrl(url)).toBeUndefined();
    }
  });

  it.each([
    ['http://hooks.example.com/x', 'https'],
    ['ftp://hooks.example.com/x', 'https'],
    ['not a url', 'url'],
    ['https://user:pass@hooks.example.com/', 'userinfo'],
    ['https://user@hooks.example.com/', 'userinfo'],
    ['https://127.0.0.1/', 'address'],
    ['https://0.0.0.0/', 'address'],
    ['https://0x7f000001/', 'address'],
    ['https://2130706433/', 'address'],
    ['https://127.1/', 'address'],
    ['https://0177.0.0.1/', 'address'],
    ['https://10.0.0.1/', 'address'],
    ['https://169.254.169.254/latest/meta-data/', 'address'],
    ['https://[::1]/', 'address'],
    ['https://[::ffff:127.0.0.1]/', 'address'],
    ['https://[fd00::1]/', 'address'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'metadata_host'],
    ['https://METADATA.google.internal./', 'metadata_host'],
  ])('should refuse %s (%s) without an allow-list', (url, rule) => {
    expect(strict.checkUrl(url)).toMatchObject({ rule });
  });

  it('should name the kind of address in its reason, and nothing about ports', () => {
    expect(strict.checkUrl('https://[::ffff:127.0.0.1]:5432/')?.reason).toBe(
      'the webhook URL points at a loopback address',
    );
    expect(strict.checkResolvedAddress('hooks.example.com', '10.0.0.7')?.reason).toBe(
      'the webhook URL resolves to a private address',
    );
  });

  it('should judge resolved addresses like literal ones, including IPv4-mapped IPv6', () => {
    expect(strict.checkResolvedAddress('hooks.example.com', '93.184.216.34')).toBeUndefined();
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '169.254.169.254', 'fd00::1', '100.64.1.1']) {
      expect(strict.checkResolvedAddress('hooks.example.com', address)).toMatchObject({ rule: 'address' });
    }
  });

  it('should let allow-listed addresses, ranges and hosts through, over plain http too', () => {
    const policy = new WebhookTargetPolicy(
      parseWebhookAllowList('127.0.0.1, 10.0.0.0/8, receiver.internal, fd00::/8').entries,
    );
    expect(policy.checkUrl('http://127.0.0.1:8080/hooks')).toBeUndefined();
    expect(policy.checkUrl('http://[::ffff:127.0.0.1]:8080/hooks')).toBeUndefined();
    expect(policy.checkUrl('http://10.20.30.40/hooks')).toBeUndefined();
    expect(policy.checkUrl('http://receiver.internal/hooks')).toBeUndefined();
    expect(policy.checkUrl('http://[fd00::5]/hooks')).toBeUndefined();
    expect(policy.checkResolvedAddress('receiver.internal', '192.168.0.9')).toBeUndefined();
    expect(policy.checkResolvedAddress('other.example.com', '10.9.9.9')).toBeUndefined();
    expect(policy.checkResolvedAddress('other.example.com', '::ffff:127.0.0.1')).toBeUndefined();

    // Not listed: still refused.
    expect(policy.checkUrl('http://127.0.0.2/')).toMatchObject({ rule: 'address' });
    expect(policy.checkUrl('https://192.168.1.1/')).toMatchObject({ rule: 'address' });
    expect(policy.checkResolvedAddress('other.example.com', '127.0.0.2')).toMatchObject({ rule: 'address' });
    // An allow-listed address does not make its host names http-worthy: http needs the host as written.
    expect(policy.checkUrl('http://localhost/')).toMatchObject({ rule: 'https' });
    // Credentials stay refused even for allow-listed hosts.
    expect(policy.checkUrl('http://u:p@127.0.0.1/')).toMatchObject({ rule: 'userinfo' });
  });

  it('should open a metadata address only when it is listed on its own, not through a wider range', () => {
    const wide = new WebhookTargetPolicy(parseWebhookAllowList('169.254.0.0/16').entries);
    expect(wide.checkUrl('https://169.254.10.10/')).toBeUndefined();
    expect(wide.checkUrl('https://169.254.169.254/')).toMatchObject({ addressClass: 'metadata' });
    const exact = new WebhookTargetPolicy(parseWebhookAllowList('169.254.169.254').entries);
    expect(exact.checkUrl('https://169.254.169.254/')).toBeUndefined();
  });
});

describe(parseWebhookAllowList.name, () => {
  it('should read hosts, addresses and ranges, normalised', () => {
    expect(parseWebhookAllowList(' 127.0.0.1 ,[::1], Receiver.Internal, 10.1.2.3/8 ,, fd00::/8 ')).toEqual({
      entries: ['127.0.0.1', '::1', 'receiver.internal', '10.1.2.3/8', 'fd00::/8'],
      problems: [],
    });
    expect(parseWebhookAllowList(undefined)).toEqual({ entries: [], problems: [] });
  });

  it('should name every entry it cannot read', () => {
    const { problems } = parseWebhookAllowList('127.0.0.1/33,host:8080,http://x,10.0.0.0/x,127.1,a b');
    expect(problems).toHaveLength(6);
    expect(problems[0]).toContain('"127.0.0.1/33"');
  });
});
