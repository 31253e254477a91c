import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Files the page is made of; a fixed list, so no request path ever reaches the file system. */
export const CONSOLE_FILES = [
  'index.html',
  'console.css',
  'main.js',
  'api.js',
  'messages.js',
  'sse-reader.js',
  'connection.js',
  'upload-form.js',
  'photo-form.js',
  'tabs.js',
  'direct-post-fields.js',
  'upload-tracker.js',
  'recent-uploads.js',
  'dom.js',
] as const;

export const CONSOLE_ASSETS_DIR = join(__dirname, 'assets');

/** The console's static files, read once at start (they are small and never change while the service runs). */
export class ConsoleAssets {
  private readonly files = new Map<string, ConsoleAsset>();

  constructor(dir: string = CONSOLE_ASSETS_DIR) {
    // `nest build` copies these through nest-cli.json "assets"; a build without them must not start half-working.
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`Console assets are missing in ${dir}`);
    for (const name of CONSOLE_FILES) {
      const body = readFileSync(join(dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      this.files.set(name, { body, contentType: CONTENT_TYPES[extname(name)], etag });
    }
  }

  find(name: string): ConsoleAsset | undefined {
    return this.files.get(name);
  }
}
