import { ValidationPipe } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { ContentTypeGuard } from './common/http/content-type.guard';
import { QuietStartupLogger } from './common/logging/quiet-startup.logger';
import { AppConfig } from './config/app-config';
import { setUpSwagger } from './swagger';

/** Builds the configured application; `main.ts` and the tests both start the service through this. */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, options), {
    bufferLogs: true,
    rawBody: true, // TikTok's webhook signature covers the exact bytes received
  });
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.disable('x-powered-by');
  app.use(cookieParser());
  // After the key and rate-limit guards (APP_GUARD): an unknown caller learns nothing about body types.
  app.useGlobalGuards(new ContentTypeGuard(app.get(Reflector)));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  setUpSwagger(app);
  await app.init();
  return app;
}
