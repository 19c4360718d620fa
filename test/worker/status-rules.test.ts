// The status rules through the HTTP API of the real Worker on a real local D1, with a pinned
// clock (docs/status-rules.md): fevers during isolation, re-exposure, exposure times, key-people
// rows for people not enrolled yet, finding a holder, and an import as one audited unit.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { configFor } from '../../worker/config.ts';
import { openDb } from '../../worker/db/client.ts';
import { findHolderById } from '../../worker/db/holders.ts';
import { keepPending } from '../../worker/import/pending.ts';
import worker from '../../worker/index.ts';
import { EXPOSED_AT_FORMAT } from '../../worker/schemas.ts';
import { applyLatePending } from '../../worker/status/pending.ts';
import { DAY, REVOCATION_MARGIN, T0 } from './fixtures.ts';
import {
  auditorToken,
  count,
  enrol,
  everyDatabase,
  type Harness,
  harness,
  holderDatabase,
  holderDb,
  NO_SYMPTOMS,
  newIdNumber,
  operatorToken,
  syncedRevocations,
  testFeedWriter,
  verifyAt,
} from './helpers.ts';

const iso = (s: string) => Date.parse(s) / 1000;

async function runCronAt(seconds: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: seconds * 1000, cron: '*/15 * * * *' }), env);
  await waitOnExecutionContext(ctx);
}

const checkIn = (h: Harness, secret: string, json: Record<string, unknown>) =>
  h.json('POST', '/v1/holders/me/checkins', { json, token: secret });
const tokenStatus = async (h: Harness, secret: string) => (await h.json('GET', '/v1/holders/me/token', { token: secret })).body.status;
const importFile = (h: Harness, body: string, contentType = 'text/csv') =>
  h.json('POST', '/v1/admin/holders/import', { body, contentType, token: operatorToken() });
const ruleEvents = (holderId: string) => count('status_events', "holder_id = ? and source = 'rule'", holderId);

describe('a fever during isolation (docs/status-rules.md R3, R4)', () => {
  it('keeps a yellow holder yellow after 7 clean check-ins and a 38.5 °C one, and the cron does not release them', async () => {
    const h = harness(iso('2026-03-01T09:00:00+08:00'));
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } });
    expect(holder.status.color).toBe('yellow');
    for (let d = 0; d < 7; d++) {
      h.clock.t = iso('2026-03-01T20:00:00+08:00') + d * DAY;
      expect((await checkIn(h, holder.secret, { symptoms: false, temperature: 36.5 })).body.counted).toBe(true);
    }
    h.clock.t = iso('2026-03-08T08:00:00+08:00');
    const fever = await checkIn(h, holder.secret, { symptoms: false, temperature: 38.5 });
    expect(fever.status).toBe(201);
    expect(fever.body).toMatchObject({ counted: true, clean: false, status: { color: 'yellow', checkinsDone: 0, checkinsRequired: 7 } });
    h.clock.t = iso('2026-03-08T09:00:00+08:00');
    expect(await tokenStatus(h, holder.secret)).toMatchObject({ color: 'yellow', checkinsDone: 0 });
    await runCronAt(iso('2026-03-08T09:15:00+08:00'));
    expect(await ruleEvents(holder.holderId)).toBe(0);
    h.clock.t = iso('2026-03-08T21:00:00+08:00');
    expect((await tokenStatus(h, holder.secret)).color).toBe('yellow');
  });

  it('keeps a red holder red after 14 clean check-ins and a 39 °C one', async () => {
    const h = harness(iso('2026-03-01T09:00:00+08:00'));
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    expect(holder.status.color).toBe('red');
    for (let d = 0; d < 14; d++) {
      h.clock.t = iso('2026-03-01T20:00:00+08:00') + d * DAY;
      await checkIn(h, holder.secret, { symptoms: false });
    }
    h.clock.t = iso('2026-03-15T08:00:00+08:00');
    expect((await checkIn(h, holder.secret, { symptoms: false, temperature: 39 })).body.status).toMatchObject({
      color: 'red',
      checkinsDone: 0,
    });
    h.clock.t = iso('2026-03-15T09:00:00+08:00');
    expect((await tokenStatus(h, holder.secret)).color).toBe('red');
    await runCronAt(iso('2026-03-15T10:00:00+08:00'));
    expect(await ruleEvents(holder.holderId)).toBe(0);
  });
});

