import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';

/** What `ThrottlerStorage.increment` answers (the package does not export the type from its entry point). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Counter {
  /** Expiry times of the hits in the window, oldest first, from `head` on (the ones before have expired). */
  hits: number[];
  head: number;
  /** When the window that started with the first hit ends (what the caller reports as `timeToExpire`). */
  windowEndsAt: number;
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The rate-limit counters of one instance without Redis: a sliding window, as @nestjs/throttler's own in-memory
 * storage counts (each hit expires `ttl` after it was made, a key over its limit is blocked for `blockDuration`).
 * That storage copied every hit of the last minute on each request; here the hits of a key expire in the order they
 * were made (one ttl per key), so pruning drops a prefix and costs only the expired hits.
 */
@Injectable()
export class InMemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private readonly sweep = setInterval(() => this.evictIdle(Date.now()), SWEEP_INTERVAL_MS).unref();

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { hits: [], head: 0, windowEndsAt: now + ttl, blockedUntil: 0 };
      this.counters.set(key, counter);
    }
    prune(counter, now);
    if (counter.windowEndsAt <= now) counter.windowEndsAt = now + ttl;
    if (counter.blockedUntil !== 0 && counter.blockedUntil <= now) {
      // The block is over: the key starts again from this one hit.
      counter.blockedUntil = 0;
      counter.hits = [];
      counter.head = 0;
    }
    if (counter.blockedUntil === 0) {
      counter.hits.push(now + ttl);
      if (count(counter) > limit) counter.blockedUntil = now + blockDuration;
    }
    return Promise.resolve({
      totalHits: count(counter),
      timeToExpire: secondsUntil(counter.windowEndsAt, now),
      isBlocked: counter.blockedUntil > now,
      timeToBlockExpire: counter.blockedUntil === 0 ? 0 : secondsUntil(counter.blockedUntil, now),
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.counters.clear();
  }

  /** Forgets keys with no live hit and no block, so one-off callers (an IP seen once) do not pile up. */
  private evictIdle(now: number): void {
    for (const [key, counter] of this.counters) {
      prune(counter, now);
      if (count(counter) === 0 && counter.blockedUntil <= now) this.counters.delete(key);
    }
  }
}

function prune(counter: Counter, now: number): void {
  while (counter.head < counter.hits.length && counter.hits[counter.head] <= now) counter.head++;
  // Drop the expired prefix once it is most of the array, so the copy is paid for by the hits that expired.
  if (counter.head > 64 && counter.head * 2 > counter.hits.length) {
    counter.hits = counter.hits.slice(counter.head);
    counter.head = 0;
  }
}

function count(counter: Counter): number {
  return counter.hits.length - counter.head;
}

function secondsUntil(time: number, now: number): number {
  return Math.ceil((time - now) / 1000);
}
