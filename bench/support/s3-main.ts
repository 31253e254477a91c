import { startS3Server } from '../../test/support/s3-server';

/** Child-process entry: s3rver runs apart from the gateway, so the gateway's RSS is only its own. */
async function main(): Promise<void> {
  const server = await startS3Server('bench-media');
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  process.stdout.write(`S3 ${JSON.stringify(server.env)}\n`);
}

void main();
