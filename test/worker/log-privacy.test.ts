// Logs never carry query parameters or personal data, not even hashed (docs/operations.md
// "Logs"). A D1 failure is forced under real routes; every value the request carried and every
// parameter the data layer bound is then searched for in everything the Worker logged.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_ACTOR_TYPES, toHex } from '../../src/index.ts';
import { allDatabaseNames, enrol, harness, newIdNumber, operatorToken, type TestEnv } from './helpers.ts';

/** A D1 whose every statement fails after its parameters are bound, recording those parameters. */
function failingD1(): { env: TestEnv; bound: unknown[] } {
  const bound: unknown[] = [];
  const fail = async () => Promise.reject(new Error('D1_ERROR: simulated storage failure'));
  const statement = (sql: string): D1PreparedStatement => {
    const s = {
      bind: (...params: unknown[]) => {
        bound.push(...params);
        return s;
      },
      first: fail,
      all: fail,
      run: fail,
      raw: fail,
      sql,
    };
    return s as unknown as D1PreparedStatement;
  };
  const db = {
    prepare: statement,
    batch: fail,
    exec: fail,
    withSession: () => db,
    dump: fail,
  };
  // Every database fails: the home one and each holder database.
  const broken = Object.fromEntries(allDatabaseNames().map((name) => [name, db as unknown as D1Database]));
  return { env: { ...env, ...broken }, bound };
}

/** Every way a bound value or a request value could appear in a log line. */
function spellings(value: unknown): string[] {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
    return [toHex(bytes), Buffer.from(bytes).toString('base64'), Buffer.from(bytes).toString('base64url')];
  }
  const text = String(value);
  // Short numbers (flags, counts, timestamps) say nothing about a person; anything longer might.
  return text.length >= 6 ? [text] : [];
}

const captured: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  captured.length = 0;
});
function captureLogs(): void {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      captured.push(
        args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
      );
    });
  }
}

function expectClean(values: unknown[]): void {
  const log = captured.join('\n');
  expect(log.length).toBeGreaterThan(0);
  for (const value of values) for (const s of spellings(value)) expect(log, `the log contains ${s}`).not.toContain(s);
  expect(log).not.toMatch(/params:|Failed query/);
}

describe('when D1 fails, the log names the failure without any data', () => {
  it('on a sign-in callback: nothing from its query parameters', async () => {
    const h = harness();
    const { env: broken, bound } = failingD1();
    const code = `code-${crypto.randomUUID()}`;
    const state = `state-${crypto.randomUUID()}`;
    captureLogs();
    const res = await h.call('GET', `/v1/auth/callback?code=${code}&state=${state}`, {
      headers: { cookie: `tc_sign_in=${state}` },
      env: broken,
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(bound.length).toBeGreaterThan(0);
    expectClean([...bound, code, state]);
    expect(captured.join('\n')).toContain('DrizzleQueryError');
  });

  it('on a staff sign-in callback: nothing from its query parameters', async () => {
    const h = harness();
    const { env: broken, bound } = failingD1();
    const code = `code-${crypto.randomUUID()}`;
    const state = `state-${crypto.randomUUID()}`;
    captureLogs();
    const res = await h.call('GET', `/v1/auth/staff/callback?code=${code}&state=${state}`, {
      headers: { cookie: `tc_staff_sign_in=${state}` },
      env: broken,
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(bound.length).toBeGreaterThan(0);
    expectClean([...bound, code, state]);
  });

  it('on a lookup by ID number: neither the ID number nor its hash', async () => {
    const h = harness();
    const { env: broken, bound } = failingD1();
    const idNumber = newIdNumber();
    captureLogs();
    const res = await h.call('POST', '/v1/admin/holders/lookup', { json: { idNumber }, token: operatorToken(), env: broken });
    expect(res.status).toBe(500);
    expect(bound.length).toBeGreaterThan(0);
    expectClean([...bound, idNumber]);
  });

  it('on a key-people import: no ID number, nor its hash', async () => {
    const h = harness();
    const { env: broken, bound } = failingD1();
    const ids = [newIdNumber(), newIdNumber()];
    captureLogs();
    const csv = ['idNumber,color,reason', ...ids.map((id) => `${id},red,close contact of Li Siming`)].join('\n');
    const res = await h.call('POST', '/v1/admin/holders/import', {
      body: csv,
      contentType: 'text/csv',
      token: operatorToken(),
      env: broken,
    });
    expect(res.status).toBe(500);
    expect(bound.length).toBeGreaterThan(0);
    // The actor types bound into audit rows are the code's own words (worker/auth/operator.ts is a
    // file name in a logged frame), not anything the request carried.
    expectClean([...bound.filter((v) => !(AUDIT_ACTOR_TYPES as readonly unknown[]).includes(v)), ...ids, 'Li Siming']);
  });

  it('on token fetch and check-in: no holder secret or its hash', async () => {
    const h = harness();
    const holder = await enrol(h);
    const { env: broken, bound } = failingD1();
    captureLogs();
    expect((await h.call('GET', '/v1/holders/me/token', { token: holder.secret, env: broken })).status).toBe(500);
    expect((await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret, env: broken })).status).toBe(
      500,
    );
    expectClean([...bound, holder.secret, holder.holderId]);
  });

  it('on an operator lookup: no holder id from the path, no operator token', async () => {
    const h = harness();
    const holder = await enrol(h);
    const { env: broken, bound } = failingD1();
    captureLogs();
    const res = await h.call('GET', `/v1/admin/holders/${holder.holderId}?note=${holder.idNumber}`, {
      token: operatorToken(),
      env: broken,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expectClean([...bound, holder.holderId, holder.idNumber, operatorToken()]);
  });
});
