import request from 'supertest';
import { App } from 'supertest/types';
import { gatewayPath } from '../../support/connect-flow';

/**
 * connectUser (test/support/connect-flow.ts) that also hands back the OAuth code TikTok sent, so a test can prove
 * the code never shows up in logs or in the database.
 */
export async function connectRecordingCode(server: App, apiKey: string, userId: string, account = 'creator') {
  const link = await request(server)
    .post('/api/auth/tiktok/connect-links')
    .set('X-API-Key', apiKey)
    .send({ userId })
    .expect(201);
  const start = await request(server)
    .get(gatewayPath((link.body as { url: string }).url))
    .expect(302);
  const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const authorize = new URL(start.headers.location as string);
  authorize.searchParams.set('sandbox_account', account);
  authorize.searchParams.set('sandbox_decision', 'approve');
  const consent = await fetch(authorize, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`Sandbox consent answered ${consent.status}: ${await consent.text()}`);
  const back = new URL(consent.headers.get('location') as string);
  await request(server).get(gatewayPath(back.toString())).set('Cookie', cookie).expect(200);
  return back.searchParams.get('code') ?? '';
}
