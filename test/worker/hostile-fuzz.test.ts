// Property tests over the HTTP surface ("nothing crashes, nothing is lost, nobody gets
// in"): random JSON, random bytes, random CSV and random query strings at every route that reads
// input. The Worker must never answer 5xx, must always answer JSON errors with a stable code, and
// a refused request must change nothing. Case counts scale with FUZZ_RUNS (npm run fuzz).
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { count, type Enrolled, enrol, type Harness, harness, operatorToken } from './helpers.ts';

const RUNS = Number(env.FUZZ_RUNS ?? '40');
// About 10 ms a case; long fuzz runs need room.
vi.setConfig({ testTimeout: 30_000 + RUNS * 3 * 50 });
const TABLES = ['holders', 'status_events', 'audit_log', 'revocations', 'checkins', 'trust_lists'];
const fingerprint = () => Promise.all(TABLES.map((t) => count(t)));
const ERROR_CODE = /^[a-z]+(_[a-z]+)*$/;

let h: Harness;
let holder: Enrolled;
beforeAll(async () => {
  h = harness();
  holder = await enrol(h);
});

/** Sends a request and checks the answer's envelope; returns the status. */
async function send(method: string, path: string, o: Parameters<Harness['call']>[2]): Promise<number> {
  const res = await h.call(method, path, o);
  // Successful answers may be binary (the feed); only errors are read as text.
  let text = '';
  if (res.status >= 400) text = await res.text();
  else await res.arrayBuffer();
  expect(res.status, `${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toMatch(ERROR_CODE);
    expect(typeof body.error.message).toBe('string');
  }
  return res.status;
}

const JSON_ROUTES = () => [
  { method: 'POST', path: '/v1/holders/me/checkins', token: holder.secret },
  { method: 'PUT', path: `/v1/admin/holders/${holder.holderId}/status`, token: operatorToken() },
];

/** A body that is often nearly valid: the real fields, each sometimes replaced by anything. */
const nearlyValid = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 120 }), fc.jsonValue()),
    idNumber: fc.oneof(fc.stringMatching(/^[0-9A-Za-z -]{0,40}$/), fc.jsonValue()),
    phone: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()),
    declaration: fc.oneof(
      fc.record({ symptoms: fc.jsonValue(), contactWithCase: fc.boolean(), fromHighRiskArea: fc.boolean() }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
    symptoms: fc.oneof(fc.boolean(), fc.jsonValue()),
    temperature: fc.oneof(fc.double(), fc.integer(), fc.jsonValue()),
    color: fc.oneof(fc.constantFrom('green', 'yellow', 'red', 'Red', 'blue', ''), fc.jsonValue()),
    reason: fc.oneof(fc.string({ maxLength: 600 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

describe('random input at every route', () => {
  it('never answers 5xx to random JSON or nearly valid bodies, and a refusal changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES()), fc.oneof(fc.jsonValue(), nearlyValid), async (route, value) => {
        const before = await fingerprint();
        const status = await send(route.method, route.path, {
          body: JSON.stringify(value),
          contentType: 'application/json',
          token: route.token,
        });
        if (status >= 400) expect(await fingerprint()).toEqual(before);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('never answers 5xx to random bytes under any media type', async () => {
    const routes = [
      ...JSON_ROUTES(),
      { method: 'POST', path: '/v1/auth/start', token: undefined },
      { method: 'POST', path: '/v1/admin/holders/import', token: operatorToken() },
      { method: 'PUT', path: '/v1/admin/trust-list', token: operatorToken() },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom(
          'application/json',
          'text/csv',
          'application/x-ndjson',
          'application/cose',
          'text/plain',
          'application/json; charset=latin1',
        ),
        async (route, bytes, type) => {
          const before = await fingerprint();
          const status = await send(route.method, route.path, { body: bytes, contentType: type, token: route.token });
          if (status >= 400) expect(await fingerprint()).toEqual(before);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('accounts for every non-blank line of a random CSV import, or refuses the file whole', async () => {
    const cell = fc.oneof(
      fc.constantFrom(holder.idNumber, '12345', 'green', 'yellow', 'red', '', 'reason', '"', '""', '"a,b"', ' ', '\u0000', '\ufeff'),
      fc.string({ maxLength: 30 }),
    );
    const line = fc.array(cell, { maxLength: 5 }).map((cells) => cells.join(','));
    const file = fc.tuple(
      fc.constantFrom('idNumber,color,reason', 'color,reason,idNumber', 'idNumber,color', ''),
      fc.array(line, { maxLength: 40 }),
      fc.constantFrom('\n', '\r\n'),
    );
    await fc.assert(
      fc.asyncProperty(file, async ([header, lines, eol]) => {
        const text = [header, ...lines].join(eol);
        const res = await h.call('POST', '/v1/admin/holders/import', { body: text, contentType: 'text/csv', token: operatorToken() });
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) return;
        const report = (await res.json()) as { applied: number; unchanged: number; pending: number; rejected: unknown[] };
        // Counted here without the Worker's parser: non-blank lines after the first non-blank one.
        const nonBlank = text
          .replace(/^\ufeff/, '')
          .split(/\r?\n/)
          .filter((l) => l.trim() !== '');
        expect(report.applied + report.unchanged + report.pending + report.rejected.length).toBe(nonBlank.length - 1);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('never answers 5xx to random query strings and path parameters', async () => {
    const paths = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => `/v1/revocations?since=${encodeURIComponent(s)}`),
      fc.string({ maxLength: 60 }).map((s) => `/v1/revocations?${encodeURIComponent(s)}=1`),
      fc
        .tuple(fc.constantFrom('cursor', 'limit', 'holderId', 'actorType', 'other'), fc.string({ maxLength: 60 }))
        .map(([k, v]) => `/v1/admin/audit?${k}=${encodeURIComponent(v)}`),
      fc.string({ maxLength: 60 }).map((s) => `/v1/admin/holders/${encodeURIComponent(s)}`),
      fc.string({ maxLength: 60 }).map((s) => `/v1/${encodeURIComponent(s)}`),
    );
    await fc.assert(
      fc.asyncProperty(paths, async (path) => {
        await send('GET', path, { token: operatorToken() });
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('never lets a random bearer credential in', async () => {
    // Anything a header can carry (visible ASCII and spaces).
    const credential = fc.oneof(
      fc.stringMatching(/^[\x20-\x7e]{0,300}$/),
      fc.base64String({ maxLength: 64 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    );
    await fc.assert(
      fc.asyncProperty(credential, fc.constantFrom('/v1/holders/me/token', '/v1/admin/audit'), async (secret, path) => {
        const res = await h.call('GET', path, { headers: { authorization: `Bearer ${secret}` } });
        expect(res.status).toBe(secret === holder.secret || secret === operatorToken() ? 200 : 401);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
