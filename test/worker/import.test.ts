// POST /v1/admin/holders/import: CSV and NDJSON, the report, idempotency, limits.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { REVOCATION_MARGIN, T0 } from './fixtures.ts';
import { count, enrol, type Harness, harness, holderDatabase, NO_SYMPTOMS, operatorToken } from './helpers.ts';

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
      '99999999999999999X,red,nobody enrolled',
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
