import { redactLogLine, redactUrl } from './redaction';

describe('redactLogLine', () => {
  it('should censor string, number, object and array values of secret keys at any depth', () => {
    const line = JSON.stringify({
      level: 30,
      accessToken: 'act.secret-1',
      req: { headers: { Authorization: 'Bearer secret-2', 'x-api-key': 'tgw_secret-3', host: 'h' } },
      a: { b: { c: { d: { refresh_token: 'rft.secret-4', code: 12345 } } } },
      tokenEncryptionKeys: ['k1:secret-5', { nested: '}]"' }],
      clientSecret: { value: 'secret-6', more: [1, '{'] },
      msg: 'done',
    });
    const redacted = redactLogLine(line);
    for (const secret of ['secret-1', 'secret-2', 'secret-3', 'secret-4', '12345', 'secret-5', 'secret-6']) {
      expect(redacted).not.toContain(secret);
    }
    expect(JSON.parse(redacted)).toEqual({
      level: 30,
      accessToken: '[redacted]',
      req: { headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]', host: 'h' } },
      a: { b: { c: { d: { refresh_token: '[redacted]', code: '[redacted]' } } } },
      tokenEncryptionKeys: '[redacted]',
      clientSecret: '[redacted]',
      msg: 'done',
    });
  });

  it('should keep values with escaped quotes whole and leave other lines untouched', () => {
    const line = `${JSON.stringify({ password: 'a"b\\"c,}', msg: 'the "code": word', ok: true })}\n`;
    expect(JSON.parse(redactLogLine(line))).toEqual({ password: '[redacted]', msg: 'the "code": word', ok: true });
    const plain = `${JSON.stringify({ level: 30, req: { id: '1', url: '/x' }, msg: 'request completed' })}\n`;
    expect(redactLogLine(plain)).toBe(plain);
  });
});

describe('redactUrl', () => {
  it('should censor secret query parameters only', () => {
    expect(redactUrl('/cb?code=abc&state=def&page=2')).toBe('/cb?code=%5Bredacted%5D&state=%5Bredacted%5D&page=2');
    expect(redactUrl('/plain')).toBe('/plain');
  });
});
