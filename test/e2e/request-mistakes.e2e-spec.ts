import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { connectUser, openConnectLink } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES } from '../support/uploads';

/** The mistakes a person makes on a first try, each answered with the error body and what to send instead. */
describe('Request mistakes', () => {
  let t: TestApp;
  let apiKey: string;
  const video = readFileSync(join(FIXTURES, 'h264.mp4'));
  const server = () => t.app.getHttpServer();
  const upload = () => request(server()).post('/api/tiktok/upload').set('X-API-Key', apiKey);

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey } = await createTenant(t.app));
    await connectUser(server(), apiKey, 'alice');
  });
  afterAll(() => t.close());

  it.each([
    ['text/plain', 'userId=alice'],
    ['video/mp4', video],
    ['application/x-www-form-urlencoded', 'userId=alice&videoUrl=https%3A%2F%2Fmedia.example.com%2Fa.mp4'],
  ])('should refuse an upload sent as %s with 415 naming what to send', async (type, body) => {
    const response = await upload().set('Content-Type', type).send(body).expect(415);
    expect(response.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringContaining('multipart/form-data (the fields, then the file in "video")'),
      details: { contentType: type, accepted: ['multipart/form-data', 'application/json'] },
      requestId: expect.any(String),
    });
  });

  it('should refuse a form-urlencoded body to a JSON endpoint with 415 instead of reading it', async () => {
    const response = await request(server())
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .type('form')
      .send({ userId: 'alice' })
      .expect(415);
    expect(response.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'Send the body as application/json. This request sent Content-Type application/x-www-form-urlencoded.',
    });
  });

  it('should answer a wrong content type from an unknown caller with 401 first', async () => {
    const response = await request(server()).post('/api/tiktok/upload').type('text/plain').send('x').expect(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it('should name the order when the file comes before the fields', async () => {
    const response = await upload().attach('video', video, 'clip.mp4').field('userId', 'alice').expect(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message:
        'The form has no userId before its file: send the fields (userId, mode, ...) first and the file "video" last.',
      details: { field: 'userId' },
    });
  });

  it('should name the field when the file comes in another one', async () => {
    const response = await upload().field('userId', 'alice').attach('file', video, 'clip.mp4').expect(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'The file came in the field "file"; send it in the field "video".',
      details: { field: 'file' },
    });
  });

  it('should say so when "video" is sent as text instead of a file', async () => {
    const response = await upload().field('userId', 'alice').field('video', 'string').expect(400);
    expect(response.body.error.message).toBe(
      'The field "video" arrived as text; send the video as a file part (with a filename).',
    );
  });

  it('should say a JSON body cannot carry the file', async () => {
    const response = await upload().send({ userId: 'alice', video: 'string' }).expect(400);
    expect(response.body.error.message).toBe(
      'A JSON body cannot carry the file: send multipart/form-data with the file in "video", or JSON with videoUrl.',
    );
  });

  it('should ask for the file when a form ends without one', async () => {
    const response = await upload().field('userId', 'alice').field('mode', 'inbox').expect(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'Send the video file in the multipart field "video", after the other fields.',
    });
  });

  it('should list the problems of the form fields as it does for a JSON body', async () => {
    const form = await upload()
      .field('userId', 'alice')
      .field('mode', 'draft')
      .field('colour', 'red')
      .attach('video', video, 'clip.mp4')
      .expect(400);
    const json = await upload().send({ userId: 'alice', mode: 'draft', colour: 'red' }).expect(400);
    const problems = ['property colour should not exist', 'mode must be one of the following values: inbox, direct'];
    for (const response of [form, json]) {
      expect(response.body.error).toMatchObject({
        code: 'validation_failed',
        message: `Invalid request: ${problems.join('; ')}.`,
        details: { problems },
      });
    }
  });

  it('should refuse a malformed Idempotency-Key before it reads the form', async () => {
    const response = await upload()
      .set('Idempotency-Key', 'two words')
      .attach('video', video, 'clip.mp4')
      .field('userId', 'alice')
      .expect(400);
    expect(response.body.error.message).toBe('Idempotency-Key must be 1 to 200 visible ASCII characters.');
  });

  it('should answer an upload id that is not a UUID with the error body naming the parameter', async () => {
    const response = await request(server()).get('/api/tiktok/uploads/42').set('X-API-Key', apiKey).expect(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'The path parameter id must be a UUID, as the API returned it.',
      details: { parameter: 'id' },
      requestId: expect.any(String),
    });
  });

  it('should point a key sent as a bearer token to X-API-Key', async () => {
    const response = await request(server())
      .get('/api/tiktok/status?userId=alice')
      .set('Authorization', `Bearer ${apiKey}`)
      .expect(401);
    expect(response.body.error).toMatchObject({
      code: 'unauthorized',
      message: 'Send your API key in the X-API-Key header; this service does not read Authorization: Bearer.',
    });
  });

  it('should answer a consent declined at TikTok without a returnUrl with 400 and the error body', async () => {
    const link = await request(server())
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId: 'declines' })
      .expect(201);
    const { callback } = await openConnectLink(server(), (link.body as { url: string }).url, { decision: 'deny' });
    expect(callback.status).toBe(400);
    expect(callback.body.error).toMatchObject({
      code: 'forbidden',
      message: 'The TikTok account was not connected because access was declined.',
      details: { reason: 'access_denied', tiktokError: 'access_denied' },
      requestId: expect.any(String),
    });
  });
});
