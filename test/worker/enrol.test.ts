// POST /v1/holders: enrolment, re-enrolment, the declaration rules, validation and storage.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { T0 } from './fixtures.ts';
import { count, enrol, harness, NO_SYMPTOMS, newIdNumber, setStatus, syncedRevocations, verifyAt } from './helpers.ts';

describe('enrolment', () => {
  it('creates a holder and returns its id, a one-time secret, the status and a token that verifies', async () => {
    const h = harness();
    const { status, body } = await h.json('POST', '/v1/holders', {
      json: { name: '张三', idNumber: newIdNumber(), declaration: NO_SYMPTOMS },
    });
    expect(status).toBe(201);
    expect(body.holderId).toMatch(/^[a-z2-7]{16}$/);
    expect(body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.status).toEqual({ color: 'green', since: T0 });
    const verified = await verifyAt(h, body.token);
    expect(verified.ok).toBe(true);
    if (verified.ok) {
      expect(verified.claims.color).toBe('green');
      expect(verified.claims.maskedName).toBe('张*');
      expect(verified.claims.iss).toBe(env.ISSUER);
      expect(verified.claims.exp - verified.claims.iat).toBe(Number(env.TOKEN_LIFETIME_SECONDS));
    }
  });

  it.each([
    [{ contactWithCase: true, symptoms: false, fromHighRiskArea: false }, 'red'],
    [{ contactWithCase: false, symptoms: true, fromHighRiskArea: false }, 'yellow'],
    [{ contactWithCase: false, symptoms: false, fromHighRiskArea: true }, 'yellow'],
    [{ contactWithCase: true, symptoms: true, fromHighRiskArea: true }, 'red'],
    [NO_SYMPTOMS, 'green'],
  ])('applies the declaration rules: %j gives %s', async (declaration, color) => {
    const h = harness();
    const holder = await enrol(h, { declaration });
    expect(holder.status.color).toBe(color);
    if (color === 'red') expect(holder.status.until).toBe(T0 + 14 * 86400);
    if (color === 'yellow') expect(holder.status.until).toBe(T0 + 7 * 86400);
  });

  it('stores neither the name, the ID number, the phone number nor the secret in clear', async () => {
    const h = harness();
    const idNumber = newIdNumber();
    const holder = await enrol(h, { name: 'Wang Xiaoming', idNumber, phone: '+86 138 0013 8000' });
    const row = await env.DB.prepare('select * from holders where id = ?').bind(holder.holderId).first<Record<string, unknown>>();
    const stored = JSON.stringify(row);
    for (const secretish of ['Wang', 'Xiaoming', idNumber, '13800138000', holder.secret]) expect(stored).not.toContain(secretish);
    expect(row!.masked_name).toBe('W* X*');
    expect(row!.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.phone_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes the first status event and an audit row with the holder', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, fromHighRiskArea: true } });
    expect(
      await count('status_events', "holder_id = ? and source = 'declaration' and color = 'yellow' and at = ?", holder.holderId, T0),
    ).toBe(1);
    expect(
      await count(
        'audit_log',
        "holder_id = ? and action = 'holder.enrol' and actor_type = 'declaration' and to_color = 'yellow'",
        holder.holderId,
      ),
    ).toBe(1);
  });
});

describe('re-enrolment with the same ID number', () => {
  it('finds the same holder (200) however the ID number is spaced or cased, and issues a new secret that replaces the old', async () => {
    const h = harness();
    const first = await enrol(h, { idNumber: '11010119900307123x' });
    h.clock.t += 60;
    const { status, body } = await h.json('POST', '/v1/holders', {
      json: { name: 'Zhang San', idNumber: ' 110101 19900307 123X ', declaration: NO_SYMPTOMS },
    });
    expect(status).toBe(200);
    expect(body.holderId).toBe(first.holderId);
    expect(body.secret).not.toBe(first.secret);
    expect((await h.call('GET', '/v1/holders/me/token', { token: first.secret })).status).toBe(401);
    expect((await h.call('GET', '/v1/holders/me/token', { token: body.secret })).status).toBe(200);
    expect(await count('holders', 'id = ?', first.holderId)).toBe(1);
    expect(await count('audit_log', "holder_id = ? and action = 'holder.secret_rotated'", first.holderId)).toBe(1);
  });

  it('applies a stricter declaration, revoking earlier tokens, and keeps the history', async () => {
    const h = harness();
    const first = await enrol(h);
    h.clock.t += 3600;
    const again = await enrol(h, { idNumber: first.idNumber, declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    expect(again.status).toMatchObject({ color: 'red', since: T0 + 3600 });
    const events = await env.DB.prepare('select color, source from status_events where holder_id = ? order by id')
      .bind(first.holderId)
      .all();
    expect(events.results).toEqual([
      { color: 'green', source: 'declaration' },
      { color: 'red', source: 'declaration' },
    ]);
    const revoked = await syncedRevocations(h);
    expect((await verifyAt(h, first.token, revoked)).ok).toBe(false);
    expect(await verifyAt(h, again.token, revoked)).toMatchObject({ ok: true, claims: { color: 'red' } });
  });

  it('does not relax the colour when the new declaration is milder', async () => {
    const h = harness();
    const first = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    h.clock.t += 3600;
    const again = await enrol(h, { idNumber: first.idNumber, declaration: NO_SYMPTOMS });
    expect(again.status).toMatchObject({ color: 'red', since: T0 });
    expect(await count('status_events', 'holder_id = ?', first.holderId)).toBe(1);
  });

  it('refuses different identity details (409 identity_mismatch) and changes nothing', async () => {
    const h = harness();
    const first = await enrol(h, { phone: '13800138000' });
    const wrongName = await h.json('POST', '/v1/holders', {
      json: { name: 'Li Si', idNumber: first.idNumber, phone: '13800138000', declaration: NO_SYMPTOMS },
    });
    const wrongPhone = await h.json('POST', '/v1/holders', {
      json: { name: 'Zhang San', idNumber: first.idNumber, phone: '13900139000', declaration: NO_SYMPTOMS },
    });
    const noPhone = await h.json('POST', '/v1/holders', {
      json: { name: 'Zhang San', idNumber: first.idNumber, declaration: NO_SYMPTOMS },
    });
    for (const r of [wrongName, wrongPhone, noPhone]) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('identity_mismatch');
    }
    expect((await h.call('GET', '/v1/holders/me/token', { token: first.secret })).status).toBe(200);
  });

  it('accepts a re-enrolment after a status change and reports the current status', async () => {
    const h = harness();
    const first = await enrol(h);
    await setStatus(h, first.holderId, 'yellow');
    const again = await enrol(h, { idNumber: first.idNumber });
    expect(again.status.color).toBe('yellow');
  });
});

describe('enrolment validation', () => {
  const valid = () => ({ name: 'Zhang San', idNumber: newIdNumber(), declaration: NO_SYMPTOMS });

  it.each([
    ['a missing field', (b: any) => ({ ...b, declaration: undefined }), 'declaration: is required.'],
    [
      'a wrong type',
      (b: any) => ({ ...b, declaration: { ...b.declaration, symptoms: 'no' } }),
      'declaration.symptoms: expected a boolean.',
    ],
    ['an unknown field', (b: any) => ({ ...b, extra: 1 }), 'body: unknown field "extra".'],
    ['an empty name', (b: any) => ({ ...b, name: '   ' }), 'name: must not be empty.'],
    ['a malformed ID number', (b: any) => ({ ...b, idNumber: '12;DROP' }), 'idNumber: must be 4-32 letters, digits or hyphens.'],
    ['a malformed phone number', (b: any) => ({ ...b, phone: 'call me' }), 'phone: must be a phone number of 5-20 digits.'],
  ])('refuses %s with 400 validation_failed naming the field, writing nothing', async (_what, mutate, message) => {
    const h = harness();
    const before = await count('holders');
    const { status, body } = await h.json('POST', '/v1/holders', { json: mutate(valid()) });
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'validation_failed', message } });
    expect(await count('holders')).toBe(before);
  });

  it('refuses a body that is not JSON (400), not application/json (415) or too large (413)', async () => {
    const h = harness();
    const notJson = await h.json('POST', '/v1/holders', { body: '{"name": ', contentType: 'application/json' });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'invalid_json']);
    const form = await h.json('POST', '/v1/holders', { body: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const huge = await h.json('POST', '/v1/holders', { json: { ...valid(), name: 'x'.repeat(20_000) } });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'payload_too_large']);
  });

  it('answers 503 signing_unavailable and writes nothing when no signing seed is configured', async () => {
    const h = harness();
    const before = await count('holders');
    const { status, body, res } = await h.json('POST', '/v1/holders', { json: valid(), env: { ...env, SIGNING_KEYS: '{}' } });
    expect(status).toBe(503);
    expect(body.error.code).toBe('signing_unavailable');
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await count('holders')).toBe(before);
  });
});
