import { EntityRepository } from '@mikro-orm/core';
import { ConnectAttempt } from './connect-attempt.entity';

export class ConnectAttemptRepository extends EntityRepository<ConnectAttempt> {
  /** Spends a ticket: true only for the one caller that opened it while valid. */
  async spendTicket(id: string, now: Date): Promise<boolean> {
    const updated = await this.nativeUpdate({ id, openedAt: null, expiresAt: { $gt: now } }, { openedAt: now });
    return updated === 1;
  }

  /** Spends a state: true only for the one callback that used it while valid. */
  async spendState(id: string, now: Date): Promise<boolean> {
    const updated = await this.nativeUpdate(
      { id, completedAt: null, stateExpiresAt: { $gt: now } },
      { completedAt: now },
    );
    return updated === 1;
  }
}
