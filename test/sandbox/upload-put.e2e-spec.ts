import { connect as tcpConnect } from 'node:net';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import {
  MIB5,
  api,
  connect,
  fakeMp4,
  fileSource,
  putChunk,
  startSandbox,
  uploadAll,
  type Harness,
} from './sandbox-test-kit';

const VIDEO_SIZE = 12_000_000;
const FIRST_END = MIB5 - 1;

/** Sends a PUT whose Content-Length promises more bytes than are sent, then half-closes (fetch cannot lie). */
function putWithLyingLength(uploadUrl: string, promised: number, sent: Buffer, range: string): Promise<string> {
  const url = new URL(uploadUrl);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(url.port), url.hostname, () => {
      socket.write(
        `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: video/mp4\r\n` +
          `Content-Length: ${promised}\r\nContent-Range: ${range}\r\n\r\n`,
      );
      socket.end(sent);
    });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe(`${TikTokSandbox.name} upload PUT`, () => {
  let h: Harness;
  let token: string;
  const video = fakeMp4(VIDEO_SIZE);

  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.sandbox.stop());
  beforeEach(async () => {
    await h.control.reset();
    token = (await connect(h.base)).access_token;
  });

  async function initUpload(size = VIDEO_SIZE, chunk = MIB5): Promise<{ publishId: string; uploadUrl: string }> {
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', token, {
      source_info: fileSource(size, chunk),
    });
    return { publishId: init.json.data.publish_id, uploadUrl: init.json.data.upload_url };
  }
  const rules = async () => (await h.control.violations()).map((v) => v.rule);

  it('should answer 206 with the progress range, then 201 on the final chunk', async () => {
    const { uploadUrl } = await initUpload();
    const first = await putChunk(uploadUrl, video, 0, FIRST_END);
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-${FIRST_END}/${VIDEO_SIZE}`);
    const last = await putChunk(uploadUrl, video, MIB5, VIDEO_SIZE - 1);
    expect(last.status).toBe(201);
    expect(await rules()).toEqual([]);
  });

  it('should accept a small video uploaded whole', async () => {
    const small = fakeMp4(4_194_304);
    const { uploadUrl } = await initUpload(small.length, small.length);
    expect(await uploadAll(uploadUrl, small, small.length)).toEqual([201]);
  });

  it('should refuse a chunk out of order with 416 and the progress header', async () => {
    const { uploadUrl } = await initUpload();
    const skipped = await putChunk(uploadUrl, video, MIB5, VIDEO_SIZE - 1);
    expect(skipped.status).toBe(416);
    expect(skipped.headers.get('content-range')).toBe(`bytes */${VIDEO_SIZE}`);
    await putChunk(uploadUrl, video, 0, FIRST_END);
    const replay = await putChunk(uploadUrl, video, 0, FIRST_END);
    expect(replay.status).toBe(416);
    expect(replay.headers.get('content-range')).toBe(`bytes 0-${FIRST_END}/${VIDEO_SIZE}`);
    expect(await rules()).toEqual(['upload.range_not_expected', 'upload.range_not_expected']);
  });

  it('should refuse a Content-Length larger than the body sent with 400', async () => {
    const { uploadUrl } = await initUpload();
    const answer = await putWithLyingLength(uploadUrl, MIB5, Buffer.alloc(1000), `bytes 0-${FIRST_END}/${VIDEO_SIZE}`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rules()).toEqual(['upload.content_length_mismatch']);
    expect((await putChunk(uploadUrl, video, 0, FIRST_END)).status).toBe(206);
  });

  it('should refuse a Content-Length that contradicts the Content-Range with 400', async () => {
    const { uploadUrl } = await initUpload();
    const response = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'video/mp4', 'Content-Range': `bytes 0-${FIRST_END}/${VIDEO_SIZE}` },
      body: video.subarray(0, 1000),
    });
    expect(response.status).toBe(400);
    expect(await rules()).toEqual(['upload.content_length_mismatch']);
  });

  it('should refuse a non-video content type and a malformed range with 400', async () => {
    const { uploadUrl } = await initUpload();
    expect((await putChunk(uploadUrl, video, 0, FIRST_END, 'application/octet-stream')).status).toBe(400);
    const response = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'video/mp4', 'Content-Range': `0-${FIRST_END}` },
      body: video.subarray(0, MIB5),
    });
    expect(response.status).toBe(400);
  });

  it('should answer 403 after the upload URL expired and 404 for an unknown upload', async () => {
    const { uploadUrl, publishId } = await initUpload();
    await h.control.expireUploadUrls(publishId);
    expect((await putChunk(uploadUrl, video, 0, FIRST_END)).status).toBe(403);
    expect(
      (await putChunk(uploadUrl.replace(/upload_token=[^&]+/, 'upload_token=nope'), video, 0, FIRST_END)).status,
    ).toBe(404);
  });

  it('should fail a chunk with 5xx on demand and accept the retry', async () => {
    const { uploadUrl } = await initUpload();
    await h.control.failNextChunkPuts(1, 'status', 503);
    expect((await putChunk(uploadUrl, video, 0, FIRST_END)).status).toBe(503);
    expect((await putChunk(uploadUrl, video, 0, FIRST_END)).status).toBe(206);
    expect(await rules()).toEqual([]);
  });

  it('should drop the connection on demand without accepting the chunk', async () => {
    const { uploadUrl } = await initUpload();
    await h.control.failNextChunkPuts(1, 'drop');
    await expect(putChunk(uploadUrl, video, 0, FIRST_END)).rejects.toThrow();
    expect((await putChunk(uploadUrl, video, 0, FIRST_END)).status).toBe(206);
  });

  it('should drop the connection after accepting the chunk, so the retry learns the progress from a 416', async () => {
    const { uploadUrl, publishId } = await initUpload();
    await h.control.failNextChunkPuts(1, 'drop_after_accept');
    await expect(putChunk(uploadUrl, video, 0, FIRST_END)).rejects.toThrow();
    const retry = await putChunk(uploadUrl, video, 0, FIRST_END);
    expect(retry.status).toBe(416);
    expect(retry.headers.get('content-range')).toBe(`bytes 0-${FIRST_END}/${VIDEO_SIZE}`);
    expect((await putChunk(uploadUrl, video, MIB5, VIDEO_SIZE - 1)).status).toBe(201);
    const [summary] = await h.control.publishes();
    expect(summary).toMatchObject({ publishId, uploadedBytes: VIDEO_SIZE, putCount: 3 });
  });
});
