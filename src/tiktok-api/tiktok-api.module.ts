import { type DynamicModule, type FactoryProvider, Module, type ModuleMetadata } from '@nestjs/common';
import { TikTokApiClient } from './tiktok-api.client';
import { TIKTOK_API_OPTIONS, type TikTokApiOptions } from './tiktok-api.options';

export interface TikTokApiModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: FactoryProvider<TikTokApiOptions | Promise<TikTokApiOptions>>['useFactory'];
}

/** Provides TikTokApiClient everywhere; the options come from config (tiktok namespace) through the factory. */
@Module({})
export class TikTokApiModule {
  static forRootAsync(options: TikTokApiModuleAsyncOptions): DynamicModule {
    return {
      module: TikTokApiModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: TIKTOK_API_OPTIONS,
          useFactory: options.useFactory,
          inject: options.inject ?? [],
        },
        TikTokApiClient,
      ],
      exports: [TikTokApiClient],
    };
  }
}
