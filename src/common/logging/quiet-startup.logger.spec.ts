import { LoggerService } from '@nestjs/common';
import { QuietStartupLogger } from './quiet-startup.logger';

describe(QuietStartupLogger.name, () => {
  const calls: [string, unknown[]][] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      void calls.push([level, args]);
  const inner: LoggerService = {
    log: record('log'),
    debug: record('debug'),
    warn: record('warn'),
    error: record('error'),
  };
  const logger = new QuietStartupLogger(inner);
  beforeEach(() => (calls.length = 0));

  it.each(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'])(
    "should move Nest's %s start-up lines to debug",
    (context) => {
      logger.log('Mapped {/health/live, GET} route', context);
      expect(calls).toEqual([['debug', ['Mapped {/health/live, GET} route', context]]]);
    },
  );

  it('should keep every other line at its level', () => {
    logger.log('Token refresh scan done', 'TokenRefreshJob');
    logger.warn('slow', 'RouterExplorer');
    expect(calls).toEqual([
      ['log', ['Token refresh scan done', 'TokenRefreshJob']],
      ['warn', ['slow', 'RouterExplorer']],
    ]);
  });
});
