import { registeredReturnUrlProblem, returnUrlRefusal } from './return-urls';

describe('returnUrlRefusal', () => {
  const allowedBy = (candidate: string, registered: string[]) => returnUrlRefusal(candidate, registered) === undefined;

  it.each([
    ['https://app.example.com@evil.com/', 'user info after an origin without a slash'],
    ['https://app.example.com.evil.com/', 'a host that only starts with the registered host'],
    ['https://app.example.com:443@evil.com/', 'user info that looks like a port'],
    ['https://user:pass@app.example.com/', 'user info on the right host'],
    ['https://@app.example.com/', 'an empty user info'],
    ['https://app.example.com\\@evil.com/', 'a backslash'],
    ['https://app.example.com\\evil.com/', 'a backslash as the path'],
    ['https:/\\evil.com/', 'a backslash in the scheme separator'],
    ['https:///evil.com/', 'an empty host'],
    ['https:evil.com/', 'no slashes after the scheme'],
    ['//evil.com/', 'a scheme-relative URL'],
    ['/tiktok/done', 'a relative URL'],
    ['javascript:alert(1)//https://app.example.com/', 'another scheme'],
    ['http://app.example.com/', 'another scheme (http for https)'],
    ['https://app.example.com:8443/', 'another port'],
    ['https://app.example.com//evil.com/', 'an empty path segment'],
    ['https://app.example.com/a/../../evil', 'dot-dot segments'],
    ['https://app.example.com/./x', 'a dot segment'],
    ['https://app.example.com/%2e%2e/x', 'an encoded dot-dot segment'],
    ['https://app.example.com/x/%2E/y', 'an encoded dot segment'],
    ['https://app.example.com/%2fevil.com', 'an encoded slash'],
    ['https://app.example.com/%5Cevil.com', 'an encoded backslash'],
    ['https://app.example.com/\tx', 'a tab (parsers drop it)'],
    ['https://app.example.com/x\n', 'a newline'],
    [' https://app.example.com/', 'a leading space'],
    [`https://app.example.com/${'a'.repeat(2100)}`, 'an overlong URL'],
  ])('should refuse %s (%s) for https://app.example.com', (candidate) => {
    expect(allowedBy(candidate, ['https://app.example.com'])).toBe(false);
  });

  it.each([
    ['https://app.example.com/tiktokevil', 'a path that only starts with the registered path'],
    ['https://app.example.com/tiktok/../admin', 'dot-dot out of the registered path'],
    ['https://app.example.com/tiktok/..%2fadmin', 'an encoded slash out of the registered path'],
    ['https://app.example.com/tiktok/%2e%2e/admin', 'an encoded dot-dot out of the registered path'],
    ['https://app.example.com/', 'the origin without the registered path'],
    ['https://app.example.com/TikTok/done', 'the path in another case'],
  ])('should refuse %s (%s) for https://app.example.com/tiktok', (candidate) => {
    expect(allowedBy(candidate, ['https://app.example.com/tiktok'])).toBe(false);
  });

  it.each([
    ['https://app.example.com/', ['https://app.example.com']],
    ['https://app.example.com', ['https://app.example.com']],
    ['https://app.example.com/any/path?x=1#frag', ['https://app.example.com']],
    ['https://app.example.com:443/x', ['https://app.example.com/']],
    ['HTTPS://APP.example.com/x', ['https://app.example.com/']],
    ['https://app.example.com/tiktok', ['https://app.example.com/tiktok']],
    ['https://app.example.com/tiktok/done?tab=1', ['https://app.example.com/tiktok']],
    ['https://app.example.com/tiktok/done?tab=1', ['https://app.example.com/tiktok/']],
    ['https://app.example.com/tiktok/done?next=%2Fhome&u=a@b', ['https://app.example.com/tiktok/']],
    ['https://app.example.com/tiktok/caf%C3%A9', ['https://app.example.com/tiktok/']],
    ['https://app.example.com/tiktok/a..b/c.d', ['https://app.example.com/tiktok/']],
    ['http://localhost:3000/console?x=1', ['http://localhost:3000/console']],
    ['http://127.0.0.1:8080/back', ['https://other.example.com/', 'http://127.0.0.1:8080/']],
    ['https://[::1]:8443/x', ['https://[::1]:8443']],
  ])('should allow %s for %j', (candidate, registered) => {
    expect(returnUrlRefusal(candidate, registered)).toBeUndefined();
  });

  it('should ignore a registered entry that could not be registered today', () => {
    expect(allowedBy('https://app.example.com/x', ['https://app.example.com/a/../'])).toBe(false);
    expect(allowedBy('https://evil.com/', ['https://app.example.com@evil.com/'])).toBe(false);
  });

  it('should say why a URL is refused', () => {
    expect(returnUrlRefusal('https://app.example.com@evil.com/', ['https://app.example.com'])).toBe(
      'returnUrl must not contain user info (user@host).',
    );
    expect(returnUrlRefusal('https://evil.com/', ['https://app.example.com'])).toMatch(
      /origin \(scheme, host, port\) of one of the tenant's returnUrls/,
    );
  });
});

describe('registeredReturnUrlProblem', () => {
  it.each([
    'https://app.example.com',
    'https://app.example.com/',
    'https://app.example.com/tiktok',
    'https://app.example.com/tiktok/',
    'http://localhost:3000/console',
    'https://app.example.com:8443/a/b/',
  ])('should accept %s', (value) => {
    expect(registeredReturnUrlProblem(value)).toBeUndefined();
  });

  it.each([
    ['app.example.com/tiktok', /absolute http or https/],
    ['ftp://app.example.com/', /absolute http or https/],
    ['https://user@app.example.com/', /user info/],
    ['https://app.example.com/tiktok?x=1', /query or fragment/],
    ['https://app.example.com/tiktok#x', /query or fragment/],
    ['https://app.example.com/a/../b/', /dot/],
    ['https://app.example.com//b/', /empty path segments/],
    ['https://app.example.com/%2F/', /encoded slashes/],
    ['https://app.example.com\\b', /backslashes/],
    ['https://exa mple.com/', /spaces/],
    ['https://:80/', /valid URL/],
  ])('should refuse %s', (value, problem) => {
    expect(registeredReturnUrlProblem(value)).toMatch(problem);
  });

  it('should refuse what is not a string', () => {
    expect(registeredReturnUrlProblem(42)).toBe('must be a string');
  });
});
