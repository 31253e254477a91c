/** TikTok-shaped answers for the scripted server (docs/tiktok.md §3.3, §4.1). */
export const tokenBody = (suffix = '1') => ({
  access_token: `act.${suffix}`,
  expires_in: 7200,
  open_id: 'open-1',
  refresh_expires_in: 15552000,
  refresh_token: `rft.${suffix}`,
  scope: 'user.info.basic,video.upload',
  token_type: 'Bearer',
});

export const ok = (data: unknown, logId = 'LOG-OK') => ({ data, error: { code: 'ok', message: '', log_id: logId } });

export const refused = (code: string, logId: string, message = '') => ({ error: { code, message, log_id: logId } });

export async function retriesCounted(endpoint: string): Promise<number> {
  const { register } = await import('prom-client');
  const metric = register.getSingleMetric('tiktok_api_retries_total');
  const values = metric ? (await metric.get()).values : [];
  return values.filter((value) => value.labels.endpoint === endpoint).reduce((sum, value) => sum + value.value, 0);
}
