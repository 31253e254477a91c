import type { SandboxCore } from './sandbox-core';
import type { Publish } from './sandbox-state';

// docs/tiktok.md §6.3: the download times out one hour after the task starts.
export const PULL_TIMEOUT_MS = 60 * 60 * 1000;

/** Actually downloads the URL, counting downloaded_bytes; a redirect or any error is video_pull_failed. */
export function startPull(core: SandboxCore, publish: Publish, url: string): void {
  publish.pull = { downloadedBytes: 0, downloading: true, abort: new AbortController() };
  void download(core, publish, url);
}

async function download(core: SandboxCore, publish: Publish, url: string): Promise<void> {
  const pull = publish.pull!;
  try {
    const signal = AbortSignal.any([pull.abort.signal, AbortSignal.timeout(PULL_TIMEOUT_MS)]);
    // §6.3: URLs must not redirect; a 3xx counts as invalid.
    const response = await fetch(url, { redirect: 'manual', signal });
    if (response.status !== 200 || !response.body) throw new Error(`pull answered ${response.status}`);
    for await (const chunk of response.body) {
      const bytes = Buffer.from(chunk);
      publish.media.feedAt(pull.downloadedBytes, bytes);
      pull.downloadedBytes += bytes.length;
    }
    pull.downloading = false;
    if (!core.publishes.isTerminal(publish)) core.publishes.startProcessing(publish);
  } catch {
    pull.downloading = false;
    if (!core.publishes.isTerminal(publish)) core.publishes.fail(publish, 'video_pull_failed');
  }
}
