import { describe, expect, it } from 'vitest';
import { MAX_TRUST_LIST_BYTES } from '../../src/index.ts';
import { auditorToken, count, type Enrolled, enrol, type Harness, harness, holderDatabase, operatorToken, setStatus } from './helpers.ts';

const TABLES = ['holders', 'status_events', 'audit_log', 'revocations', 'checkins', 'trust_lists'];
const fingerprint = () => Promise.all(TABLES.map((t) => count(t)));

/** Every route that reads a body: its documented limit, media type and a credential for it. */
interface BodyRoute {
  method: string;
  path: string;
  limit: number;
  contentType: string;
  auth: 'none' | 'holder' | 'operator';
}

async function bodyRoutes(h: Harness): Promise<{ routes: BodyRoute[]; secret: string }> {
  const holder = await enrol(h);
  return {
    secret: holder.secret,
    routes: [
      { method: 'POST', path: '/v1/holders/me/checkins', limit: 16 * 1024, contentType: 'application/json', auth: 'holder' },
      {
        method: 'PUT',
        path: `/v1/admin/holders/${holder.holderId}/status`,
        limit: 16 * 1024,
        contentType: 'application/json',
        auth: 'operator',
      },
      { method: 'POST', path: '/v1/admin/holders/import', limit: 2 * 1024 * 1024, contentType: 'text/csv', auth: 'operator' },
      { method: 'PUT', path: '/v1/admin/trust-list', limit: MAX_TRUST_LIST_BYTES, contentType: 'application/cose', auth: 'operator' },
    ],
  };
}

function tokenFor(route: BodyRoute, secret: string): string | undefined {
  return route.auth === 'holder' ? secret : route.auth === 'operator' ? operatorToken() : undefined;
}

/** A body of `size` bytes that would be valid up to its length for the route's media type. */
function filler(route: BodyRoute, size: number): Uint8Array {
  const text =
    route.contentType === 'text/csv'
      ? `idNumber,color,reason\n${'1234567890,red,x\n'.repeat(Math.ceil(size / 17))}`
      : `{"name":"${'x'.repeat(size)}"}`;
  return new TextEncoder().encode(text).slice(0, size);
}

/** The same bytes as a stream with no Content-Length (chunked upload), in 64 KiB pieces. */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 65536));
      offset += 65536;
    },
  });
}

describe('oversized bodies', () => {
  it('answers 413 payload_too_large on every body route, for a declared and for a streamed body, changing nothing', async () => {
    const h = harness();
    const { routes, secret } = await bodyRoutes(h);
    const before = await fingerprint();
    for (const route of routes) {
      const big = filler(route, route.limit + 1);
      const declared = await h.json(route.method, route.path, {
        body: big,
        contentType: route.contentType,
        token: tokenFor(route, secret),
      });
      expect([route.path, 'declared', declared.status, declared.body.error.code]).toEqual([
        route.path,
        'declared',
        413,
        'payload_too_large',
      ]);
      const streamed = await h.json(route.method, route.path, {
        body: streamOf(big),
        contentType: route.contentType,
        token: tokenFor(route, secret),
      });
      expect([route.path, 'streamed', streamed.status, streamed.body.error.code]).toEqual([
        route.path,
        'streamed',
        413,
        'payload_too_large',
      ]);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses a Content-Length over the limit before reading a byte of the body', async () => {
    const h = harness();
    const { routes, secret } = await bodyRoutes(h);
    for (const route of routes) {
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1024));
        },
      });
      const res = await h.call(route.method, route.path, {
        body,
        contentType: route.contentType,
        token: tokenFor(route, secret),
        headers: { 'content-length': String(route.limit + 1) },
      });
      expect([route.path, res.status]).toEqual([route.path, 413]);
      expect(pulled).toBeLessThanOrEqual(1); // a stream may be primed once; it is never drained
    }
  });

  it('accepts a JSON body of exactly the limit', async () => {
    const h = harness();
    const holder = await enrol(h);
    const text = JSON.stringify({ symptoms: false });
    const padded = `${text.slice(0, -1) + ' '.repeat(16 * 1024 - text.length)}}`;
    expect(new TextEncoder().encode(padded).length).toBe(16 * 1024);
    expect(
      (await h.call('POST', '/v1/holders/me/checkins', { body: padded, contentType: 'application/json', token: holder.secret })).status,
    ).toBe(201);
  });
});

