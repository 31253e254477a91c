import { EntityRepository } from '@mikro-orm/core';
import { Connection } from './connection.entity';

export class ConnectionRepository extends EntityRepository<Connection> {
  findForUser(tenantId: string, userId: string): Promise<Connection | null> {
    return this.findOne({ tenant: tenantId, userId });
  }

  /** Active connections whose access token expires before `before`, soonest first (uses the status+expiry index). */
  async findDueForRefresh(before: Date, limit: number): Promise<string[]> {
    const rows = await this.find(
      { status: 'active', accessTokenExpiresAt: { $lt: before } },
      { fields: ['id'], orderBy: { accessTokenExpiresAt: 'asc' }, limit },
    );
    return rows.map((row) => row.id);
  }
}
