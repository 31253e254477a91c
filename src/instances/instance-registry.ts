import { CreateRequestContext, EntityManager } from '@mikro-orm/core';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Instance } from './instance.entity';

/** Beats at least this often, and at least three times within INSTANCE_GONE_AFTER_SECONDS. */
const MAX_HEARTBEAT_MS = 30_000;

/**
 * Each instance writes its INSTANCE_ID and the time into the `instance` table every heartbeat, so the others can
 * tell a holder of local media that is gone (crashed host, lost disk) from one that is merely busy. The first beat
 * is written before the service accepts requests.
 */
@Injectable()
export class InstanceRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InstanceRegistry.name);
  readonly id: string;
  readonly heartbeatMs: number;
  readonly goneAfterSeconds: number;
  private readonly goneAfterMs: number;
  private readonly startedAt: Date;
  private readonly beats: PeriodicTask;
  /** Start of the current run of successful beats; undefined after a failed one. */
  private beatingSince: Date | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    const { id, goneAfterSeconds } = config.get('instance', { infer: true });
    this.id = id;
    this.goneAfterSeconds = goneAfterSeconds;
    this.goneAfterMs = goneAfterSeconds * 1000;
    this.heartbeatMs = Math.min(MAX_HEARTBEAT_MS, Math.floor(this.goneAfterMs / 3));
    this.startedAt = clock.now();
    this.beats = new PeriodicTask('instance-heartbeat', this.heartbeatMs, () => this.beat());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.beats.start(this.scheduler);
    const local = this.config.get('storage', { infer: true }).kind === 'local';
    if (local && this.config.get('db', { infer: true }).driver === 'postgresql') {
      const { spoolDir } = this.config.get('uploads', { infer: true });
      this.logger.log(
        `Several hosts with local storage: each upload is sent only by the instance that received it ` +
          `(this one: INSTANCE_ID=${this.id}, spool ${spoolDir}). Give each host its own stable INSTANCE_ID and ` +
          `a persistent UPLOAD_SPOOL_DIR; the uploads still waiting on a host silent for more than ` +
          `${this.goneAfterSeconds} s (INSTANCE_GONE_AFTER_SECONDS) fail with media_unreachable.`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.beats.stop(this.scheduler);
  }

  /**
   * Other instances silent for longer than INSTANCE_GONE_AFTER_SECONDS. Empty until this instance has itself beaten
   * without a break for two heartbeats: after a database outage every row looks old, and the others need one
   * heartbeat to write theirs again.
   */
  async goneInstances(now: Date): Promise<string[]> {
    if (!this.beatingSince || now.getTime() - this.beatingSince.getTime() < 2 * this.heartbeatMs) return [];
    const rows = await this.em.find(
      Instance,
      { id: { $ne: this.id }, lastSeenAt: { $lt: this.silentSince(now) } },
      { fields: ['id'], disableIdentityMap: true },
    );
    return rows.map((row) => row.id);
  }

  /** Drops a gone instance's row once nothing of it is left to fail (unless it has come back meanwhile). */
  async forget(id: string, now: Date): Promise<void> {
    await this.em.nativeDelete(Instance, { id, lastSeenAt: { $lt: this.silentSince(now) } });
  }

  private silentSince(now: Date): Date {
    return new Date(now.getTime() - this.goneAfterMs);
  }

  /** Runs at bootstrap and on its timer, outside any request: a context of its own. */
  @CreateRequestContext()
  private async beat(): Promise<void> {
    const now = this.clock.now();
    try {
      await this.em.upsert(Instance, { id: this.id, startedAt: this.startedAt, lastSeenAt: now });
      this.beatingSince ??= now;
    } catch (error) {
      this.beatingSince = undefined;
      throw error;
    }
  }
}
