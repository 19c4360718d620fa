// POST /v1/admin/holders/import: CSV and NDJSON, the report, idempotency, limits.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../worker/import/parse.ts';
import { REVOCATION_MARGIN, T0 } from './fixtures.ts';
import { count, enrol, type Harness, harness, holderDatabase, NO_SYMPTOMS, newIdNumber, operatorToken } from './helpers.ts';

async function importFile(h: Harness, body: string, contentType = 'text/csv') {
  return h.json('POST', '/v1/admin/holders/import', { body, contentType, token: operatorToken() });
}

describe('importing key people', () => {
  it('applies a CSV, reports applied/unchanged/pending/rejected by line, and the counts add up to the rows', async () => {
    const h = harness();
    const [a, b, c] = [await enrol(h), await enrol(h), await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } })];
    h.clock.t += 60;
    const csv = [
      'idNumber,color,reason',
      `${a.idNumber},red,"close contact, train G123"`,
      `${b.idNumber.toLowerCase()},yellow,from high-risk area`, // normalised like enrolment
      `${c.idNumber},red,already red`,
      `${newIdNumber()},red,nobody enrolled`,
      `${a.idNumber.slice(0, 5)};,red,bad id`,
      `${a.idNumber},purple,bad colour`,
      '',
      'only,two',
      `${a.idNumber},green,second row for a`,
    ].join('\r\n');
    const { status, body } = await importFile(h, csv);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      applied: 2,
      unchanged: 1,
      pending: 1,
      rejected: [
        { line: 6, error: 'idNumber: must be 4-32 letters, digits or hyphens.' },
        { line: 7, error: 'color: Invalid option: expected one of "green"|"yellow"|"red".' },
        { line: 9, error: 'expected 3 fields, found 2' },
        { line: 10, error: 'duplicate idNumber (first on line 2)' },
      ],
    });
    expect(body.applied + body.unchanged + body.pending + body.rejected.length).toBe(8); // non-blank data lines
    const event = await holderDatabase(a.holderId)
      .prepare("select source, actor, reason from status_events where holder_id = ? and source = 'import'")
      .bind(a.holderId)
      .first();
    expect(event).toEqual({ source: 'import', actor: 'test-operator', reason: 'close contact, train G123' });
    expect(await count('audit_log', "holder_id = ? and actor_type = 'import' and to_color = 'yellow'", b.holderId)).toBe(1);
    expect(await count('revocations', 'revoked_before = ?', T0 + 60 + REVOCATION_MARGIN)).toBe(2);
    const summary = await env.DB.prepare("select actor, detail from audit_log where action = 'import.run' and detail like ?")
      .bind(`%${body.importId}%`)
      .first<{ detail: string }>();
    expect(JSON.parse(summary!.detail)).toMatchObject({ format: 'csv', rows: 8, applied: 2, unchanged: 1, pending: 1, rejected: 4 });
  });

  it('names a mistyped ID number by line and keeps nothing for it, where before it waited forever as a pending row', async () => {
    const h = harness();
    const holder = await enrol(h);
    // One digit of a real holder's number changed, so the GB 11643 check digit no longer matches:
    // the typo a list compiled by hand brings, and a number no one could ever sign in with.
    const typoDigit = holder.idNumber[16] === '0' ? '1' : '0';
    const typo = holder.idNumber.slice(0, 16) + typoDigit + holder.idNumber.slice(17);
    const notADate = `${holder.idNumber.slice(0, 10)}13${holder.idNumber.slice(12)}`;
    const pendingBefore = await count('pending_statuses');
    h.clock.t += 60;
    const csv = ['idNumber,color,reason', `${typo},red,close contact`, `${notADate},red,close contact`, 'ZZZZ-0001,red,x'].join('\n');
    const { status, body } = await importFile(h, csv);
    expect(status).toBe(200);
    expect(body).toMatchObject({ applied: 0, unchanged: 0, pending: 0 });
    expect(body.rejected).toEqual([
      { line: 2, error: 'idNumber: the check digit does not match the first 17 digits (GB 11643 §6.2); look for a typo.' },
      { line: 3, error: 'idNumber: not a resident ID number (GB 11643: 17 digits with a real birth date, then a digit or X).' },
      { line: 4, error: 'idNumber: not a resident ID number (GB 11643: 17 digits with a real birth date, then a digit or X).' },
    ]);
    expect(await count('pending_statuses')).toBe(pendingBefore);
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it('applies the deployment pattern rule instead when ID_NUMBER_FORMAT sets one', () => {
    const rule = { kind: 'pattern', pattern: /^P[0-9]{7}$/u } as const;
    const parsed = parseImport('idNumber,color,reason\np1234567,red,x\nP123,red,x\n', 'csv', 10, rule);
    expect(parsed.rows.map((r) => [r.line, r.idNumber])).toEqual([[2, 'P1234567']]);
    expect(parsed.rejected).toEqual([{ line: 3, error: 'idNumber: not an ID number this deployment accepts (ID_NUMBER_FORMAT).' }]);
  });

  it('refuses a malformed ID_NUMBER_FORMAT by name even with no identity provider, since imports apply it too', async () => {
    const h = harness();
    const broken = { ...env, OIDC_ISSUER: undefined, ID_NUMBER_FORMAT: '^[0-9]+$' };
    const { status, body } = await h.json('GET', '/healthz', { env: broken });
    expect([status, body.error.code]).toEqual([500, 'misconfigured']);
    expect(body.error.message).toContain('ID_NUMBER_FORMAT must be "gb11643" or "pattern:^...$"');
  });

  it('answers a lookup of a mistyped ID number with 400 naming the typo, not "not found"', async () => {
    const h = harness();
    const holder = await enrol(h);
    const typo = holder.idNumber.slice(0, 17) + (holder.idNumber[17] === '0' ? '1' : '0');
    const auditsBefore = await count('audit_log');
    const res = await h.json('POST', '/v1/admin/holders/lookup', { json: { idNumber: typo }, token: operatorToken() });
    expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    expect(res.body.error.message).toMatch(/check digit does not match/);
    expect(await count('audit_log')).toBe(auditsBefore);
  });

  it('changes nothing when the same file is imported again', async () => {
    const h = harness();
    const holders = [await enrol(h), await enrol(h), await enrol(h)];
    const ndjson = `${holders
      .map((x, i) => JSON.stringify({ idNumber: x.idNumber, color: i === 0 ? 'yellow' : 'red', reason: 'list 2026-03-01' }))
      .join('\n')}\n`;
    h.clock.t += 60;
    const first = await importFile(h, ndjson, 'application/x-ndjson');
    expect(first.body).toMatchObject({ applied: 3, unchanged: 0, pending: 0, rejected: [] });
    const snapshot = async () =>
      Promise.all(
        ['status_events', 'revocations', 'holders where status_version > 1'].map((t) =>
          count(t.split(' ')[0]!, t.includes('where') ? t.split(' where ')[1] : undefined),
        ),
      );
    const before = await snapshot();
    h.clock.t += 3600;
    const again = await importFile(h, ndjson, 'application/x-ndjson');
    expect(again.body).toMatchObject({ applied: 0, unchanged: 3, pending: 0, rejected: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('rejects NDJSON lines that are not objects with the three fields', async () => {
    const h = harness();
    const holder = await enrol(h);
    const lines = [
      JSON.stringify({ idNumber: holder.idNumber, color: 'red', reason: 'ok' }),
      '[1,2]',
      '{"idNumber": "1234", "color": "red"}',
      'not json',
      '{"idNumber":"12345","color":"red","reason":"x","extra":1}',
    ];
    const { body } = await importFile(h, lines.join('\n'), 'application/x-ndjson');
    expect(body.applied).toBe(1);
    expect(body.rejected).toEqual([
      { line: 2, error: 'each line must be a JSON object' },
      { line: 3, error: 'reason: is required.' },
      { line: 4, error: 'not valid JSON' },
      { line: 5, error: 'row: unknown field "extra".' },
    ]);
  });

  it('applies a file larger than one write batch', async () => {
    const h = harness();
    const holders = [];
    for (let i = 0; i < 30; i++) holders.push(await enrol(h));
    const csv = ['idNumber,color,reason', ...holders.map((x) => `${x.idNumber},yellow,more than one batch`)].join('\n');
    h.clock.t += 60;
    const { body } = await importFile(h, csv);
    expect(body).toMatchObject({ applied: 30, unchanged: 0 });
    expect(await count('status_events', "reason = 'more than one batch' and color = 'yellow' and at = ?", T0 + 60)).toBe(30);
  });

  it('refuses a bad header (400), an unknown media type (415) and a file over the limits (413), applying nothing', async () => {
    const h = harness();
    const holder = await enrol(h);
    const header = await importFile(h, `id,colour,why\n${holder.idNumber},red,x\n`);
    expect([header.status, header.body.error.message]).toEqual([
      400,
      'The CSV header must be idNumber,color,reason and optionally exposedAt (in any order).',
    ]);
    const json = await importFile(h, '[]', 'application/json');
    expect(json.status).toBe(415);
    const big = await importFile(h, `idNumber,color,reason\n${`${holder.idNumber},red,${'x'.repeat(400)}\n`.repeat(6000)}`);
    expect([big.status, big.body.error.code]).toEqual([413, 'payload_too_large']);
    const rows = await importFile(h, `idNumber,color,reason\n${'12345,red,x\n'.repeat(5001)}`);
    expect([rows.status, rows.body.error.message]).toEqual([413, 'An import holds at most 5000 rows; split the file.']);
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });
});
