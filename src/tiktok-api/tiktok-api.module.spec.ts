import { Test } from '@nestjs/testing';
import { TikTokApiClient } from './tiktok-api.client';
import { TikTokApiModule } from './tiktok-api.module';

describe(TikTokApiModule.name, () => {
  it('should build the client from factory options and close it with the app', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TikTokApiModule.forRootAsync({
          useFactory: () => ({ clientKey: 'ck', clientSecret: 'cs', apiBaseUrl: 'http://127.0.0.1:9' }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();

    expect(app.get(TikTokApiClient)).toBeInstanceOf(TikTokApiClient);
    await expect(app.close()).resolves.toBeUndefined();
  });
});
