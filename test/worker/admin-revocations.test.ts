// POST /v1/admin/revocations/sequence-jump: the restore procedure's sequence jump
// (docs/operations.md "Issuer database restored"); the drill is test/worker/drill-d1-restore.test.ts.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { RESTORE_SEQUENCE_JUMP } from '../../worker/db/revocations.ts';
import { auditorToken, fetchFeed, harness, operatorToken } from './helpers.ts';

const head = async () => (await env.DB.prepare('select coalesce(max(seq), 0) as seq from revocations').first<{ seq: number }>())!.seq;

describe('the sequence jump', () => {
  it('moves the head past everything handed out, audits it, and the feed serves from there', async () => {
    const h = harness();
    const before = await head();
    const res = await h.json('POST', '/v1/admin/revocations/sequence-jump', {
      json: { reason: 'restored from Time Travel' },
      token: operatorToken(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ previousHead: before, head: before + RESTORE_SEQUENCE_JUMP });
    expect(await head()).toBe(before + RESTORE_SEQUENCE_JUMP);
    const audit = await env.DB.prepare("select actor, reason from audit_log where action = 'revocations.sequence_jump'").first();
    expect(audit).toMatchObject({ reason: 'restored from Time Travel' });
    expect((await fetchFeed(h, 0)).feed.toSeq).toBe(before + RESTORE_SEQUENCE_JUMP);
  });

  it('is refused to an auditor and without a reason, changing nothing', async () => {
    const h = harness();
    const before = await head();
    const auditor = await h.json('POST', '/v1/admin/revocations/sequence-jump', { json: { reason: 'x' }, token: auditorToken() });
    expect(auditor.status).toBe(403);
    const bare = await h.json('POST', '/v1/admin/revocations/sequence-jump', { json: {}, token: operatorToken() });
    expect([bare.status, bare.body.error.code]).toEqual([400, 'validation_failed']);
    expect(await head()).toBe(before);
  });
});