describe('re-exposure restarts isolation (C6)', () => {
  /** A red holder on day 13 with a clean check-in every day so far. */
  async function redOnDay13(h: Harness, idNumber = newIdNumber()) {
    const holder = await enrol(h, { idNumber, declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    for (let d = 0; d < 14; d++) {
      h.clock.t = T0 + d * DAY + 3600;
      await checkIn(h, holder.secret, { symptoms: false });
    }
    h.clock.t = T0 + 13 * DAY + 7200;
    return holder;
  }

  it('through the operator route: same colour with a new exposure restarts, revokes old tokens, and there is no green the next day', async () => {
    const h = harness();
    const holder = await redOnDay13(h);
    const before = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    const now = h.clock.t;
    const exposedAt = now - 2 * 3600;
    const res = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'new contact on train G7', exposedAt },
      token: operatorToken(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      changed: true,
      outcome: { kind: 'restart' },
      status: { color: 'red', since: now, isolationFrom: exposedAt },
    });
    expect(res.body.status.until).toBeGreaterThanOrEqual(exposedAt + 14 * DAY);
    expect(
      await count('audit_log', "holder_id = ? and action = 'status.restart' and from_color = 'red' and to_color = 'red'", holder.holderId),
    ).toBe(1);
    expect(await count('revocations', 'revoked_before = ?', now + REVOCATION_MARGIN)).toBe(1);
    expect(await verifyAt(h, before.body.token, await syncedRevocations(h))).toMatchObject({ ok: false, reason: 'token_revoked' });
    // The old isolation would have ended at T0 + 14 days; the restart carries it on.
    h.clock.t = T0 + 14 * DAY + 7200;
    await checkIn(h, holder.secret, { symptoms: false });
    expect((await tokenStatus(h, holder.secret)).color).toBe('red');
    await runCronAt(T0 + 14 * DAY + 3 * 3600);
    expect(await ruleEvents(holder.holderId)).toBe(0);
  });

  it('through an import row with an exposure time, and a re-run of the file changes nothing more', async () => {
    const h = harness();
    const holder = await redOnDay13(h);
    const csv = `idNumber,exposedAt,color,reason\n${holder.idNumber},${new Date((h.clock.t - 3600) * 1000).toISOString()},red,list B\n`;
    expect((await importFile(h, csv)).body).toMatchObject({ applied: 1, unchanged: 0, pending: 0, rejected: [] });
    const events = await count('status_events', 'holder_id = ?', holder.holderId);
    h.clock.t += 600;
    expect((await importFile(h, csv)).body).toMatchObject({ applied: 0, unchanged: 1 });
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(events);
    h.clock.t = T0 + 14 * DAY + 7200;
    expect((await tokenStatus(h, holder.secret)).color).toBe('red');
  });

  it('through a re-declaration reporting a new contact', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    await redOnDay13(h, idNumber);
    const now = h.clock.t;
    const again = await enrol(h, { idNumber, declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    expect(again.status).toMatchObject({ color: 'red', since: now });
    h.clock.t = T0 + 14 * DAY + 7200;
    expect((await tokenStatus(h, again.secret)).color).toBe('red');
  });

  it('but a re-declaration of nothing never makes a red holder milder (C9)', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    const holder = await redOnDay13(h, idNumber);
    const again = await enrol(h, { idNumber, declaration: NO_SYMPTOMS });
    expect(again.status).toMatchObject({ color: 'red', since: T0 });
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it('but setting the same colour without an exposure time changes nothing, and says why', async () => {
    const h = harness();
    const holder = await redOnDay13(h);
    const res = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'again' },
      token: operatorToken(),
    });
    expect(res.body).toMatchObject({ changed: false, outcome: { kind: 'unchanged', why: 'same_status' } });
  });
});

