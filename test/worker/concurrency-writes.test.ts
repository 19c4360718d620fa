import { describe, expect, it } from 'vitest';
import { REVOCATION_MARGIN } from './fixtures.ts';
import {
  allDatabaseNames,
  allDatabases,
  count,
  type Enrolled,
  enrol,
  type Harness,
  harness,
  holderDatabase,
  NO_SYMPTOMS,
  operatorToken,
  setStatus,
} from './helpers.ts';

type Color = 'green' | 'yellow' | 'red';
/** The order of strictness (docs/api.md): a move up this list is a downgrade and revokes. */
const STRICTNESS: Record<Color, number> = { green: 0, yellow: 1, red: 2 };

interface EventRow {
  id: number;
  at: number;
  color: Color;
  source: string;
  reason: string;
}
interface AuditRow {
  id: number;
  action: string;
  from_color: Color | null;
  to_color: Color;
  reason: string;
  detail: string | null;
}

async function historyOf(holderId: string) {
  const holder = await holderDatabase(holderId)
    .prepare('select color, since, status_version, revocation_cuts from holders where id = ?')
    .bind(holderId)
    .first<{ color: Color; since: number; status_version: number; revocation_cuts: string | null }>();
  const events = (
    await holderDatabase(holderId)
      .prepare('select id, at, color, source, reason from status_events where holder_id = ? order by id')
      .bind(holderId)
      .all<EventRow>()
  ).results;
  // Every status step writes one audit row with a to_color (a secret rotation has none).
  const audit = (
    await holderDatabase(holderId)
      .prepare(
        'select id, action, from_color, to_color, reason, detail from audit_log where holder_id = ? and to_color is not null order by id',
      )
      .bind(holderId)
      .all<AuditRow>()
  ).results;
  // The cuts the holder row keeps (the feed rows carry no holder): written with the status they belong to.
  const revocations = (JSON.parse(holder!.revocation_cuts ?? '[]') as number[]).map((cut) => ({ revoked_before: cut }));
  return { holder: holder!, events, audit, revocations };
}

/**
 * The holder row, its events, its audit rows and its revocations tell one story: the row is the
 * latest event, the version counts the events, every event has exactly one audit row naming the
 * colour it left, and exactly the downgrades have a revocation at their time + margin.
 */
async function expectConsistent(holderId: string): Promise<Awaited<ReturnType<typeof historyOf>>> {
  const h = await historyOf(holderId);
  const last = h.events.at(-1)!;
  expect({ color: h.holder.color, since: h.holder.since, version: h.holder.status_version }).toEqual({
    color: last.color,
    since: last.at,
    version: h.events.length,
  });
  expect(h.audit.map((a) => [a.to_color, a.reason])).toEqual(h.events.map((e) => [e.color, e.reason]));
  const downgrades: number[] = [];
  for (let i = 1; i < h.events.length; i++) {
    const [before, after] = [h.events[i - 1]!, h.events[i]!];
    expect(h.audit[i]!.from_color).toBe(before.color);
    expect(after.at).toBeGreaterThan(before.at);
    expect(after.color).not.toBe(before.color);
    if (STRICTNESS[after.color] > STRICTNESS[before.color]) downgrades.push(after.at + REVOCATION_MARGIN);
  }
  expect(h.revocations.map((r) => r.revoked_before)).toEqual(downgrades);
  return h;
}

const COLORS: Color[] = ['red', 'yellow', 'green'];

