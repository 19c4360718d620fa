// GET /v1/holders/me/token: deterministic issuance, lazy status evaluation, holder auth.

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { decodeBase45, decodeClaims, parseSign1 } from '../../src/index.ts';
import { configFor } from '../../worker/config.ts';
import { planStatus } from '../../worker/status/plan.ts';
import { tokenTimes } from '../../worker/tokens/issue.ts';
import { DAY, KEY_VALID_FROM, REPLICA_LAG_ALLOWANCE, REVOCATION_MARGIN, T0 } from './fixtures.ts';
import { count, enrol, harness, NO_SYMPTOMS, setStatus, syncedRevocations, verifyAt } from './helpers.ts';

const LIFETIME = 86400;
const WINDOW = LIFETIME / 4;

function claimsOf(token: string) {
  const decoded = decodeClaims(parseSign1(decodeBase45(token.slice(4))).payload);
  if (!decoded.ok) throw new Error(decoded.detail);
  return decoded.claims;
}

describe('token issuance', () => {
  it('returns the same token for every fetch within a quarter-lifetime window, and a fresh one after', async () => {
    const h = harness(T0 - DAY);
    const holder = await enrol(h);
    // T0 is a window boundary (T0 % 21600 === 0); windows are reckoned from now - 60 s.
    const lag = REPLICA_LAG_ALLOWANCE;
    h.clock.t = T0 + lag;
    const a = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    h.clock.t = T0 + WINDOW + lag - 1;
    const b = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    h.clock.t = T0 + WINDOW + lag;
    const c = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect(a.status).toBe(200);
    expect(b.body.token).toBe(a.body.token);
    expect(c.body.token).not.toBe(a.body.token);
    expect(claimsOf(a.body.token)).toMatchObject({
      iat: T0,
      exp: T0 + LIFETIME,
      color: 'green',
      windowIndex: expect.any(Number),
    });
    expect(claimsOf(c.body.token).iat).toBe(T0 + WINDOW);
    expect(a.body).toMatchObject({ color: 'green', iat: T0, exp: T0 + LIFETIME });
    // At least 75% of the lifetime, less the replica allowance, is left whenever a token is fetched.
    expect(b.body.exp - (T0 + WINDOW + lag - 1)).toBeGreaterThan(0.75 * LIFETIME - lag);
    expect(a.res.headers.get('cache-control')).toBe('no-store');
  });

  it('writes nothing to D1', async () => {
    const h = harness();
    const holder = await enrol(h);
    // Fix the next window's domain first, so the fetch below is a pure read: a window's domain is
    // written once per window for all holders (worker/feed/window-domains.ts), never per token.
    h.clock.t += 3 * WINDOW + REPLICA_LAG_ALLOWANCE; // tokens dated T0 + 3 windows
    const other = await enrol(h);
    expect((await h.call('GET', '/v1/holders/me/token', { token: other.secret })).status).toBe(200);
    const tables = [
      'holders',
      'status_events',
      'audit_log',
      'revocations',
      'window_revocations',
      'window_domains',
      'bucket_counters',
      'checkins',
    ];
    const before = await Promise.all(tables.map((t) => count(t)));
    expect((await h.call('GET', '/v1/holders/me/token', { token: holder.secret })).status).toBe(200);
    const after = await Promise.all(tables.map((t) => count(t)));
    expect(after).toEqual(before);
  });

  it('issues a token after a downgrade with iat after the revocation, so the feed revokes only the old one', async () => {
    const h = harness(T0 + 7); // mid-window: the old token's iat is the enrolment second + 1
    const holder = await enrol(h);
    h.clock.t += 30;
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    const fresh = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    const revoked = await syncedRevocations(h);
    // Same window as the old token, one epoch on: a fresh index the feed does not list.
    expect(claimsOf(fresh.body.token)).toMatchObject({ revocationEpoch: 1 });
    expect(claimsOf(holder.token).revocationEpoch).toBeUndefined();
    expect(await verifyAt(h, holder.token, revoked)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(await verifyAt(h, fresh.body.token, revoked)).toMatchObject({
      ok: true,
      claims: { color: 'red', statusEnds: T0 + 37 + 14 * DAY },
    });
  });

  it('revokes the first token even when the downgrade comes in the same second as the enrolment', async () => {
    const h = harness(T0 + 7);
    const holder = await enrol(h);
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    const fresh = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    const revoked = await syncedRevocations(h);
    expect(await verifyAt(h, holder.token, revoked)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(await verifyAt(h, fresh.body.token, revoked)).toMatchObject({ ok: true, claims: { color: 'red' } });
  });

  it('revokes every old-status token signed up to margin + replica lag after a downgrade, and no new-status token', () => {
    const policy = configFor(env).policy;
    // Downgrades just before, at and after window boundaries (T0 and T0 + WINDOW are boundaries).
    for (const oldSince of [T0 - 100, T0, T0 + 1, T0 + WINDOW - 70, T0 + WINDOW - 3, T0 + WINDOW]) {
      for (const delay of [0, 1, 3, 7, 50]) {
        const downgradeAt = oldSince + delay;
        const plan = planStatus(
          { color: 'green', since: oldSince },
          [],
          downgradeAt,
          policy,
          () => ({ to: 'red', source: 'operator', actorType: 'operator', actor: 'x', reason: 'x' }),
          'test',
        );
        const at = plan.steps[0]!.at;
        const revokedBefore = at + REVOCATION_MARGIN; // worker/db/status-writes.ts
        const issue = (status: { color: 'green' | 'red'; since: number }, now: number) =>
          tokenTimes({ status: { ...status, byRule: false }, lifetimeSeconds: LIFETIME, now }, KEY_VALID_FROM);
        // `late`: a request that read the old status (in flight, or from a lagging replica).
        for (let late = 0; late <= REVOCATION_MARGIN + REPLICA_LAG_ALLOWANCE; late++) {
          expect(issue({ color: 'green', since: oldSince }, downgradeAt + late).iat).toBeLessThanOrEqual(revokedBefore);
          expect(issue({ color: 'red', since: plan.after.since }, downgradeAt + late).iat).toBeGreaterThan(revokedBefore);
        }
      }
    }
  });

  it.each([
    ['no Authorization header', undefined],
    ['a secret of the wrong shape', 'not-a-secret'],
    ['a well-formed secret nobody holds', 'A'.repeat(43)],
  ])('answers 401 for %s', async (_what, secret) => {
    const h = harness();
    const { status, body, res } = await h.json('GET', '/v1/holders/me/token', secret === undefined ? {} : { token: secret });
    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthorized');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });
});

describe('lazy status evaluation through the token endpoint', () => {
  async function redHolderCheckingIn(days: number[]) {
    const h = harness(T0);
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    for (const d of days) {
      h.clock.t = T0 + d * DAY + 3600;
      expect((await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret })).status).toBe(201);
    }
    return { h, holder };
  }

  it('shows green from the exact moment the isolation ends once fourteen daily check-ins are done', async () => {
    const { h, holder } = await redHolderCheckingIn([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    h.clock.t = T0 + 14 * DAY - 1;
    const before = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect(before.body.status).toMatchObject({ color: 'red', until: T0 + 14 * DAY, checkinsDone: 14, checkinsRequired: 14 });
    h.clock.t = T0 + 14 * DAY;
    const after = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect(after.body.status).toEqual({ color: 'green', since: T0 + 14 * DAY });
    expect(claimsOf(after.body.token)).toMatchObject({ color: 'green', iat: T0 + 14 * DAY + REVOCATION_MARGIN + 1 });
    expect(claimsOf(after.body.token).statusEnds).toBeUndefined();
    // Evaluated, not recorded: the release is written by the cron or the next write.
    expect(await count('status_events', "holder_id = ? and source = 'rule'", holder.holderId)).toBe(0);
  });

  it('stays red past the isolation period while the run of check-ins is incomplete, and says when it could end', async () => {
    const { h, holder } = await redHolderCheckingIn([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]); // day 7 missed
    h.clock.t = T0 + 14 * DAY + 60;
    const { body } = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect(body.color).toBe('red');
    expect(body.status.checkinsDone).toBe(6);
    // Eight more local days (from day 14): the run completes on day 21 at the earliest.
    expect(body.status.until).toBe(T0 + 21 * DAY - 8 * 3600);
    expect(claimsOf(body.token).statusEnds).toBe(body.status.until);
  });
});
