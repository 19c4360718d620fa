// Operator routes: authentication and roles, setting a status, the holder view, the audit log.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DAY, REVOCATION_MARGIN, T0 } from './fixtures.ts';
import {
  auditorToken,
  count,
  countingEnv,
  enrol,
  harness,
  holderDatabase,
  NO_SYMPTOMS,
  operatorToken,
  setStatus,
  syncedRevocations,
  verifyAt,
} from './helpers.ts';

const ADMIN_ROUTES: [string, string, Record<string, unknown>?][] = [
  ['GET', '/v1/admin/holders/aaaaaaaaaaaaaaaa'],
  ['PUT', '/v1/admin/holders/aaaaaaaaaaaaaaaa/status', { json: { color: 'red', reason: 'x' } }],
  ['POST', '/v1/admin/holders/import', { body: 'idNumber,color,reason\n', contentType: 'text/csv' }],
  ['GET', '/v1/admin/audit'],
  ['PUT', '/v1/admin/trust-list', { body: new Uint8Array([1, 2, 3]), contentType: 'application/cose' }],
  ['POST', '/v1/admin/revocations/sequence-jump', { json: { reason: 'x' } }],
];

describe('operator authentication', () => {
  it.each(ADMIN_ROUTES)('%s %s answers 401 without a valid operator token, before reading anything', async (method, path, options) => {
    const h = harness();
    for (const token of [undefined, 'wrong-token', `${env.TEST_OPERATOR_TOKEN}x`]) {
      const { env: counted, calls } = countingEnv();
      const { status, body, res } = await h.json(method, path, { ...options, token, env: counted });
      expect(status).toBe(401);
      expect(body.error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(calls()).toBe(0);
    }
  });

  it.each(ADMIN_ROUTES.filter(([method]) => method !== 'GET'))('%s %s answers 403 to an auditor', async (method, path, options) => {
    const h = harness();
    const { status, body } = await h.json(method, path, { ...options, token: auditorToken() });
    expect([status, body.error.code]).toEqual([403, 'forbidden']);
  });

  it('lets an auditor read a holder and the audit log', async () => {
    const h = harness();
    const holder = await enrol(h);
    expect((await h.call('GET', `/v1/admin/holders/${holder.holderId}`, { token: auditorToken() })).status).toBe(200);
    expect((await h.call('GET', '/v1/admin/audit', { token: auditorToken() })).status).toBe(200);
  });
});

describe('PUT /v1/admin/holders/{holderId}/status', () => {
  it('downgrades at once, records event, audit and revocation in one go, and revokes earlier tokens', async () => {
    const h = harness();
    const holder = await enrol(h);
    h.clock.t += 120;
    const res = await setStatus(h, holder.holderId, 'red', 'big-data match: close contact');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      holderId: holder.holderId,
      changed: true,
      status: { color: 'red', since: T0 + 120, until: T0 + 120 + 14 * DAY },
    });
    const event = await holderDatabase(holder.holderId)
      .prepare("select source, actor, reason from status_events where holder_id = ? and color = 'red'")
      .bind(holder.holderId)
      .first();
    expect(event).toEqual({ source: 'operator', actor: 'test-operator', reason: 'big-data match: close contact' });
    expect(
      await count(
        'audit_log',
        "holder_id = ? and actor_type = 'operator' and actor = 'test-operator' and from_color = 'green' and to_color = 'red'",
        holder.holderId,
      ),
    ).toBe(1);
    expect(await count('revocations', 'revoked_before = ?', T0 + 120 + REVOCATION_MARGIN)).toBe(1);
    expect(await verifyAt(h, holder.token, await syncedRevocations(h))).toMatchObject({ ok: false, reason: 'token_revoked' });
  });

  it('upgrades without revoking anything', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    const revocationsBefore = await count('revocations');
    h.clock.t += 60;
    const res = await setStatus(h, holder.holderId, 'green', 'test negative, cleared');
    expect(await res.json()).toMatchObject({ changed: true, status: { color: 'green', since: T0 + 60 } });
    expect(await count('revocations')).toBe(revocationsBefore);
  });

  it('changes nothing when the holder already has that colour', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } });
    const res = await setStatus(h, holder.holderId, 'yellow');
    expect(await res.json()).toMatchObject({ changed: false, status: { color: 'yellow', since: T0 } });
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it('first records a rule release that had come due, then the operator change, in order', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } });
    for (let d = 0; d < 7; d++) {
      h.clock.t = T0 + d * DAY + 60;
      await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    }
    h.clock.t = T0 + 9 * DAY;
    await setStatus(h, holder.holderId, 'red', 'new exposure');
    const events = await holderDatabase(holder.holderId)
      .prepare('select at, color, source from status_events where holder_id = ? order by id')
      .bind(holder.holderId)
      .all();
    expect(events.results).toEqual([
      { at: T0, color: 'yellow', source: 'declaration' },
      { at: T0 + 7 * DAY, color: 'green', source: 'rule' },
      { at: T0 + 9 * DAY, color: 'red', source: 'operator' },
    ]);
  });

  it('refuses a bad body or holder id with 400, and an unknown holder with 404', async () => {
    const h = harness();
    const holder = await enrol(h);
    const badColor = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'blue', reason: 'x' },
      token: operatorToken(),
    });
    expect([badColor.status, badColor.body.error.message]).toEqual([400, 'color: Invalid option: expected one of "green"|"yellow"|"red".']);
    const noReason = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, { json: { color: 'red' }, token: operatorToken() });
    expect([noReason.status, noReason.body.error.message]).toEqual([400, 'reason: is required.']);
    const badId = await h.json('PUT', '/v1/admin/holders/NOT-AN-ID/status', {
      json: { color: 'red', reason: 'x' },
      token: operatorToken(),
    });
    expect([badId.status, badId.body.error.message]).toEqual([400, 'holderId: is not a holder id.']);
    const unknown = await h.json('PUT', '/v1/admin/holders/aaaaaaaaaaaaaaaa/status', {
      json: { color: 'red', reason: 'x' },
      token: operatorToken(),
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });
});