describe('50 concurrent status changes on one holder', () => {
  // All at once: every request reads the same row and all but one lose the first race. Staggered
  // by 0-9 ms: reads and writes of different requests interleave in every order.
  it.each([
    ['arriving all at once', (_i: number) => 0],
    ['arriving staggered', (i: number) => (i * 3) % 10],
  ])(
    '%s, apply each change exactly once or not at all, with no lost update, and leave a state the audit log explains',
    async (_pattern, delayOf) => {
      const h = harness();
      const holder = await enrol(h);
      h.clock.t += 60;
      const requests = Array.from({ length: 50 }, (_, i) => ({ color: COLORS[(i * 7) % 3]!, reason: `change ${i}` }));
      const responses = await Promise.all(
        requests.map(async (r, i) => {
          if (delayOf(i) > 0) await new Promise((resolve) => setTimeout(resolve, delayOf(i)));
          return h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, { json: r, token: operatorToken() });
        }),
      );

      const outcome = responses.map((r) =>
        r.status === 200 ? (r.body.changed ? 'changed' : 'unchanged') : `${r.status} ${r.body.error.code}`,
      );
      // A lost race is retried from a fresh read; past three attempts the client is told to retry.
      for (const o of outcome) expect(['changed', 'unchanged', '409 conflict']).toContain(o);
      const history = await expectConsistent(holder.holderId);
      const operatorReasons = history.events.filter((e) => e.source === 'operator').map((e) => e.reason);
      const changed = requests.filter((_, i) => outcome[i] === 'changed').map((r) => r.reason);
      // Exactly the requests answered "changed" are in the log, each once; the others left no trace.
      expect([...operatorReasons].sort()).toEqual([...changed].sort());
      expect(new Set(operatorReasons).size).toBe(operatorReasons.length);
      expect(history.events).toHaveLength(1 + changed.length);
      expect(changed.length).toBeGreaterThan(1); // the test really interleaved writers
      // Each answer that reported a status reported one the holder really passed through.
      for (const [i, r] of responses.entries()) {
        if (outcome[i] === 'changed') expect(r.body.status.color).toBe(requests[i]!.color);
      }
    },
  );

  it('keeps the log consistent when check-ins, operator changes and a re-enrolment race', async () => {
    const h = harness();
    const holder = await enrol(h);
    h.clock.t += 60;
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      work.push(setStatus(h, holder.holderId, COLORS[i % 3]!, `op ${i}`));
      if (i % 5 === 0) work.push(h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: true }, token: holder.secret }));
    }
    // A sign-in on another device at the same moment (the callback's domain step).
    work.push(enrol(h, { idNumber: holder.idNumber, declaration: { ...NO_SYMPTOMS, contactWithCase: true } }));
    await Promise.all(work);
    await expectConsistent(holder.holderId);
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBeLessThanOrEqual(1);
  });
});

describe('overlapping imports', () => {
  async function importCsv(h: Harness, rows: string[]) {
    return h.json('POST', '/v1/admin/holders/import', {
      body: ['idNumber,color,reason', ...rows].join('\n'),
      contentType: 'text/csv',
      token: operatorToken(),
    });
  }

  it('end with every holder consistent, every row accounted for, and each applied row logged once under its own import', async () => {
    const h = harness();
    const holders: Enrolled[] = [];
    for (let i = 0; i < 60; i++) holders.push(await enrol(h));
    h.clock.t += 60;
    // Three files over overlapping ranges, each more than one write batch, plus operator changes.
    const plan: [number, number, Color][] = [
      [0, 40, 'red'],
      [20, 60, 'yellow'],
      [10, 50, 'green'],
    ];
    const files = plan.map(([from, to, color], f) => holders.slice(from, to).map((x) => `${x.idNumber},${color},file ${f}`));
    const [reports, ops] = await Promise.all([
      Promise.all(files.map((rows) => importCsv(h, rows))),
      Promise.all(holders.filter((_, i) => i % 7 === 0).map((x) => setStatus(h, x.holderId, 'red', 'operator during imports'))),
    ]);

    for (const [f, r] of reports.entries()) {
      expect(r.status).toBe(200);
      expect(r.body.applied + r.body.unchanged + r.body.pending + r.body.rejected.length).toBe(files[f]!.length);
      expect(r.body.pending).toBe(0);
    }
    for (const res of ops) expect([200, 409]).toContain(res.status);

    const perImport = new Map<string, number>();
    for (const x of holders) {
      const history = await expectConsistent(x.holderId);
      for (const a of history.audit.filter((row) => row.action === 'status.import')) {
        const id = (JSON.parse(a.detail!) as { importId: string }).importId;
        perImport.set(id, (perImport.get(id) ?? 0) + 1);
      }
      // Every import row that changed this holder carries its file's reason, once.
      const importReasons = history.events.filter((e) => e.source === 'import').map((e) => e.reason);
      expect(new Set(importReasons).size).toBe(importReasons.length);
    }
    // Each import's "applied" is exactly the number of changes logged under its id.
    expect(Object.fromEntries(reports.map((r) => [r.body.importId, r.body.applied]))).toEqual(
      Object.fromEntries(reports.map((r) => [r.body.importId, perImport.get(r.body.importId) ?? 0])),
    );
  });
});

