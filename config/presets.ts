/**
 * Non-secret presets. A preset fills in variables the environment leaves unset; the environment always wins.
 * `sandbox` is what `npm start` runs on; `test` is what the test suites run on.
 */
export const sandboxPreset: Record<string, string> = {
  TIKTOK_CLIENT_KEY: 'sbx_client_key_tiktok_gateway',
  TIKTOK_CLIENT_SECRET: 'sbx_client_secret_not_for_live_use',
};

export const testPreset: Record<string, string> = {
  ...sandboxPreset,
  TIKTOK_MODE: 'sandbox',
  ADMIN_API_KEY: 'test-admin-key-0123456789abcdef0123',
  TOKEN_ENCRYPTION_KEYS: 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  LOG_LEVEL: 'silent',
  TOKEN_REFRESH_INTERVAL_SECONDS: '3600',
};
