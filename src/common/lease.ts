/** Where-clause part for rows whose lease is free: never taken, or lapsed (its owner finished or died). */
export function leaseFree(now: Date) {
  return { $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] };
}