describe('a status change commits whole or not at all', () => {
  /** Makes D1 abort any insert into (or update of) `table` until the returned function runs. */
  async function injectFault(table: string, when = '1'): Promise<() => Promise<void>> {
    const name = `fault_${table}_${crypto.randomUUID().replaceAll('-', '')}`;
    const event = table === 'holders' ? 'UPDATE' : 'INSERT';
    // On every database: the holder's own is the one its status change writes to.
    for (const d1 of allDatabases())
      await d1
        .prepare(`create trigger ${name} before ${event} on ${table} when ${when} begin select raise(abort, 'injected fault'); end`)
        .run();
    return async () => {
      for (const d1 of allDatabases()) await d1.prepare(`drop trigger ${name}`).run();
    };
  }

  const snapshot = async (holderId: string) => {
    const h = await historyOf(holderId);
    return { ...h, checkins: await count('checkins', 'holder_id = ?', holderId) };
  };

  it.each(['holders', 'status_events', 'audit_log', 'revocation_outbox'])(
    'writes no row of an operator downgrade when the %s statement of its batch fails, and writes all of them once it can',
    async (table) => {
      const h = harness();
      const holder = await enrol(h);
      h.clock.t += 60;
      const before = await snapshot(holder.holderId);
      const heal = await injectFault(table);
      const failed = await setStatus(h, holder.holderId, 'red', 'during the fault');
      await heal();
      expect(failed.status).toBe(500);
      expect(await snapshot(holder.holderId)).toEqual(before);
      // The same change, retried, lands whole: one event, one audit row, one revocation.
      expect((await setStatus(h, holder.holderId, 'red', 'after the fault')).status).toBe(200);
      const after = await expectConsistent(holder.holderId);
      expect(after.events.map((e) => e.reason)).toEqual([before.events[0]!.reason, 'after the fault']);
      expect(after.revocations).toHaveLength(1);
    },
  );

  it.each(['revocation_outbox', 'checkins'])(
    'writes neither the check-in nor the yellow it causes when the %s statement fails',
    async (table) => {
      const h = harness();
      const holder = await enrol(h);
      h.clock.t += 60;
      const before = await snapshot(holder.holderId);
      const heal = await injectFault(table);
      const failed = await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: true }, token: holder.secret });
      await heal();
      expect(failed.status).toBe(500);
      expect(await snapshot(holder.holderId)).toEqual(before);
    },
  );

  it('when one holder database fails mid-import, reports exactly the rows not applied, applies every other database, and a re-run finishes the job', async () => {
    const h = harness();
    const holders: Enrolled[] = [];
    for (let i = 0; i < 140; i++) holders.push(await enrol(h));
    h.clock.t += 60;
    const csv = ['idNumber,color,reason', ...holders.map((x) => `${x.idNumber},red,batch fault`)].join('\n');
    const lineOf = (x: Enrolled) => holders.indexOf(x) + 2; // line 1 is the header
    // The database holding the most of them (at least 35 of 140 over 4), and its holders in file order.
    const byDatabase = new Map<D1Database, Enrolled[]>();
    for (const x of holders) byDatabase.set(holderDatabase(x.holderId), [...(byDatabase.get(holderDatabase(x.holderId)) ?? []), x]);
    const [failing, theirs] = [...byDatabase].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(theirs.length).toBeGreaterThan(26);
    // Its 27th holder sits in its second write batch (25 holders a batch): that batch fails, at the
    // outbox row of that holder's feed entry (the 27th this import writes there; the rows name no holder).
    const now = h.clock.t;
    const earlier = (await failing
      .prepare('select count(*) as n from revocation_outbox where created_at = ?')
      .bind(now)
      .first<{ n: number }>())!.n;
    const trigger = `fault_outbox_${crypto.randomUUID().replaceAll('-', '')}`;
    await failing
      .prepare(
        `create trigger ${trigger} before insert on revocation_outbox when new.created_at = ${now} and (select count(*) from revocation_outbox where created_at = ${now}) = ${earlier + 26} begin select raise(abort, 'injected fault'); end`,
      )
      .run();
    const heal = async () => {
      await failing.prepare(`drop trigger ${trigger}`).run();
    };
    const failed = await h.call('POST', '/v1/admin/holders/import', { body: csv, contentType: 'text/csv', token: operatorToken() });
    await heal();
    expect(failed.status).toBe(503);
    const report = (await failed.json()) as {
      error: { code: string; message: string };
      applied: number;
      notApplied: { line: number; database: string }[];
    };
    expect(report.error.code).toBe('import_incomplete');
    const name = allDatabaseNames()[allDatabases().indexOf(failing)]!;
    expect(report.error.message).toContain(name);
    // Exactly its rows from the failed batch on: the first batch of that database committed whole.
    const notApplied = theirs.slice(25);
    expect(report.notApplied).toEqual(notApplied.map((x) => ({ line: lineOf(x), database: name })));
    expect(report.applied).toBe(holders.length - notApplied.length);
    for (const x of holders) {
      const history = await expectConsistent(x.holderId);
      expect(history.events.length, `line ${lineOf(x)}`).toBe(notApplied.includes(x) ? 1 : 2);
    }
    h.clock.t += 60;
    const rerun = await h.json('POST', '/v1/admin/holders/import', { body: csv, contentType: 'text/csv', token: operatorToken() });
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({
      applied: notApplied.length,
      unchanged: holders.length - notApplied.length,
      pending: 0,
      rejected: [],
      notApplied: [],
    });
    for (const x of holders) expect((await expectConsistent(x.holderId)).events).toHaveLength(2);
  });
});
