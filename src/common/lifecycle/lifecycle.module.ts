import { Global, Module } from '@nestjs/common';
import { Shutdown } from './shutdown';

/** The service's shutdown state, for every feature that must drain (readiness, uploads, streams, workers). */
@Global()
@Module({ providers: [Shutdown], exports: [Shutdown] })
export class LifecycleModule {}
