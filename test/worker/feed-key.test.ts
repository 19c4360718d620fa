// Rotating FEED_KEY (docs/operations.md "FEED_KEY"): each window keeps the key it was fixed with,
// so tokens already issued keep their indices and downgrades still list them; new windows take
// the new key; a retired key dropped too early is refused by name, never silently used wrong.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { decodeBase45, decodeClaims, fromBase64Url, parseSign1, toBase64Url } from '../../src/index.ts';
import { feedKeyId } from '../../worker/config.ts';
import { DAY, T0 } from './fixtures.ts';
import { enrol, type Harness, harness, operatorToken, syncedRevocations, type TestEnv, verifyAt } from './helpers.ts';

const WINDOW = 6 * 3600;
const LAG = 60;

function indexOf(token: string): number {
  const decoded = decodeClaims(parseSign1(decodeBase45(token.slice(4))).payload);
  if (!decoded.ok) throw new Error(decoded.detail);
  return decoded.claims.windowIndex;
}

async function tokenAt(h: Harness, secret: string, t: number, deployment: TestEnv) {
  h.clock.t = t;
  return h.json('GET', '/v1/holders/me/token', { token: secret, env: deployment });
}

async function keyIdOf(window: number): Promise<string | undefined> {
  const row = await env.DB.prepare('select key_id from window_domains where "window" = ?').bind(window).first<{ key_id: string }>();
  return row?.key_id;
}

describe('FEED_KEY rotation', () => {
  it('keeps each window on the key it was fixed with; a downgrade after the rotation revokes tokens of both keys', async () => {
    const start = T0 + 300 * DAY; // a window boundary
    const h = harness(start + LAG);
    const holder = await enrol(h);
    const before = (await tokenAt(h, holder.secret, start + 600, env)).body.token as string;

    const newKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const rotated: TestEnv = { ...env, FEED_KEY: newKey, FEED_KEYS_RETIRED: JSON.stringify([env.FEED_KEY]) };
    // Same window after the rotation: the same index (the window keeps the old key).
    const sameWindow = (await tokenAt(h, holder.secret, start + 900, rotated)).body.token as string;
    expect(indexOf(sameWindow)).toBe(indexOf(before));
    // The next window takes the new key.
    const next = await tokenAt(h, holder.secret, start + WINDOW + LAG, rotated);
    expect(next.status).toBe(200);
    const [oldId, newId] = await Promise.all([keyIdOf(start / WINDOW), keyIdOf(start / WINDOW + 1)]);
    expect(oldId).toBe(feedKeyId(fromBase64Url(env.FEED_KEY)));
    expect(newId).not.toBe(oldId);

    h.clock.t = start + WINDOW + 600;
    const downgrade = await h.call('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'after the rotation' },
      token: operatorToken(),
      env: rotated,
    });
    expect(downgrade.status).toBe(200);
    const sets = await syncedRevocations(h);
    for (const token of [before, next.body.token as string])
      expect(await verifyAt(h, token, sets)).toMatchObject({ reason: 'token_revoked' });
  });

  it('refuses by name to index a window whose retired key was dropped too early', async () => {
    const start = T0 + 310 * DAY;
    const h = harness(start + LAG);
    const holder = await enrol(h);
    const dropped: TestEnv = { ...env, FEED_KEY: toBase64Url(crypto.getRandomValues(new Uint8Array(32))) };
    // A fresh isolate: one that already signed this token would serve it from its cache.
    const refused = await tokenAt(harness(start + 900), holder.secret, start + 900, dropped);
    expect([refused.status, refused.body.error.code]).toEqual([500, 'misconfigured']);
    expect(refused.body.error.message).toContain('FEED_KEYS_RETIRED');
  });
});
