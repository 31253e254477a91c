import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { api, waitFor } from './sandbox-test-kit';

export const CONTENT_INIT = '/v2/post/publish/content/init/';
export const STATUS = '/v2/post/publish/status/fetch/';

/** test/fixtures/make-image-fixtures.sh */
export const PHOTO_FIXTURES = [
  'photo-640x360.jpg',
  'photo-640x360.webp',
  'photo-1080x1920.jpg',
  'photo-1440x2560.jpg',
  'photo-64x64.png',
] as const;

/** A loopback server for the sandbox to pull from: every fixture under /photos/, plus /photos/redirect.jpg (302). */
export async function startPhotoServer(): Promise<{ server: Server; base: string; hits: string[] }> {
  const files = new Map(
    PHOTO_FIXTURES.map((name) => [`/photos/${name}`, readFileSync(join(__dirname, '../fixtures', name))]),
  );
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/photos/redirect.jpg') return res.writeHead(302, { Location: '/photos/photo-640x360.jpg' }).end();
    const body = files.get(req.url ?? '');
    if (!body) return res.writeHead(404).end();
    // A misleading Content-Type: the sandbox must judge the bytes.
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

export async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export interface PhotoBodyInput {
  mode?: 'DIRECT_POST' | 'MEDIA_UPLOAD';
  urls: string[];
  postInfo?: Record<string, unknown>;
  coverIndex?: number;
}

export function photoBody({ mode = 'DIRECT_POST', urls, postInfo, coverIndex = 0 }: PhotoBodyInput) {
  return {
    media_type: 'PHOTO',
    post_mode: mode,
    post_info: postInfo ?? (mode === 'DIRECT_POST' ? { privacy_level: 'PUBLIC_TO_EVERYONE' } : {}),
    source_info: { source: 'PULL_FROM_URL', photo_images: urls, photo_cover_index: coverIndex },
  };
}

/** Polls status/fetch until the publish leaves PROCESSING_*. */
export function finalStatus(base: string, token: string, publishId: string) {
  return waitFor(async () => {
    const r = await api(base, STATUS, token, { publish_id: publishId });
    return r.json.data.status.startsWith('PROCESSING') ? undefined : r;
  });
}

/** A photo post through init and pull to its final status. */
export async function photoPost(base: string, token: string, input: PhotoBodyInput) {
  const init = await api(base, CONTENT_INIT, token, photoBody(input));
  if (init.json.error.code !== 'ok') throw new Error(`photo init refused: ${init.text}`);
  return finalStatus(base, token, init.json.data.publish_id);
}
