// Environment that stops wrangler (and the tools it wraps) from calling out to the internet:
// no metrics, no error reports, no update banner, no Request.cf fetch. Applied by every script
// that starts wrangler or Miniflare, and by vitest.config.ts.
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_TELEMETRY_DISABLED: '1',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
} as const;

export function applyOfflineEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  for (const [k, v] of Object.entries(OFFLINE_ENV)) env[k] = v;
  return env;
}
