import { classifyTransportFailure, isTimeout } from './transport-failure';

const failure = (code?: string) => Object.assign(new Error('failed'), code ? { code } : {});

describe(classifyTransportFailure.name, () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])(
    'should say a %s request never reached TikTok',
    (code) => {
      expect(classifyTransportFailure(failure(code))).toBe('before_send');
    },
  );

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', undefined])(
    'should treat %s as possibly delivered',
    (code) => {
      expect(classifyTransportFailure(failure(code))).toBe('after_send');
    },
  );

  it('should treat our own mistakes as local, never to be retried', () => {
    expect(classifyTransportFailure(failure('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH'))).toBe('local');
    expect(classifyTransportFailure(failure('ENOENT'))).toBe('local');
  });
});

describe(isTimeout.name, () => {
  it('should recognise undici timeouts only', () => {
    expect(isTimeout(failure('UND_ERR_HEADERS_TIMEOUT'))).toBe(true);
    expect(isTimeout(failure('UND_ERR_CONNECT_TIMEOUT'))).toBe(true);
    expect(isTimeout(failure('ECONNRESET'))).toBe(false);
    expect(isTimeout('nope')).toBe(false);
  });
});
