import { sniffImage } from './image-sniffer';
import { MAX_PHOTO_BYTES, photoFailReason } from './photo-image-rules';
import type { SandboxCore } from './sandbox-core';
import { PULL_TIMEOUT_MS } from './sandbox-pull';
import type { Publish, PulledImage } from './sandbox-state';

/**
 * Downloads every image of a photo post in order (docs/tiktok.md §6.3), judging each by its bytes (§7). A broken
 * rule fails the publish after processing, as for videos; a connection error or redirect is photo_pull_failed (§8).
 */
export function startPhotoPull(core: SandboxCore, publish: Publish, urls: string[]): void {
  publish.pull = { downloadedBytes: 0, downloading: true, abort: new AbortController() };
  publish.images = urls.map((url) => ({ url, fetched: false, bytes: 0 }));
  void downloadAll(core, publish);
}

async function downloadAll(core: SandboxCore, publish: Publish): Promise<void> {
  const pull = publish.pull!;
  const signal = AbortSignal.any([pull.abort.signal, AbortSignal.timeout(PULL_TIMEOUT_MS)]);
  try {
    for (const image of publish.images!) await downloadImage(image, signal, (n) => (pull.downloadedBytes += n));
    pull.downloading = false;
    if (!core.publishes.isTerminal(publish)) core.publishes.startProcessing(publish);
  } catch {
    pull.downloading = false;
    if (!core.publishes.isTerminal(publish)) core.publishes.fail(publish, 'photo_pull_failed');
  }
}

async function downloadImage(image: PulledImage, signal: AbortSignal, count: (bytes: number) => void): Promise<void> {
  // §6.3: URLs must not redirect; a 3xx counts as invalid.
  const response = await fetch(image.url, { redirect: 'manual', signal });
  if (response.status !== 200 || !response.body) throw new Error(`pull answered ${response.status}`);
  const parts: Buffer[] = [];
  for await (const chunk of response.body) {
    const bytes = Buffer.from(chunk);
    image.bytes += bytes.length;
    count(bytes.length);
    // Past the limit the verdict is known: stop reading rather than hold the rest.
    if (image.bytes > MAX_PHOTO_BYTES) break;
    parts.push(bytes);
  }
  image.fetched = true;
  const sniffed = sniffImage(Buffer.concat(parts));
  Object.assign(image, sniffed, { failReason: photoFailReason(sniffed, image.bytes) });
}