describe('exposure times (C1, C3, C4, C5)', () => {
  it('counts isolation from the exposure given in an NDJSON row, not from the import', async () => {
    const h = harness();
    const holder = await enrol(h);
    h.clock.t += 5 * DAY;
    const exposedAt = T0 + 2 * DAY;
    const row = JSON.stringify({ idNumber: holder.idNumber, color: 'red', reason: 'contact', exposedAt });
    expect((await importFile(h, `${row}\n`, 'application/x-ndjson')).body).toMatchObject({ applied: 1 });
    const view = await h.json('GET', `/v1/admin/holders/${holder.holderId}`, { token: auditorToken() });
    expect(view.body.status).toMatchObject({ color: 'red', since: T0 + 5 * DAY, isolationFrom: exposedAt });
    expect(view.body.events.at(-1)).toMatchObject({ source: 'import', exposedAt });
    // With a check-in every day from now, green comes after 14 days of check-ins; the isolation
    // itself (from the exposure) would have ended 3 days earlier.
    expect(view.body.status.until).toBe(iso('2026-03-19T00:00:00+08:00'));
  });

  it('refuses an exposure in the future or older than 14 days, row by row and on the operator route', async () => {
    const h = harness(T0 + 30 * DAY);
    const holder = await enrol(h);
    const now = h.clock.t;
    const csv = [
      'idNumber,color,reason,exposedAt',
      `${holder.idNumber},red,future,${now + 60}`,
      `${newIdNumber()},red,too old,${new Date((now - 15 * DAY) * 1000).toISOString()}`,
      `${newIdNumber()},red,not a date,yesterday`,
    ].join('\n');
    const { body } = await importFile(h, csv);
    expect(body).toMatchObject({ applied: 0, pending: 0 });
    expect(body.rejected).toEqual([
      { line: 2, error: 'exposedAt: exposedAt is in the future' },
      { line: 3, error: 'exposedAt: exposedAt is older than the policy allows' },
      { line: 4, error: `exposedAt: ${EXPOSED_AT_FORMAT}.` },
    ]);
    const put = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'x', exposedAt: now + 60 },
      token: operatorToken(),
    });
    expect([put.status, put.body.error.code, put.body.error.message]).toEqual([400, 'validation_failed', 'exposedAt is in the future.']);
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it('leaves a holder whose implied isolation is already over as they are, and the audit says why', async () => {
    const h = harness(T0 + 30 * DAY);
    const holder = await enrol(h);
    const exposedAt = h.clock.t - 10 * DAY; // yellow isolates 7 days: over 3 days ago
    const res = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'yellow', reason: 'travel list', exposedAt },
      token: operatorToken(),
    });
    expect(res.body).toMatchObject({ changed: false, outcome: { kind: 'lapsed' }, status: { color: 'green' } });
    const audit = await holderDatabase(holder.holderId)
      .prepare("select actor, from_color, to_color, reason from audit_log where holder_id = ? and action = 'status.exposure_lapsed'")
      .bind(holder.holderId)
      .first<{ reason: string }>();
    expect(audit).toMatchObject({ actor: 'test-operator', from_color: 'green', to_color: 'green' });
    expect(audit!.reason).toMatch(/^travel list \(not applied: the yellow isolation this exposure implies ended at /);
  });
});

