// Tokens carry a window index instead of a permanent pseudonym (docs/feed-privacy.md): what the
// token shows, that a holder's indices in two windows are unrelated, and that a downgrade revokes
// every live token and nothing issued after it. Revocation is judged by src/'s verifier only.
import { describe, expect, it } from 'vitest';
import { CLAIM, decodeBase45, decodeCbor, decodeClaims, parseSign1, type TokenClaims } from '../../src/index.ts';
import { DAY, T0 } from './fixtures.ts';
import { enrol, type Harness, harness, holderDatabase, setStatus, syncedRevocations, verifyAt } from './helpers.ts';

const WINDOW = 6 * 3600;
/** Tokens are dated from now − 60 s (replica lag allowance): fetch 60 s into a window to get its start. */
const LAG = 60;

function claimsOf(token: string): TokenClaims {
  const decoded = decodeClaims(parseSign1(decodeBase45(token.slice(4))).payload);
  if (!decoded.ok) throw new Error(decoded.detail);
  return decoded.claims;
}

async function tokenAt(h: Harness, secret: string, t: number): Promise<string> {
  h.clock.t = t;
  const { status, body } = await h.json('GET', '/v1/holders/me/token', { token: secret });
  expect(status).toBe(200);
  return body.token;
}

describe('window indices in tokens', () => {
  it('puts no sub (label 2) in a token, only the window index and, from the second epoch on, the epoch', async () => {
    const h = harness(T0 + 200 * DAY);
    const holder = await enrol(h);
    const labels = [...(decodeCbor(parseSign1(decodeBase45(holder.token.slice(4))).payload) as Map<number, unknown>).keys()];
    expect(labels).not.toContain(2);
    expect(labels).toContain(CLAIM.windowIndex);
    expect(labels).not.toContain(CLAIM.revocationEpoch); // epoch 0 is left out
    expect(claimsOf(holder.token).windowIndex).toBeLessThan(2 ** 32);
  });

  it('gives two tokens of one holder in different windows unrelated indices', async () => {
    const start = T0 + 210 * DAY;
    const h = harness(start);
    const holders = [];
    for (let i = 0; i < 8; i++) holders.push(await enrol(h));
    const first: number[] = [];
    const second: number[] = [];
    for (const holder of holders) {
      first.push(claimsOf(await tokenAt(h, holder.secret, start + WINDOW + LAG)).windowIndex);
      second.push(claimsOf(await tokenAt(h, holder.secret, start + 2 * WINDOW + LAG)).windowIndex);
    }
    for (let i = 0; i < holders.length; i++) expect(second[i]).not.toBe(first[i]);
    // Not a shift or any order-keeping map of the first window's indices.
    expect(new Set(second.map((x, i) => x - first[i]!)).size).toBeGreaterThan(1);
    const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    expect(order(second)).not.toEqual(order(first));
  });

  it('revokes the holder’s tokens of every live window with one downgrade, and no other holder’s', async () => {
    const start = T0 + 220 * DAY; // a window boundary
    const h = harness(start - 2 * WINDOW);
    const holder = await enrol(h);
    const bystander = await enrol(h);
    const tokens = [];
    for (let k = 0; k < 5; k++) tokens.push(await tokenAt(h, holder.secret, start + k * WINDOW + LAG));
    const bystanderToken = await tokenAt(h, bystander.secret, start + 4 * WINDOW + LAG);
    // Into the fifth window: the first token expired at its start but a verifier still accepts it
    // for 300 s of clock skew, so it must be revoked too.
    h.clock.t = start + 4 * WINDOW + 200;
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    h.clock.t += 6;
    const sets = await syncedRevocations(h);
    expect(new Set(tokens.map((t) => Math.floor(claimsOf(t).iat / WINDOW))).size).toBe(5);
    for (const [k, token] of tokens.entries())
      expect(await verifyAt(h, token, sets), `window ${k}`).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect((await verifyAt(h, bystanderToken, sets)).ok).toBe(true);
  });

  it('does not revoke a token issued after the cut in the same window (next epoch), and a second downgrade revokes that one too', async () => {
    const start = T0 + 230 * DAY;
    const h = harness(start + 100);
    const holder = await enrol(h);
    h.clock.t = start + 200;
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    const red = await tokenAt(h, holder.secret, start + 300);
    h.clock.t = start + 400;
    expect((await setStatus(h, holder.holderId, 'green', 'cleared on appeal')).status).toBe(200);
    const green = await tokenAt(h, holder.secret, start + 500);
    let sets = await syncedRevocations(h);
    expect([claimsOf(holder.token).revocationEpoch, claimsOf(red).revocationEpoch, claimsOf(green).revocationEpoch]).toEqual([
      undefined,
      1,
      1,
    ]);
    expect(await verifyAt(h, holder.token, sets)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect((await verifyAt(h, red, sets)).ok).toBe(true);
    expect((await verifyAt(h, green, sets)).ok).toBe(true);
    // Downgraded again in the same window: epoch 1's index is listed now, and later tokens move to epoch 2.
    h.clock.t = start + 600;
    expect((await setStatus(h, holder.holderId, 'yellow')).status).toBe(200);
    const yellow = await tokenAt(h, holder.secret, start + 700);
    sets = await syncedRevocations(h);
    expect(await verifyAt(h, green, sets)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(await verifyAt(h, holder.token, sets)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(claimsOf(yellow).revocationEpoch).toBe(2);
    expect((await verifyAt(h, yellow, sets)).ok).toBe(true);
  });
});

describe('a holder beyond the window’s domain', () => {
  it('gets 503 code_not_yet_available until the next window, whose domain includes it', async () => {
    const start = T0 + 240 * DAY; // a window boundary
    const h = harness(start + LAG);
    const holder = await enrol(h); // fixes this window's domain for the holders there are now
    const d1 = holderDatabase(holder.holderId);
    const { slot } = (await d1.prepare('select slot from holders where id = ?').bind(holder.holderId).first<{ slot: number }>())!;
    // As if 5 000 more holders of its bucket had enrolled since the domain was fixed, this one last.
    const later = slot + 5000 * 1024;
    await d1.batch([
      d1.prepare('update holders set slot = ? where id = ?').bind(later, holder.holderId),
      d1.prepare('update bucket_counters set next_number = ? where bucket = ?').bind(Math.floor(later / 1024) + 1, slot % 1024),
    ]);
    h.clock.t = start + 3600;
    const refused = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect([refused.status, refused.body.error.code]).toEqual([503, 'code_not_yet_available']);
    expect(Number(refused.res.headers.get('retry-after'))).toBe(WINDOW - 3600);
    // A fresh isolate in the next window: that window's domain counts the holder.
    const next = harness(start + WINDOW + LAG);
    const issued = await next.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect(issued.status).toBe(200);
    expect(claimsOf(issued.body.token).windowIndex).toBeLessThan(2 ** 32);
  });
});