describe('wrong media types', () => {
  it('answers 415 unsupported_media_type on every body route for a wrong or missing Content-Type, changing nothing', async () => {
    const h = harness();
    const { routes, secret } = await bodyRoutes(h);
    const before = await fingerprint();
    for (const route of routes) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json-patch+json',
        '',
      ]) {
        if (type === route.contentType) continue;
        const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
        // A Blob body would bring its own type; bytes bring none.
        const res = await h.json(route.method, route.path, {
          body: new TextEncoder().encode('{}'),
          headers,
          token: tokenFor(route, secret),
        });
        expect([route.path, type, res.status, res.body.error.code]).toEqual([route.path, type, 415, 'unsupported_media_type']);
      }
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('accepts media type parameters and any letter case', async () => {
    const h = harness();
    const holder = await enrol(h);
    const res = await h.call('POST', '/v1/holders/me/checkins', {
      body: JSON.stringify({ symptoms: false }),
      contentType: 'Application/JSON; charset=UTF-8',
      token: holder.secret,
    });
    expect(res.status).toBe(201);
  });
});

describe('malformed JSON bodies', () => {
  const cases: { what: string; body: string | Uint8Array; code: string }[] = [
    { what: 'truncated JSON', body: '{"name": "Zhang', code: 'invalid_json' },
    { what: 'an empty body', body: '', code: 'invalid_json' },
    { what: 'trailing garbage', body: '{"symptoms": false} x', code: 'invalid_json' },
    { what: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), code: 'invalid_json' },
    { what: 'an overlong UTF-8 encoding', body: new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), code: 'invalid_json' },
    { what: 'a JSON array', body: '[{"symptoms": false}]', code: 'validation_failed' },
    { what: 'JSON null', body: 'null', code: 'validation_failed' },
    { what: 'a JSON string', body: '"hello"', code: 'validation_failed' },
    { what: '5 000 levels of nesting', body: '['.repeat(5000) + ']'.repeat(5000), code: 'validation_failed' },
    { what: 'a prototype-pollution key', body: '{"__proto__": {"admin": true}, "symptoms": false}', code: 'validation_failed' },
    { what: 'a constructor key', body: '{"constructor": {"prototype": {"x": 1}}, "symptoms": false}', code: 'validation_failed' },
    { what: 'duplicate keys', body: '{"symptoms": false, "symptoms": "yes"}', code: 'validation_failed' },
    { what: 'a number too large for a double', body: '{"symptoms": false, "temperature": 1e400}', code: 'validation_failed' },
    { what: 'NaN spelled out', body: '{"symptoms": false, "temperature": NaN}', code: 'invalid_json' },
  ];

  it.each(cases)('answers $what on every JSON route with 400 $code, changing nothing', async ({ body, code }) => {
    const h = harness();
    const { routes, secret } = await bodyRoutes(h);
    const before = await fingerprint();
    for (const route of routes.filter((r) => r.contentType === 'application/json')) {
      const res = await h.json(route.method, route.path, { body, contentType: 'application/json', token: tokenFor(route, secret) });
      expect([route.path, res.status, res.body.error.code]).toEqual([route.path, 400, code]);
    }
    expect(await fingerprint()).toEqual(before);
    expect(Object.prototype).not.toHaveProperty('admin');
  });
});

