/**
 * Runs `work` over `items` with at most `concurrency` at a time, in order of start; stops taking new items once
 * `stopRequested` says so (shutdown), letting the ones already started finish.
 */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  stopRequested: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopRequested()) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
