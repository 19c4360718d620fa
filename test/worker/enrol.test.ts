// Enrolment of a verified person (worker/holders/enrol.ts, the function the sign-in callback calls):
// the declaration rules, what is stored, and a later sign-in for the same ID number. The sign-in
// flow itself is in sign-in.test.ts.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { T0 } from './fixtures.ts';
import { count, enrol, harness, holderDatabase, NO_SYMPTOMS, setStatus, syncedRevocations, verifyAt } from './helpers.ts';

describe('enrolment', () => {
  it('creates a holder and returns its id, a one-time secret, the status and a token that verifies', async () => {
    const h = harness();
    const body = await enrol(h, { name: '张三', birthYear: 1985 });
    expect(body.holderId).toMatch(/^[a-z2-7]{16}$/);
    expect(body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.status).toEqual({ color: 'green', since: T0 });
    const verified = await verifyAt(h, body.token);
    expect(verified.ok).toBe(true);
    if (verified.ok) {
      expect(verified.claims.color).toBe('green');
      expect(verified.claims.maskedName).toBe('张*');
      expect(verified.claims.birthYear).toBe(1985);
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

  it('stores neither the name, the ID number nor the secret in clear', async () => {
    const h = harness();
    const holder = await enrol(h, { name: 'Wang Xiaoming' });
    const row = await holderDatabase(holder.holderId)
      .prepare('select * from holders where id = ?')
      .bind(holder.holderId)
      .first<Record<string, unknown>>();
    const stored = JSON.stringify(row);
    for (const secretish of ['Wang', 'Xiaoming', holder.idNumber, holder.secret]) expect(stored).not.toContain(secretish);
    expect(row!.masked_name).toBe('W* X*');
    expect(row!.birth_year).toBe(1990);
    // Hashes are 32-byte BLOBs (migration 0007), and the secret's is its SHA-256, computed here.
    const kinds = await holderDatabase(holder.holderId)
      .prepare(
        'select typeof(id_hash) as a, length(id_hash) as b, typeof(secret_hash) as c, length(secret_hash) as d, hex(secret_hash) as e from holders where id = ?',
      )
      .bind(holder.holderId)
      .first();
    const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(holder.secret)));
    expect(kinds).toEqual({
      a: 'blob',
      b: 32,
      c: 'blob',
      d: 32,
      e: [...expected].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(''),
    });
    expect(row).not.toHaveProperty('phone_hash');
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
  it('finds the same holder and issues a new secret that replaces the old', async () => {
    const h = harness();
    const first = await enrol(h);
    h.clock.t += 60;
    const again = await enrol(h, { idNumber: first.idNumber });
    expect(again.holderId).toBe(first.holderId);
    expect(again.secret).not.toBe(first.secret);
    expect((await h.call('GET', '/v1/holders/me/token', { token: first.secret })).status).toBe(401);
    expect((await h.call('GET', '/v1/holders/me/token', { token: again.secret })).status).toBe(200);
    expect(await count('holders', 'id = ?', first.holderId)).toBe(1);
    expect(await count('audit_log', "holder_id = ? and action = 'holder.secret_rotated'", first.holderId)).toBe(1);
  });

  it('applies a stricter declaration, revoking earlier tokens, and keeps the history', async () => {
    const h = harness();
    const first = await enrol(h);
    h.clock.t += 3600;
    const again = await enrol(h, { idNumber: first.idNumber, declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    expect(again.status).toMatchObject({ color: 'red', since: T0 + 3600 });
    const events = await holderDatabase(first.holderId)
      .prepare('select color, source from status_events where holder_id = ? order by id')
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

  it('accepts a re-enrolment after a status change and reports the current status', async () => {
    const h = harness();
    const first = await enrol(h);
    await setStatus(h, first.holderId, 'yellow');
    const again = await enrol(h, { idNumber: first.idNumber });
    expect(again.status.color).toBe('yellow');
  });
});