describe('key-people rows for people not enrolled yet', () => {
  it('keeps a row as pending under the keyed hash, applies it when the person enrols, so they never start green', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    const csv = `idNumber,color,reason\n${idNumber},red,close contact list A\n`;
    const first = await importFile(h, csv);
    expect(first.body).toMatchObject({ applied: 0, unchanged: 0, pending: 1, rejected: [] });
    const kept = await everyDatabase('select * from pending_statuses where import_id = ?', first.body.importId);
    expect(kept).toHaveLength(1);
    expect(JSON.stringify(kept)).not.toContain(idNumber);
    // A re-run is a no-op: nothing but its own summary is written.
    h.clock.t += 3600;
    const rerun = await importFile(h, csv);
    expect(rerun.body).toMatchObject({ pending: 1 });
    expect(await count('audit_log', "import_id = ? and action <> 'import.run'", rerun.body.importId)).toBe(0);
    expect(await count('pending_statuses', 'import_id = ?', first.body.importId)).toBe(1);
    // The person enrols the next day declaring nothing: red, isolating from the list's time.
    h.clock.t = T0 + DAY;
    const holder = await enrol(h, { idNumber });
    expect(holder.status).toMatchObject({ color: 'red', until: T0 + 14 * DAY });
    expect(await count('pending_statuses', 'import_id = ?', first.body.importId)).toBe(0);
    expect(
      await count(
        'audit_log',
        "holder_id = ? and action = 'import.pending_applied' and import_id = ?",
        holder.holderId,
        first.body.importId,
      ),
    ).toBe(1);
    const events = await holderDatabase(holder.holderId)
      .prepare('select color, source, reason, exposed_at from status_events where holder_id = ? order by at')
      .bind(holder.holderId)
      .all();
    expect(events.results).toEqual([
      { color: 'green', source: 'declaration', reason: 'declaration: nothing to report', exposed_at: null },
      { color: 'red', source: 'import', reason: 'close contact list A', exposed_at: T0 },
    ]);
  });

  it('lets a later row supersede an earlier one (audited), and a green row clear it', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    const first = await importFile(h, `idNumber,color,reason\n${idNumber},yellow,list A\n`);
    h.clock.t += 60;
    const second = await importFile(h, `idNumber,color,reason\n${idNumber},red,list B\n`);
    expect(second.body.pending).toBe(1);
    expect(await count('audit_log', "action = 'import.pending_superseded' and import_id = ?", second.body.importId)).toBe(1);
    expect(await count('pending_statuses', 'import_id = ?', first.body.importId)).toBe(0);
    expect((await everyDatabase('select color, reason from pending_statuses where import_id = ?', second.body.importId))[0]).toEqual({
      color: 'red',
      reason: 'list B',
    });
    h.clock.t += 60;
    const cleared = await importFile(h, `idNumber,color,reason\n${idNumber},green,list B was wrong\n`);
    expect(cleared.body.pending).toBe(1);
    expect(await count('pending_statuses', 'import_id = ?', second.body.importId)).toBe(0);
    expect(await count('audit_log', "action = 'import.pending_cleared' and import_id = ?", cleared.body.importId)).toBe(1);
    expect((await enrol(h, { idNumber })).status.color).toBe('green');
  });

  it('lets a stricter declaration win over a milder pending row', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    await importFile(h, `idNumber,color,reason\n${idNumber},yellow,list A\n`);
    const holder = await enrol(h, { idNumber, declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    expect(holder.status.color).toBe('red');
    expect(await count('audit_log', "holder_id = ? and action = 'import.pending_dropped'", holder.holderId)).toBe(1);
  });

  it('expires a pending row once its isolation is over: the cron prunes it and a late enrolment starts green', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    const list = await importFile(h, `idNumber,color,reason\n${idNumber},yellow,list A\n`);
    await runCronAt(T0 + 7 * DAY - 1);
    expect(await count('pending_statuses', 'import_id = ?', list.body.importId)).toBe(1);
    await runCronAt(T0 + 7 * DAY);
    expect(await count('pending_statuses', 'import_id = ?', list.body.importId)).toBe(0);
    h.clock.t = T0 + 7 * DAY + 60;
    expect((await enrol(h, { idNumber })).status.color).toBe('green');
  });
});