describe('GET /v1/admin/holders/{holderId}', () => {
  it('returns the current status, the recorded row and the full history', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    h.clock.t += 3600;
    await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 36.5 }, token: holder.secret });
    h.clock.t += 60;
    await setStatus(h, holder.holderId, 'yellow', 'reviewed');
    const { status, body } = await h.json('GET', `/v1/admin/holders/${holder.holderId}`, { token: operatorToken() });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      holderId: holder.holderId,
      maskedName: 'Z* S*',
      status: { color: 'yellow', since: T0 + 3660, checkinsDone: 0, checkinsRequired: 7 },
      recorded: { color: 'yellow', since: T0 + 3660, version: 2 },
      events: [
        { at: T0, color: 'red', source: 'declaration', actor: 'holder' },
        { at: T0 + 3660, color: 'yellow', source: 'operator', actor: 'test-operator', reason: 'reviewed' },
      ],
      checkins: [{ day: '2026-03-01', at: T0 + 3600, symptoms: false, temperature: 36.5 }],
    });
  });
});

describe('GET /v1/admin/audit', () => {
  it('pages newest first with a cursor until there is no next page', async () => {
    const h = harness();
    const holder = await enrol(h);
    for (const color of ['yellow', 'red', 'green', 'red']) {
      h.clock.t += 10;
      await setStatus(h, holder.holderId, color);
    }
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null && pages < 10) {
      const page: { body: { entries: { id: number }[]; nextCursor: string | null } } = await h.json(
        'GET',
        `/v1/admin/audit?holderId=${holder.holderId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: auditorToken() },
      );
      const body = page.body;
      seen.push(...body.entries.map((e) => e.id));
      cursor = body.nextCursor;
      pages++;
    }
    expect(seen).toHaveLength(5); // enrolment + four changes
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(pages).toBe(3);
    const { body } = await h.json('GET', `/v1/admin/audit?holderId=${holder.holderId}&actorType=operator`, { token: auditorToken() });
    expect(body.entries.map((e: { to: string }) => e.to)).toEqual(['red', 'green', 'red', 'yellow']);
  });

  it('refuses unknown or malformed query parameters', async () => {
    const h = harness();
    for (const query of ['limit=0', 'limit=500', 'cursor=abc', 'actorType=robot', 'page=2']) {
      const { status, body } = await h.json('GET', `/v1/admin/audit?${query}`, { token: auditorToken() });
      expect([query, status, body.error.code]).toEqual([query, 400, 'validation_failed']);
    }
  });
});
