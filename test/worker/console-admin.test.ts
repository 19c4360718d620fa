// The admin API the console stands on: the staff session cookie beside bearer tokens, audit
// filtering by actor, holder, action and time with paging and CSV export, and the keys view.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/index.ts';
import { DAY, T0 } from './fixtures.ts';
import { auditorToken, countingEnv, enrol, type Harness, harness, newIdNumber, operatorToken, setStatus, trustedKeys } from './helpers.ts';

const ORIGIN = 'https://issuer.test'; // the harness's request origin

async function signIn(h: Harness, token: string): Promise<{ cookie: string; setCookie: string; body: any }> {
  const { status, body, res } = await h.json('POST', '/v1/admin/session', { token });
  expect(status).toBe(201);
  const setCookie = res.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, setCookie, body };
}

describe('staff sessions', () => {
  it('exchange a token once for an HttpOnly, SameSite=Strict cookie scoped to the admin API', async () => {
    const h = harness();
    const { setCookie, body, cookie } = await signIn(h, operatorToken());
    expect(body).toMatchObject({ name: 'test-operator', role: 'operator', expiresAt: T0 + 8 * 3600 });
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/v1\/admin/);
    expect(setCookie).toMatch(/Secure/); // https here
    // The cookie is not the token, nor does it contain it.
    expect(cookie).not.toContain(operatorToken());
    const me = await h.json('GET', '/v1/admin/session', { headers: { cookie } });
    expect(me.body).toEqual({ name: 'test-operator', role: 'operator', via: 'session', timeZone: 'Asia/Shanghai' });
  });

  it('lets a signed-in operator change a status from the console origin, and refuses the same write from elsewhere', async () => {
    const h = harness();
    const holder = await enrol(h);
    const { cookie } = await signIn(h, operatorToken());
    const put = (origin?: string) =>
      h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
        json: { color: 'red', reason: 'console test' },
        headers: { cookie, ...(origin ? { origin } : {}) },
      });
    expect((await put()).body.error.code).toBe('forbidden');
    expect((await put('https://evil.example')).status).toBe(403);
    const ok = await put(ORIGIN);
    expect([ok.status, ok.body.changed]).toEqual([200, true]);
    const audit = await h.json('GET', `/v1/admin/audit?holderId=${holder.holderId}&action=status.set`, { headers: { cookie } });
    expect(audit.body.entries[0]).toMatchObject({ actor: 'test-operator', to: 'red', reason: 'console test' });
  });

  it('gives an auditor a session that reads everything and changes nothing', async () => {
    const h = harness();
    const holder = await enrol(h);
    const { cookie, body } = await signIn(h, auditorToken());
    expect(body.role).toBe('auditor');
    const headers = { cookie, origin: ORIGIN };
    for (const path of [`/v1/admin/holders/${holder.holderId}`, '/v1/admin/audit', '/v1/admin/dashboard', '/v1/admin/keys'])
      expect([path, (await h.call('GET', path, { headers })).status]).toEqual([path, 200]);
    const put = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, { json: { color: 'red', reason: 'x' }, headers });
    expect([put.status, put.body.error.code]).toEqual([403, 'forbidden']);
    const imp = await h.json('POST', '/v1/admin/holders/import', { body: 'idNumber,color,reason\n', contentType: 'text/csv', headers });
    expect(imp.status).toBe(403);
  });

  it('refuses a tampered, expired or revoked cookie, and a session cannot mint another', async () => {
    const h = harness();
    const { cookie } = await signIn(h, operatorToken());
    const [name, value] = cookie.split('=') as [string, string];
    const [payload, mac] = value.split('.') as [string, string];
    const forged = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    forged.r = 'operator';
    forged.n = 'someone-else';
    const forgedPayload = btoa(JSON.stringify(forged)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    for (const bad of [
      `${name}=${forgedPayload}.${mac}`,
      `${name}=${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`,
      `${name}=garbage`,
    ]) {
      const res = await h.json('GET', '/v1/admin/audit', { headers: { cookie: bad } });
      expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized']);
    }
    expect((await h.json('POST', '/v1/admin/session', { headers: { cookie, origin: ORIGIN } })).status).toBe(401);
    h.clock.t += 8 * 3600;
    expect((await h.call('GET', '/v1/admin/audit', { headers: { cookie } })).status).toBe(401);
    // A token taken out of OPERATOR_TOKENS ends the sessions it started.
    h.clock.t = T0;
    const revokedEnv = {
      ...env,
      OPERATOR_TOKENS: JSON.stringify(JSON.parse(env.OPERATOR_TOKENS).filter((o: { name: string }) => o.name !== 'test-operator')),
    };
    expect((await h.call('GET', '/v1/admin/audit', { headers: { cookie }, env: revokedEnv })).status).toBe(401);
  });

  it('answers 401 to a garbage or forged cookie without a D1 call', async () => {
    const h = harness();
    for (const cookie of ['tc_staff=', 'tc_staff=a.b.c', `tc_staff=${'A'.repeat(5000)}`, 'tc_staff=eyJuIjoieCJ9.AAAA', 'other=1']) {
      const { env: counted, calls } = countingEnv();
      const res = await h.json('GET', '/v1/admin/audit', { headers: { cookie }, env: counted });
      expect([cookie.slice(0, 20), res.status, res.body.error.code, calls()]).toEqual([cookie.slice(0, 20), 401, 'unauthorized', 0]);
    }
  });

  it('signs out by clearing the cookie', async () => {
    const h = harness();
    const { cookie } = await signIn(h, operatorToken());
    const res = await h.call('DELETE', '/v1/admin/session', { headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });
});

describe('audit filters', () => {
  it('filters by actor, action, holder and time range, pages through the result, and exports exactly it as CSV', async () => {
    const h = harness(T0 + 40 * DAY);
    const start = h.clock.t;
    const a = await enrol(h);
    const b = await enrol(h);
    for (let i = 0; i < 5; i++) {
      h.clock.t = start + (i + 1) * 3600;
      await setStatus(h, a.holderId, i % 2 === 0 ? 'red' : 'green', `change ${i}`);
    }
    h.clock.t = start + 10 * 3600;
    await setStatus(h, b.holderId, 'yellow', 'b, later');
    const token = operatorToken();
    // Hours 2 to 4 (inclusive from, exclusive to): changes 1, 2 and 3 of holder a.
    const from = start + 2 * 3600;
    const to = start + 4 * 3600 + 1;
    const q = `actor=test-operator&action=status.set&from=${from}&to=${to}`;
    const page1 = await h.json('GET', `/v1/admin/audit?${q}&limit=2`, { token });
    expect(page1.status).toBe(200);
    expect(page1.body.entries.map((e: { reason: string }) => e.reason)).toEqual(['change 3', 'change 2']);
    const page2 = await h.json('GET', `/v1/admin/audit?${q}&limit=2&cursor=${page1.body.nextCursor}`, { token });
    expect(page2.body.entries.map((e: { reason: string }) => e.reason)).toEqual(['change 1']);
    expect(page2.body.nextCursor).toBeNull();
    const byHolder = await h.json('GET', `/v1/admin/audit?holderId=${b.holderId}&action=status.set`, { token });
    expect(byHolder.body.entries.map((e: { reason: string }) => e.reason)).toEqual(['b, later']);

    const csv = await h.call('GET', `/v1/admin/audit/export?${q}`, { token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actorType,actor,action,holderId,from,to,reason,detail');
    expect(lines.slice(1).map((l) => l.split(',')[8])).toEqual(['change 3', 'change 2', 'change 1']);
    expect(lines[1]).toContain(new Date((start + 4 * 3600) * 1000).toISOString());
    // The export is itself on the record.
    const exports = await h.json('GET', '/v1/admin/audit?action=audit.export', { token });
    expect(exports.body.entries[0].detail.filter).toMatchObject({ actor: 'test-operator', from, to });
  });

  it('quotes CSV fields and neutralises spreadsheet formulas', async () => {
    const h = harness(T0 + 50 * DAY);
    const a = await enrol(h);
    await setStatus(h, a.holderId, 'red', '=HYPERLINK("x"), with "quotes"');
    const csv = await (
      await h.call('GET', `/v1/admin/audit/export?holderId=${a.holderId}&action=status.set`, { token: operatorToken() })
    ).text();
    expect(csv).toContain(`"'=HYPERLINK(""x""), with ""quotes"""`);
  });

  it.each([
    ['from=10&to=5', 'to: must be later than from.'],
    ['from=yesterday', 'from: must be a time in seconds since 1970.'],
    ['action=DROP%20TABLE', 'action: must be an action name such as status.set.'],
    ['actor=', 'actor: must not be empty.'],
  ])('refuses %s with a plain message', async (query, message) => {
    const h = harness();
    for (const path of ['/v1/admin/audit', '/v1/admin/audit/export']) {
      const { status, body } = await h.json('GET', `${path}?${query}`, { token: operatorToken() });
      expect([status, body.error]).toEqual([400, { code: 'validation_failed', message }]);
    }
  });
});

describe('keys view', () => {
  it('shows the trust list version, each key with state and window, and what an offline checkpoint accepts', async () => {
    const h = harness();
    const { status, body } = await h.json('GET', '/v1/admin/keys', { token: auditorToken() });
    expect(status).toBe(200);
    const keys = await trustedKeys(h);
    expect(body.keys.map((k: { kid: string; state: string }) => [k.kid, k.state])).toEqual(keys.map((k) => [toHex(k.kid), k.state]));
    expect(body.keys.find((k: { state: string }) => k.state === 'active')).toMatchObject({ acceptedOffline: true, signsHere: true });
    expect(body.secondsToNextUpdate).toBe(body.nextUpdate - T0);
  });
});

describe('holder history', () => {
  it('names the import run of each change an import wrote, also one kept pending until the person enrolled', async () => {
    const h = harness(T0);
    const idNumber = newIdNumber();
    const importCsv = async (color: string, reason: string) => {
      const r = await h.json('POST', '/v1/admin/holders/import', {
        body: `idNumber,color,reason\n${idNumber},${color},${reason}\n`,
        contentType: 'text/csv',
        token: operatorToken(),
      });
      expect(r.status).toBe(200);
      return r.body.importId as string;
    };
    // Listed before enrolling: kept pending, applied at enrolment.
    const first = await importCsv('yellow', 'list A');
    h.clock.t += 60;
    const { holderId } = await enrol(h, { idNumber });
    h.clock.t += 60;
    expect((await setStatus(h, holderId, 'green', 'cleared by lab')).status).toBe(200);
    h.clock.t += 60;
    const second = await importCsv('red', 'list B');
    const view = await h.json('GET', `/v1/admin/holders/${holderId}`, { token: operatorToken() });
    const events = (view.body.events as { source: string; reason: string; importId: string | null }[]).map((e) => [
      e.source,
      e.reason,
      e.importId,
    ]);
    expect(events).toEqual([
      ['declaration', expect.any(String), null],
      ['import', 'list A', first],
      ['operator', 'cleared by lab', null],
      ['import', 'list B', second],
    ]);
  });
});
