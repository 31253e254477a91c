import { counter } from '../../metrics/metric';

/** One read-back try's outcome: found, not_found (tried again later), gave_up (last try), skipped, postponed, error. */
export const shareUrlReadBacksTotal = counter({
  name: 'tiktok_share_url_read_backs_total',
  help: 'Tries at finding a published post on TikTok for its share URL, by outcome',
  labelNames: ['outcome'],
});