describe('operators find a holder', () => {
  it('by ID number and by a scanned code’s window index; an auditor may, and each lookup is audited without the ID number', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } });
    h.clock.t += 12 * 3600;
    await checkIn(h, holder.secret, { symptoms: false });
    const byId = await h.json('POST', '/v1/admin/holders/lookup', {
      json: { idNumber: ` ${holder.idNumber.toLowerCase()} ` },
      token: auditorToken(),
    });
    expect(byId.status).toBe(200);
    expect(byId.body.holder).toMatchObject({
      holderId: holder.holderId,
      status: { color: 'yellow', checkinsDone: 1, checkinsRequired: 7 },
      pending: [],
    });
    expect(byId.body.holder.run).toEqual([{ day: '2026-03-01', at: T0 + 12 * 3600, counted: true, note: 'clean' }]);
    // The code the holder showed at enrolment, read as a checkpoint reads it (the verifier's decoder).
    const claims = (await verifyAt(h, holder.token)).claims!;
    const code = { window: Math.floor(claims.iat / 21600), epoch: claims.revocationEpoch ?? 0, windowIndex: claims.windowIndex };
    const byCode = await h.json('POST', '/v1/admin/holders/lookup', { json: { code }, token: operatorToken() });
    expect(byCode.body.holder.holderId).toBe(holder.holderId);
    // Another index of the same window names someone else or nobody, never this holder.
    const other = await h.json('POST', '/v1/admin/holders/lookup', {
      json: { code: { ...code, windowIndex: (code.windowIndex + 1) % 1_000_000 } },
      token: operatorToken(),
    });
    expect(other.body.holder?.holderId).not.toBe(holder.holderId);
    // A window whose domain is gone (never fixed, or pruned) names nobody, even to the issuer.
    const unknown = await h.json('POST', '/v1/admin/holders/lookup', {
      json: { code: { ...code, window: code.window - 100 } },
      token: operatorToken(),
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const lookups = await holderDatabase(holder.holderId)
      .prepare("select actor, holder_id, detail from audit_log where action = 'holder.lookup' and holder_id = ? order by id")
      .bind(holder.holderId)
      .all<{
        actor: string;
        holder_id: string;
        detail: string;
      }>();
    expect(lookups.results.map((r) => [r.actor, r.holder_id, JSON.parse(r.detail).by])).toEqual([
      ['test-auditor', holder.holderId, 'idNumber'],
      ['test-operator', holder.holderId, 'code'],
    ]);
    const everything = JSON.stringify(await everyDatabase('select * from audit_log'));
    expect(everything).not.toContain(holder.idNumber);
  });

  it('answers 404 for nobody (still audited), shows pending list entries for a person not enrolled, and refuses a bad body', async () => {
    const h = harness();
    const nobody = await h.json('POST', '/v1/admin/holders/lookup', { json: { idNumber: newIdNumber() }, token: auditorToken() });
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'not_found']);
    expect(await count('audit_log', "action = 'holder.lookup' and holder_id is null and at = ?", h.clock.t)).toBe(1);
    const idNumber = newIdNumber();
    const imported = await importFile(h, `idNumber,color,reason\n${idNumber},red,list C\n`);
    const pending = await h.json('POST', '/v1/admin/holders/lookup', { json: { idNumber }, token: auditorToken() });
    expect(pending.body).toMatchObject({
      holder: null,
      pending: [{ color: 'red', reason: 'list C', importId: imported.body.importId, line: 2 }],
    });
    const code = { window: 1, epoch: 0, windowIndex: 5 };
    for (const json of [
      {},
      { sub: 'AAAAAAAA' },
      { idNumber, code },
      { code: { ...code, epoch: 16 } },
      { code: { ...code, windowIndex: 2 ** 32 } },
      { code: { ...code, window: -1 } },
      { code: { window: 1, windowIndex: 5 } },
    ]) {
      expect((await h.json('POST', '/v1/admin/holders/lookup', { json, token: auditorToken() })).status).toBe(400);
    }
  });
});

