import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { ConnectionRepository } from './connection.repository';
import { Connection } from './connection.entity';
import { RefreshResult, TokenRefreshService } from './token-refresh.service';
import { connectionsByStatus, soonestExpirySeconds } from './tokens.metrics';
import { runPool } from '../common/run-pool';

const BATCH_SIZE = 500;
const CONCURRENCY = 8;

export type DueRefreshSummary = Record<RefreshResult, number>;

/** The scheduled side of refresh: finds what is due (by index) and refreshes it with bounded concurrency. */
@Injectable()
export class DueRefreshService {
  constructor(
    @InjectRepository(Connection) private readonly connections: ConnectionRepository,
    private readonly refresher: TokenRefreshService,
  ) {}

  /** `stopRequested` (shutdown) ends the pass between connections; each refresh releases its own lease. */
  @CreateRequestContext<DueRefreshService>((service) => service.connections)
  async refreshDue(now: Date, stopRequested: () => boolean = () => false): Promise<DueRefreshSummary> {
    const summary: DueRefreshSummary = {
      refreshed: 0,
      not_due: 0,
      refreshed_elsewhere: 0,
      reauth_required: 0,
      transient_failure: 0,
    };
    const dueBefore = new Date(now.getTime() + this.refresher.leadMs);
    const seen = new Set<string>();
    while (!stopRequested()) {
      // Rows that failed transiently stay due; `seen` keeps one scan from retrying them in a loop.
      const ids = (await this.connections.findDueForRefresh(dueBefore, BATCH_SIZE + seen.size)).filter(
        (id) => !seen.has(id),
      );
      if (ids.length === 0) break;
      ids.forEach((id) => seen.add(id));
      await runPool(ids, CONCURRENCY, stopRequested, async (id) => {
        summary[await this.refresher.refresh(id, now, 'scheduled')] += 1;
      });
    }
    await this.updateGauges(now);
    return summary;
  }

  private async updateGauges(now: Date): Promise<void> {
    for (const status of ['active', 'reauth_required', 'disconnected'] as const) {
      connectionsByStatus.set({ status }, await this.connections.countWithStatus(status));
    }
    const soonest = await this.connections.soonestActiveExpiry();
    if (soonest) soonestExpirySeconds.set((soonest.getTime() - now.getTime()) / 1000);
  }
}
