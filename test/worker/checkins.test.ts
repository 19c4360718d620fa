import { describe, expect, it } from 'vitest';
import { DAY, T0 } from './fixtures.ts';
import { count, enrol, harness, holderDatabase, NO_SYMPTOMS, syncedRevocations, verifyAt } from './helpers.ts';

// T0 is 08:00 in Asia/Shanghai; local midnight is 16:00 UTC.
const LOCAL_MIDNIGHT_AFTER_T0 = T0 + 16 * 3600;

describe('daily check-ins', () => {
  it('counts the first check-in of a local day (201) and answers a clean repeat with 200 and why, changing nothing', async () => {
    const h = harness();
    const holder = await enrol(h);
    const first = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 36.6 }, token: holder.secret });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      day: '2026-03-01',
      counted: true,
      clean: true,
      replacedEarlier: false,
      status: { color: 'green', since: T0 },
      timeZone: 'Asia/Shanghai',
    });
    h.clock.t += 3600;
    const repeat = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 36.8 }, token: holder.secret });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({
      day: '2026-03-01',
      counted: false,
      notCounted: 'already_checked_in',
      clean: false,
      replacedEarlier: false,
      status: { color: 'green', since: T0 },
      timeZone: 'Asia/Shanghai',
    });
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBe(1);
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it('never discards a fever reported after a clean check-in the same day: it replaces it and counts', async () => {
    const h = harness();
    const holder = await enrol(h);
    await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 36.6 }, token: holder.secret });
    h.clock.t += 3600;
    const fever = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 38.5 }, token: holder.secret });
    expect(fever.status).toBe(201);
    expect(fever.body).toMatchObject({ counted: true, clean: false, replacedEarlier: true, status: { color: 'yellow', since: T0 + 3600 } });
    const row = await holderDatabase(holder.holderId)
      .prepare('select at, temperature from checkins where holder_id = ?')
      .bind(holder.holderId)
      .all();
    expect(row.results).toEqual([{ at: T0 + 3600, temperature: 38.5 }]);
    // A second fever the same day adds nothing new.
    h.clock.t += 60;
    const again = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: true }, token: holder.secret });
    expect([again.status, again.body.counted, again.body.notCounted]).toEqual([200, false, 'already_checked_in']);
  });

  it('splits days at midnight in the issuer time zone, not UTC', async () => {
    const h = harness(LOCAL_MIDNIGHT_AFTER_T0 - 1);
    const holder = await enrol(h);
    const late = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    h.clock.t = LOCAL_MIDNIGHT_AFTER_T0;
    const early = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    expect([late.body.day, late.body.counted]).toEqual(['2026-03-01', true]);
    expect([early.body.day, early.body.counted]).toEqual(['2026-03-02', true]);
  });

  it.each([
    [{ symptoms: true }, 'yellow'],
    [{ symptoms: false, temperature: 37.3 }, 'yellow'],
    [{ symptoms: false, temperature: 37.2 }, 'green'],
  ])('moves a green holder per the policy for %j: %s', async (checkin, color) => {
    const h = harness();
    const holder = await enrol(h);
    h.clock.t += 600;
    const { body } = await h.json('POST', '/v1/holders/me/checkins', { json: checkin, token: holder.secret });
    expect(body.status.color).toBe(color);
    if (color === 'yellow') {
      expect(body.status.since).toBe(T0 + 600);
      const events = await holderDatabase(holder.holderId)
        .prepare("select source, actor from status_events where holder_id = ? and color = 'yellow'")
        .bind(holder.holderId)
        .all();
      expect(events.results).toEqual([{ source: 'checkin', actor: 'holder' }]);
      expect(
        await count(
          'audit_log',
          "holder_id = ? and actor_type = 'holder' and from_color = 'green' and to_color = 'yellow'",
          holder.holderId,
        ),
      ).toBe(1);
      // A downgrade: the green token is revoked.
      expect(await verifyAt(h, holder.token, await syncedRevocations(h))).toMatchObject({ ok: false, reason: 'token_revoked' });
    }
  });

  it('records the rule release at the check-in that completes the run after the isolation period', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } }); // yellow: 7 days, 7 check-ins
    let last: { body: any } | undefined;
    for (const d of [1, 2, 3, 4, 5, 6, 7]) {
      h.clock.t = T0 + d * DAY + 7200; // day 7's check-in comes after the isolation end (T0 + 7 days)
      last = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    }
    expect(last!.body.status).toEqual({ color: 'green', since: T0 + 7 * DAY + 7200 });
    expect(last!.body.timeZone).toBe('Asia/Shanghai');
    const rule = await holderDatabase(holder.holderId)
      .prepare("select at, color, actor from status_events where holder_id = ? and source = 'rule'")
      .bind(holder.holderId)
      .all();
    expect(rule.results).toEqual([{ at: T0 + 7 * DAY + 7200, color: 'green', actor: 'checkin' }]);
    expect(await count('audit_log', "holder_id = ? and action = 'status.release' and actor_type = 'rule'", holder.holderId)).toBe(1);
    const row = await holderDatabase(holder.holderId)
      .prepare('select color, until, status_version from holders where id = ?')
      .bind(holder.holderId)
      .first();
    expect(row).toEqual({ color: 'green', until: null, status_version: 2 });
  });

  it('resets the run on a symptomatic check-in while red or yellow', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } });
    const statuses = [];
    for (const [d, symptoms] of [
      [0, false],
      [1, false],
      [2, true],
      [3, false],
    ] as const) {
      h.clock.t = T0 + d * DAY + 60;
      statuses.push(
        (await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms }, token: holder.secret })).body.status.checkinsDone,
      );
    }
    // The symptomatic day 2 ends the run at once; day 3 starts a new one.
    expect(statuses).toEqual([1, 2, 0, 1]);
  });

  it('refuses an implausible temperature and an unauthenticated check-in', async () => {
    const h = harness();
    const holder = await enrol(h);
    const hot = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 48 }, token: holder.secret });
    expect([hot.status, hot.body.error.message]).toEqual([400, 'temperature: must be at most 45 (degrees Celsius).']);
    const anonymous = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false } });
    expect(anonymous.status).toBe(401);
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBe(0);
  });
});

describe('what check-ins are kept', () => {
  const days = async (holderId: string) =>
    (
      await holderDatabase(holderId)
        .prepare('select day from checkins where holder_id = ? order by day')
        .bind(holderId)
        .all<{ day: string }>()
    ).results.map((r) => r.day);

  it("keeps only a green holder's latest clean check-in: no rule reads the earlier ones", async () => {
    const h = harness();
    const holder = await enrol(h);
    for (let d = 0; d < 14; d++) {
      h.clock.t = T0 + d * DAY + 600;
      expect((await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret })).status).toBe(201);
    }
    expect(await days(holder.holderId)).toEqual(['2026-03-14']);
  });

  it("keeps every check-in of a red or yellow holder's run, and of the run before a release", async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, fromHighRiskArea: true } }); // yellow: 7 days, 7 check-ins
    for (let d = 0; d < 7; d++) {
      h.clock.t = T0 + d * DAY + 600;
      await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    }
    const run = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07'];
    expect(await days(holder.holderId)).toEqual(run);
    // Released to green; a check-in as green keeps the yellow run (older than the green status).
    h.clock.t = T0 + 8 * DAY + 600;
    const green = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    expect(green.body.status.color).toBe('green');
    h.clock.t += DAY;
    await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    expect(await days(holder.holderId)).toEqual([...run, '2026-03-10']);
  });
});
