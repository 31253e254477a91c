import { toPublishStatus } from './tiktok-api.mapping';
import type { TikTokPublishStatusData } from './tiktok-api.types';
import { int64ToDecimalString, parseTikTokJson } from './tiktok-json';

const statusBody = `{"data":{"status":"PUBLISH_COMPLETE","publicaly_available_post_id":[7261463769757501445,9223372036854775807,42],
  "uploaded_bytes":50000123},"error":{"code":"ok","message":"","log_id":"L1"}}`;

describe(parseTikTokJson.name, () => {
  it('should keep integers above 2^53 exact', () => {
    const parsed = parseTikTokJson(statusBody) as { data: TikTokPublishStatusData };
    const ids = parsed.data.publicaly_available_post_id ?? [];
    expect(ids.map(int64ToDecimalString)).toEqual(['7261463769757501445', '9223372036854775807', '42']);
    expect(parsed.data.uploaded_bytes).toBe(50000123);
  });

  it('should leave safe integers and fractions as numbers', () => {
    expect(parseTikTokJson('{"a":9007199254740991,"b":1.5,"c":-3}')).toEqual({ a: 9007199254740991, b: 1.5, c: -3 });
    expect(parseTikTokJson('[9007199254740993]')).toEqual([9007199254740993n]);
  });

  it('should answer undefined for empty or non-JSON bodies', () => {
    expect(parseTikTokJson('')).toBeUndefined();
    expect(parseTikTokJson('<html>502 Bad Gateway</html>')).toBeUndefined();
  });
});

describe(toPublishStatus.name, () => {
  it('should expose post ids as exact decimal strings', () => {
    const parsed = parseTikTokJson(statusBody) as { data: TikTokPublishStatusData };
    expect(toPublishStatus(parsed.data)).toEqual({
      status: 'PUBLISH_COMPLETE',
      failReason: undefined,
      postIds: ['7261463769757501445', '9223372036854775807', '42'],
      uploadedBytes: 50000123,
      downloadedBytes: undefined,
    });
  });

  it('should reject a status without a status value', () => {
    expect(toPublishStatus({ uploaded_bytes: 1 })).toBeUndefined();
  });
});