describe('malformed imports', () => {
  async function importBody(h: Harness, body: string | Uint8Array, contentType = 'text/csv') {
    return h.json('POST', '/v1/admin/holders/import', { body, contentType, token: operatorToken() });
  }

  it('refuses an import that is not UTF-8 or has no valid CSV header with 400, applying nothing', async () => {
    const h = harness();
    const holder = await enrol(h);
    const before = await fingerprint();
    const header = new TextEncoder().encode(`idNumber,color,reason\n${holder.idNumber},red,`);
    for (const body of [
      new Uint8Array([...header, 0xff, 0x0a]),
      '',
      '\n\n\n',
      'idNumber,color\n',
      'idNumber,color,reason,extra\n',
      'idNumber,idNumber,color\n',
      '"idNumber,color,reason\n',
      `${holder.idNumber},red,no header\n`,
    ]) {
      const res = await importBody(h, body);
      expect([JSON.stringify(typeof body === 'string' ? body : 'bytes'), res.status, res.body.error.code]).toEqual([
        JSON.stringify(typeof body === 'string' ? body : 'bytes'),
        400,
        'validation_failed',
      ]);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('rejects each malformed line by number and still applies the good ones, so the counts add up', async () => {
    const h = harness();
    const good = await enrol(h);
    h.clock.t += 60;
    const lines = [
      'idNumber,color,reason',
      `"${good.idNumber}",red,"quoted, with ""quotes"" and a comma"`,
      '"unterminated,red,x',
      'abc"def,red,x',
      '"1234",red,"x"trailing',
      '1234,red',
      '1234,red,x,extra',
      `1234,RED,x`,
      `1234,red,${'r'.repeat(501)}`,
      `${'9'.repeat(65)},red,x`,
      '1234,red,   ',
      ',,',
    ];
    const res = await importBody(h, lines.join('\n'));
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(1);
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(res.body.applied + res.body.unchanged + res.body.pending + res.body.rejected.length).toBe(lines.length - 1);
    const reason = await holderDatabase(good.holderId)
      .prepare("select reason from status_events where holder_id = ? and source = 'import'")
      .bind(good.holderId)
      .first<{ reason: string }>();
    expect(reason!.reason).toBe('quoted, with "quotes" and a comma');
  });

  it('rejects NDJSON lines that are not single JSON objects and keeps counting lines', async () => {
    const h = harness();
    const before = await fingerprint();
    const lines = [
      '{"idNumber": "1234", "color": "red"',
      '{"idNumber": "1234", "color": "red", "reason": "x"} {"a": 1}',
      '"just a string"',
      '{"idNumber": ["1234"], "color": "red", "reason": "x"}',
      '{"__proto__": {"x": 1}, "idNumber": "1234", "color": "red", "reason": "x"}',
    ];
    const res = await importBody(h, lines.join('\r\n'), 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual([1, 2, 3, 4, 5]);
    const after = await fingerprint();
    // Only the import's own summary row is added to the audit log.
    expect(after.map((n, i) => n - before[i]!)).toEqual([0, 0, 1, 0, 0, 0]);
  });
});

describe('strings with SQL metacharacters, control characters and extreme lengths', () => {
  const NASTY = [
    "Robert'); DROP TABLE holders;--",
    '" OR "1"="1',
    "' OR 1=1 --",
    "x'; update holders set color = 'green'; --",
    '%_\\%\\_ LIKE wildcards',
    'semicolon; backslash \\ and `backtick`',
    'new\nline\ttab\rreturn',
    'nul\u0000byte',
    'bell\u0007 escape\u001b[31m ansi',
    '全角字符と絵文字 🧪🦠 and a ZWJ 👩‍🔬',
    'right-to-left \u202eoverride\u202c and zero width \u200b',
    'é composed and e\u0301 decomposed',
    '<script>alert(1)</script>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as literal text
    '${{7*7}} {{7*7}} %s %n',
    'r'.repeat(500),
  ];

  it.each(NASTY.map((s) => [JSON.stringify(s).slice(0, 60), s]))(
    'stores and returns the reason %s byte for byte (status event, history, audit)',
    async (_label, reason) => {
      const h = harness();
      const holder = await enrol(h);
      h.clock.t += 10;
      const res = await setStatus(h, holder.holderId, 'red', reason);
      expect(res.status).toBe(200);
      const view = await h.json('GET', `/v1/admin/holders/${holder.holderId}`, { token: auditorToken() });
      expect(view.body.events.at(-1).reason).toBe(reason);
      const audit = await h.json('GET', `/v1/admin/audit?holderId=${holder.holderId}&actorType=operator`, { token: auditorToken() });
      // The newest operator entry is the auditor's own lookup (audited as a read); the change is before it.
      expect(audit.body.entries.find((e: { action: string }) => e.action === 'status.set').reason).toBe(reason);
      const stored = await holderDatabase(holder.holderId)
        .prepare("select reason from status_events where holder_id = ? and source = 'operator'")
        .bind(holder.holderId)
        .first<{ reason: string }>();
      expect(stored!.reason).toBe(reason);
      // Nothing was executed: every holder row is still there, and this one alone is red.
      expect(await count('holders', "id = ? and color = 'red'", holder.holderId)).toBe(1);
    },
  );

  it('stores import reasons with SQL metacharacters intact', async () => {
    const h = harness();
    const holders: Enrolled[] = [];
    for (let i = 0; i < 4; i++) holders.push(await enrol(h));
    const reasons = NASTY.filter((s) => !/[\r\n]/.test(s)).slice(0, 4);
    const csv = ['idNumber,color,reason', ...holders.map((x, i) => `${x.idNumber},yellow,"${reasons[i]!.replaceAll('"', '""')}"`)].join(
      '\n',
    );
    h.clock.t += 10;
    const res = await h.json('POST', '/v1/admin/holders/import', { body: csv, contentType: 'text/csv', token: operatorToken() });
    expect(res.body).toMatchObject({ applied: 4, rejected: [] });
    for (const [i, x] of holders.entries()) {
      const row = await holderDatabase(x.holderId)
        .prepare("select reason from status_events where holder_id = ? and source = 'import'")
        .bind(x.holderId)
        .first<{ reason: string }>();
      expect(row!.reason).toBe(reasons[i]);
    }
  });

  it('masks a name made of SQL as it masks any other, and never stores the name', async () => {
    const h = harness();
    const name = "Robert'); DROP TABLE holders;-- x";
    const enrolled = await enrol(h, { name });
    const view = await h.json('GET', `/v1/admin/holders/${enrolled.holderId}`, { token: auditorToken() });
    expect(view.body.maskedName).toBe('R* D* T* h*');
    expect(await count('holders', 'masked_name like ?', '%DROP%')).toBe(0);
  });

  it('refuses a sign-in form carrying an ID number (with SQL) with 400, writing nothing: the ID number comes only from the provider', async () => {
    const h = harness();
    const before = await fingerprint();
    const res = await h.json('POST', '/v1/auth/start', {
      body: `idNumber=${encodeURIComponent("1234' OR '1'='1")}&symptoms=on`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([
      400,
      'validation_failed',
      'body: unknown field "idNumber".',
    ]);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses a reason of 501 characters, and SQL in path and query parameters, with 400', async () => {
    const h = harness();
    const holder = await enrol(h);
    const long = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'r'.repeat(501) },
      token: operatorToken(),
    });
    expect([long.status, long.body.error.message]).toEqual([400, 'reason: must be at most 500 characters.']);
    for (const path of [
      `/v1/admin/holders/${encodeURIComponent("' OR 1=1 --")}`,
      `/v1/admin/audit?holderId=${encodeURIComponent("x' OR '1'='1")}`,
      `/v1/admin/audit?cursor=${encodeURIComponent('1; drop table audit_log')}`,
      `/v1/revocations?since=${encodeURIComponent('0 or 1=1')}`,
      `/v1/revocations?since=${'9'.repeat(400)}`,
    ]) {
      const res = await h.json('GET', path, { token: auditorToken() });
      expect([path, res.status, res.body.error.code]).toEqual([path, 400, 'validation_failed']);
    }
  });

  it('echoes no more than 40 characters of an unknown field name, however long', async () => {
    const h = harness();
    const holder = await enrol(h);
    const res = await h.json('POST', '/v1/holders/me/checkins', {
      json: { symptoms: false, ['k'.repeat(10_000)]: 1 },
      token: holder.secret,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message.length).toBeLessThan(100);
  });

  it('answers an Authorization header of 64 KiB with 401, not an error', async () => {
    const h = harness();
    for (const path of ['/v1/holders/me/token', '/v1/admin/audit']) {
      const res = await h.json('GET', path, { headers: { authorization: `Bearer ${'A'.repeat(65536)}` } });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });
});
