import { ValidationPipe } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { ContentTypeGuard } from './common/http/content-type.guard';
import { QuietStartupLogger } from './common/logging/quiet-startup.logger';
import { AppConfig } from './config/app-config';
import { securityHeaders } from './common/http/security-headers';
import { setUpSwagger } from './swagger';

/** Builds the configured application; `main.ts` and the tests both start the service through this. */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, options), {
    bufferLogs: true,
    bodyParser: false, // parsed after the request id is set (LoggingModule), keeping the raw bytes for webhooks
  });
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.disable('x-powered-by');
  // Express would hash every JSON body for an ETag no API client sends back; the console's assets set their own.
  app.set('etag', false);
  // Unset, Express ignores X-Forwarded-For: any caller could name any address and escape the per-IP limits.
  if (config.app.trustProxy !== undefined) app.set('trust proxy', config.app.trustProxy);
  app.use(securityHeaders()); // before the Swagger UI's routes, which Express serves in the order they were added
  app.use(cookieParser());
  // After the key and rate-limit guards (APP_GUARD): an unknown caller learns nothing about body types.
  app.useGlobalGuards(new ContentTypeGuard(app.get(Reflector)));
  // Custom parameter decorators typed with a class are validated too (the upload's fields, UploadFields).
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validateCustomDecorators: true,
    }),
  );
  // Exit 0 once the hooks have drained the instance (Nest would otherwise re-raise the signal, exit code 143).
  app.enableShutdownHooks([], { useProcessExit: true });
  setUpSwagger(app);
  await app.init();
  return app;
}
