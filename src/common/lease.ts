/**
 * A lease kept in two columns of a row: until when it holds, and who holds it. A row is claimed with a conditional
 * UPDATE filtered on the lease being free, renewed and released with one filtered on it still being ours, so several
 * instances never work on the same row at once and a dead holder's row is taken over once its lease lapses.
 */
export interface LeaseColumns<Until extends string, Owner extends string> {
  until: Until;
  owner: Owner;
}

/** The columns of most leased rows. */
export const LEASE_COLUMNS = { until: 'leaseUntil', owner: 'leaseOwner' } as const;

/** Where-clause part for rows whose lease is free: never taken, or lapsed (its owner finished or died). */
export function leaseFree<U extends string>(columns: LeaseColumns<U, string>, now: Date) {
  return { $or: [{ [columns.until]: null }, { [columns.until]: { $lt: now } }] } as {
    $or: [Record<U, null>, Record<U, { $lt: Date }>];
  };
}

/** Where-clause part for a row `owner` still holds. */
export function leaseHeldBy<O extends string>(columns: LeaseColumns<string, O>, owner: string) {
  return { [columns.owner]: owner } as Record<O, string>;
}

/** The update that gives (or renews) the lease to `owner` for `durationMs` from `now`. */
export function leaseTaken<U extends string, O extends string>(
  columns: LeaseColumns<U, O>,
  owner: string,
  now: Date,
  durationMs: number,
) {
  const until = new Date(now.getTime() + durationMs);
  return { [columns.until]: until, [columns.owner]: owner } as Record<U, Date> & Record<O, string>;
}

/** The update that hands the lease back. */
export function leaseReleased<U extends string, O extends string>(columns: LeaseColumns<U, O>) {
  return { [columns.until]: null, [columns.owner]: null } as Record<U | O, null>;
}
