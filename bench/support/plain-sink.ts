import { join } from 'node:path';
import { HttpGateway } from '../../test/harness/http-gateway';
import { spawnNode, TS_NODE, waitForLine } from './processes';

/**
 * The intake's reference: the bench's own client (HttpGateway.postVideo, the same multipart body sent the same way)
 * posts `video` to a plain node:http sink in its own process that stores the body in `dir`; returns the ms from the
 * start of the POST to the sink's 202.
 */
export async function uploadToPlainSink(video: string, dir: string): Promise<number> {
  const sink = spawnNode([...TS_NODE, join(__dirname, 'plain-sink-main.ts'), dir], {});
  try {
    const [, url] = await waitForLine(sink.child, /^SINK (\S+)$/m, 60_000);
    const started = performance.now();
    await new HttpGateway(url, 'plain-sink').postVideo(video, { userId: 'bench-user' });
    return performance.now() - started;
  } finally {
    await sink.stop();
  }
}
