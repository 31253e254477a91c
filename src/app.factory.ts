import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { AppConfig } from './config/app-config';
import { setUpSwagger } from './swagger';

/** Builds the configured application; `main.ts` and the tests both start the service through this. */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, options), {
    bufferLogs: true,
    rawBody: true, // TikTok's webhook signature covers the exact bytes received
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use(cookieParser());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // Exit 0 once the hooks have drained the instance (Nest would otherwise re-raise the signal, exit code 143).
  app.enableShutdownHooks([], { useProcessExit: true });
  setUpSwagger(app);
  await app.init();
  return app;
}
