import { CreateRequestContext, EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable, Logger, MessageEvent, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable, Subscriber } from 'rxjs';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { AppError, NotFoundError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { ApiKey } from '../tenants/api-key.entity';
import { isFinal } from './upload-state.service';
import { Upload } from './upload.entity';
import { UploadRepository } from './upload.repository';
import { eventStreamsOpen, eventStreamsRefusedTotal } from './uploads.metrics';
import { toUploadResponse } from './dto/upload.mapping';

/** How often the watched uploads are read (one query for all streams of this instance). */
const EVENTS_TICK_MS = 500;
/** Revoked keys are looked for every this many ticks (one query for the keys of all open streams). */
const KEY_CHECK_EVERY_TICKS = 4;
/** A stream lasts until its upload ends, so there is no exact time to give; a refused caller tries again after this. */
const RETRY_AFTER_SECONDS = 10;

interface EventStream {
  caller: AuthenticatedTenant;
  uploadId: string;
  subscriber: Subscriber<MessageEvent>;
  /** What was last sent. */
  lastStamp?: string;
}

/**
 * Upload event streams of this instance. Changes come from any instance (workers, webhooks, polls), so they are
 * read from the database, but by one timer for all streams instead of a timer per stream: each tick reads every
 * watched upload in one query and hands the changed ones to their streams. Streams are capped per API key and in
 * all, end when their key is revoked, and end when the application shuts down.
 */
@Injectable()
export class UploadEventHub implements OnModuleDestroy {
  private readonly logger = new Logger(UploadEventHub.name);
  private readonly streams = new Set<EventStream>();
  private readonly perKey = new Map<string, number>();
  private readonly limits: AppConfig['eventStreams'];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private ticks = 0;
  private closed = false;

  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    config: ConfigService<AppConfig, true>,
  ) {
    this.limits = config.getOrThrow('eventStreams', { infer: true });
  }

  /**
   * The upload on every change, closing after a final state; another tenant's upload is not found. Refusals and the
   * first read happen before the stream is handed over: once subscribed, the response's headers go out on the next
   * turn of the event loop, and after that no status can be answered.
   */
  async open(caller: AuthenticatedTenant, uploadId: string): Promise<Observable<MessageEvent>> {
    const early = this.refusal(caller);
    if (early) throw early;
    const upload = await this.uploads.findForTenant(caller.tenantId, uploadId);
    if (!upload) throw new NotFoundError('No upload with this id.');
    return new Observable<MessageEvent>((subscriber) => {
      // Counted only once subscribed (a client gone before then never subscribes), so checked again here: other
      // streams may have opened meanwhile. An error raised now still reaches the exception filter.
      const refusal = this.refusal(caller);
      if (refusal) return subscriber.error(refusal);
      const stream: EventStream = { caller, uploadId, subscriber };
      this.add(stream);
      this.deliver(stream, upload);
      this.schedule();
      return () => this.remove(stream);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
    // Open streams would hold the HTTP server open; clients reconnect (to another instance, or after the restart).
    for (const stream of [...this.streams]) stream.subscriber.complete();
  }

  private refusal(caller: AuthenticatedTenant): AppError | undefined {
    const details = { retryAfterSeconds: RETRY_AFTER_SECONDS };
    if (this.closed) {
      const message = 'The service is shutting down; retry shortly.';
      return new AppError('service_unavailable', message, HttpStatus.SERVICE_UNAVAILABLE, details);
    }
    if ((this.perKey.get(caller.apiKeyId) ?? 0) >= this.limits.perKey) {
      eventStreamsRefusedTotal.inc({ reason: 'per_key' });
      const message = `This API key already has ${this.limits.perKey} open event streams; close one or retry later.`;
      return new AppError('rate_limited', message, HttpStatus.TOO_MANY_REQUESTS, details);
    }
    if (this.streams.size >= this.limits.max) {
      eventStreamsRefusedTotal.inc({ reason: 'total' });
      const message = 'This instance has as many open event streams as it serves; retry later.';
      return new AppError('service_unavailable', message, HttpStatus.SERVICE_UNAVAILABLE, details);
    }
    return undefined;
  }

  private add(stream: EventStream): void {
    this.streams.add(stream);
    this.perKey.set(stream.caller.apiKeyId, (this.perKey.get(stream.caller.apiKeyId) ?? 0) + 1);
    eventStreamsOpen.inc();
  }

  private remove(stream: EventStream): void {
    if (!this.streams.delete(stream)) return;
    const left = (this.perKey.get(stream.caller.apiKeyId) ?? 1) - 1;
    if (left > 0) this.perKey.set(stream.caller.apiKeyId, left);
    else this.perKey.delete(stream.caller.apiKeyId);
    eventStreamsOpen.dec();
  }

  private schedule(): void {
    if (this.timer || this.running || this.closed || this.streams.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, EVENTS_TICK_MS);
  }

  /** A context per tick: the timer would otherwise run in the context of the request that opened the first stream. */
  @CreateRequestContext()
  private async tick(): Promise<void> {
    // The streams open before this query: the rows read now are at least as new as what each has sent.
    const ready = [...this.streams];
    if (ready.length === 0) return;
    try {
      const ids = [...new Set(ready.map((stream) => stream.uploadId))];
      const rows = await this.uploads.findWatched(ids);
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const stream of ready) {
        if (!this.streams.has(stream)) continue;
        const upload = byId.get(stream.uploadId);
        if (upload) this.deliver(stream, upload);
        else stream.subscriber.complete(); // deleted with its tenant
      }
      if (++this.ticks % KEY_CHECK_EVERY_TICKS === 0) await this.endRevoked();
    } catch (error) {
      // The database may be briefly away; the streams wait for the next tick rather than end.
      this.logger.warn({ err: error }, 'Could not read the uploads of the open event streams');
    }
  }

  /** Ends the streams whose API key was revoked (or deleted) since they opened. */
  private async endRevoked(): Promise<void> {
    const keyIds = [...this.perKey.keys()];
    if (keyIds.length === 0) return;
    const valid = await this.em.find(
      ApiKey,
      { id: { $in: keyIds }, revokedAt: null },
      { fields: ['id'], disableIdentityMap: true },
    );
    const validIds = new Set(valid.map((key) => key.id));
    for (const stream of [...this.streams]) {
      if (!validIds.has(stream.caller.apiKeyId)) stream.subscriber.complete();
    }
  }

  private deliver(stream: EventStream, upload: Upload): void {
    const stamp = `${upload.updatedAt.getTime()}:${upload.status}:${upload.uploadedBytes}:${upload.postIds.length}`;
    if (stamp !== stream.lastStamp) {
      stream.lastStamp = stamp;
      stream.subscriber.next({ data: toUploadResponse(upload), type: 'upload' });
    }
    if (isFinal(upload.status)) stream.subscriber.complete();
  }
}
