// The attacks on self-typed enrolment, replayed against the Worker: every one must now fail and
// change nothing. (Written against the old POST /v1/holders, where each of them succeeded.)
import { describe, expect, it } from 'vitest';
import { count, enrol, harness, NO_SYMPTOMS, newIdNumber } from './helpers.ts';

const selfTyped = (idNumber: string, extra: Record<string, unknown> = {}) => ({
  json: { name: '张三', idNumber, declaration: NO_SYMPTOMS, ...extra },
});

describe('enrolment without a verified identity', () => {
  it('refuses an invented ID number: no holder, no code', async () => {
    const h = harness();
    const before = await count('holders');
    const res = await h.json('POST', '/v1/holders', selfTyped('ZZZZ-0001'));
    expect(res.status).toBe(404);
    expect(res.body.token).toBeUndefined();
    expect(await count('holders')).toBe(before);
  });

  it("refuses a takeover with the victim's ID number and masked name: the victim's secret, colour and record stay", async () => {
    const h = harness();
    const victim = await enrol(h, { name: '张三' });
    const before = await count('audit_log', 'holder_id = ?', victim.holderId);
    h.clock.t += 60;
    const attack = await h.json(
      'POST',
      '/v1/holders',
      selfTyped(victim.idNumber, {
        name: '张 ',
        phone: '13900139000',
        declaration: { ...NO_SYMPTOMS, contactWithCase: true },
      }),
    );
    expect(attack.status).toBe(404);
    expect(attack.body.secret).toBeUndefined();
    const mine = await h.json('GET', '/v1/holders/me/token', { token: victim.secret });
    expect(mine.status).toBe(200);
    expect(mine.body.color).toBe('green');
    expect(await count('audit_log', 'holder_id = ?', victim.holderId)).toBe(before);
    expect(await count('status_events', 'holder_id = ?', victim.holderId)).toBe(1);
  });

  it('does not tell an enrolled ID number from an unknown one', async () => {
    const h = harness();
    const enrolled = await enrol(h);
    const known = await h.call('POST', '/v1/holders', selfTyped(enrolled.idNumber));
    const unknown = await h.call('POST', '/v1/holders', selfTyped(newIdNumber()));
    expect(known.status).toBe(unknown.status);
    expect(await known.text()).toBe(await unknown.text());
  });

  it("refuses to register a stranger's ID number before its owner does (squatting)", async () => {
    const h = harness();
    const before = await count('holders');
    const squat = await h.json('POST', '/v1/holders', selfTyped(newIdNumber()));
    expect(squat.status).toBe(404);
    expect(await count('holders')).toBe(before);
  });
});