describe('an import as one unit', () => {
  it('has its own id, its row in imports, and the audit log lists everything it changed', async () => {
    const h = harness();
    const [a, b] = [await enrol(h), await enrol(h)];
    h.clock.t += 60;
    const csv = ['idNumber,color,reason', `${a.idNumber},red,x`, `${b.idNumber},yellow,y`, `${newIdNumber()},red,z`].join('\n');
    const { body } = await importFile(h, csv);
    expect(
      await env.DB.prepare('select actor, format, rows, applied, unchanged, pending, rejected from imports where id = ?')
        .bind(body.importId)
        .first(),
    ).toEqual({
      actor: 'test-operator',
      format: 'csv',
      rows: 3,
      applied: 2,
      unchanged: 0,
      pending: 1,
      rejected: 0,
    });
    const audit = await h.json('GET', `/v1/admin/audit?importId=${body.importId}`, { token: auditorToken() });
    expect(audit.body.entries.map((e: { action: string; holderId: string | null }) => [e.action, e.holderId]).sort()).toEqual(
      [
        ['import.pending', null],
        ['import.run', null],
        ['status.import', a.holderId],
        ['status.import', b.holderId],
      ].sort(),
    );
  });
});

describe('an import racing an enrolment never leaves a row pending for someone enrolled', () => {
  const policy = () => configFor(env).policy;
  const holderRow = async (holderId: string) => (await findHolderById(holderDb(holderId), holderId))!;

  it('does not keep a row for a person who enrolled after the import looked them up, and says so', async () => {
    const h = harness();
    const holder = await enrol(h);
    const row = await holderRow(holder.holderId);
    const ctx = {
      db: holderDb(holder.holderId),
      home: openDb(env.DB),
      done: new Set<number>(),
      policy: policy(),
      idHmacKey: new Uint8Array(32),
      now: h.clock.t,
      operator: 'test-operator',
      importId: 'raceraceraceracx',
      feed: testFeedWriter(h),
      onRevocation: () => {},
    };
    const outcomes = await keepPending(
      ctx,
      [{ row: { line: 2, idNumber: holder.idNumber, color: 'red', reason: 'late list' }, idHash: row.idHash }],
      new Map(),
    );
    expect(outcomes).toEqual(['enrolled']);
    expect(await count('pending_statuses', 'id_hash = ?', row.idHash)).toBe(0);
    expect(await count('audit_log', 'import_id = ?', 'raceraceraceracx')).toBe(0);
  });

  it('applies a row kept between the enrolment reading the list and creating the holder', async () => {
    const h = harness();
    const holder = await enrol(h);
    const row = await holderRow(holder.holderId);
    // As if the import had kept it just before the creation batch committed.
    await holderDatabase(holder.holderId)
      .prepare(
        "insert into pending_statuses (id_hash, color, reason, exposed_at, import_id, line, actor, created_at, expires_at) values (?, 'red', 'raced list', null, 'raceraceraceracy', 2, 'test-operator', ?, ?)",
      )
      .bind(row.idHash, h.clock.t, h.clock.t + 14 * DAY)
      .run();
    h.clock.t += 1;
    const late = await applyLatePending(holderDb(holder.holderId), policy(), h.clock.t, row, testFeedWriter(h));
    expect(late?.status.color).toBe('red');
    expect((await holderRow(holder.holderId)).color).toBe('red');
    expect(await count('pending_statuses', 'id_hash = ?', row.idHash)).toBe(0);
    expect(
      await count(
        'audit_log',
        "holder_id = ? and action = 'import.pending_applied' and import_id = ?",
        holder.holderId,
        'raceraceraceracy',
      ),
    ).toBe(1);
  });
});
