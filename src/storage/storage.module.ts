import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../config/app-config';
import { LocalMediaStorage } from './local-media-storage';
import { MediaStorage } from './media-storage';
import type { S3MediaStorage } from './s3-media-storage';

function createMediaStorage(config: Pick<AppConfig, 'storage' | 'uploads'>): MediaStorage {
  const { kind, s3 } = config.storage;
  if (kind === 'local') return new LocalMediaStorage(config.uploads.spoolDir);
  // Loaded only for UPLOAD_STORAGE=s3: the AWS SDK would cost every local-storage process ~5 MiB for nothing.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createS3Client } = require('./s3-client') as typeof import('./s3-client');
  const { S3MediaStorage } = require('./s3-media-storage') as typeof import('./s3-media-storage');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new S3MediaStorage(createS3Client(s3), { bucket: s3.bucket });
}

/** Global so intake, delivery, the scanner and readiness inject MediaStorage without importing this module. */
@Global()
@Module({
  providers: [
    {
      provide: MediaStorage,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): MediaStorage =>
        createMediaStorage({
          storage: config.get('storage', { infer: true }),
          uploads: config.get('uploads', { infer: true }),
        }),
    },
  ],
  exports: [MediaStorage],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(MediaStorage) private readonly storage: MediaStorage) {}

  onApplicationShutdown(): void {
    if (this.storage.kind === 's3') (this.storage as S3MediaStorage).close();
  }
}
