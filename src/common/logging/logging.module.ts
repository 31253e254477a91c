import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { AppConfig } from '../../config/app-config';
import { bodyParsers } from '../http/body-parsers';
import { redactLogLine, redactUrl } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Structured JSON logs with request ids and secrets redacted. */
@Module({})
export class LoggingModule implements NestModule {
  static register(destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) => {
            const options = {
              level: config.get('app', { infer: true }).logLevel,
              hooks: { streamWrite: redactLogLine },
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const given = req.headers['x-request-id'];
                const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
                res.setHeader('X-Request-Id', id);
                return id;
              },
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: redactUrl(req.url),
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics' },
            };
            return { pinoHttp: destination ? [options, destination] : options };
          },
        }),
      ],
    };
  }

  /**
   * Request bodies are parsed here, not by Nest's built-in parsers (which run before any middleware): the global
   * pino-http middleware runs before this module's, so a body the parser refuses still has its request id, its
   * error body through the exception filter and its log line.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(...bodyParsers()).forRoutes('*');
  }
}
