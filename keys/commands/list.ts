// `keys list`: the keystore's public state, no passphrase needed.

import type { Command } from '../command.ts';
import { readStateUnverified } from '../keystore/keystore.ts';
import type { SigningKeyRecord } from '../keystore/state.ts';
import { storeDirOf } from './access.ts';

export const listCommand: Command = {
  words: ['list'],
  summary: 'Show the root key, every signing key with its state and window, and the last publication.',
  usage: 'keys list [--json]',
  details: `Options:
  --json   print state.json's content as JSON (public material only)

Needs no passphrase, so it does not check state.json's MAC; every command that changes or
publishes anything does.`,
  options: { json: { type: 'boolean' } },
  async run(input) {
    const dir = storeDirOf(input);
    const state = await readStateUnverified(dir);
    if (input.values.json) {
      input.print(JSON.stringify(state, null, 2));
      return;
    }
    input.print(`keystore ${dir}`);
    input.print(`issuer ${state.issuer}, root ${state.root.kid}, max token lifetime ${state.maxTokenLifetimeSeconds} s`);
    const p = state.published;
    input.print(
      p ? `last published: v${p.version} (${p.target}) at ${iso(p.issuedAt)}, next update due ${iso(p.nextUpdate)}` : 'never published',
    );
    if (state.keys.length === 0) {
      input.print('no signing keys (keys signing new)');
      return;
    }
    input.print(['kid'.padEnd(16), 'state'.padEnd(8), 'valid from'.padEnd(20), 'valid until'.padEnd(20), 'note'].join('  '));
    for (const k of state.keys) input.print(row(k));
  },
};

function row(k: SigningKeyRecord): string {
  const note =
    k.state === 'revoked'
      ? `revoked ${iso(k.revokedAt!)}: ${k.revocationReason ?? ''}`
      : k.firstPublishedAt === undefined
        ? 'not yet published'
        : '';
  return [
    k.kid,
    k.state.padEnd(8),
    iso(k.validFrom).padEnd(20),
    (k.validUntil === undefined ? '-' : iso(k.validUntil)).padEnd(20),
    note,
  ].join('  ');
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}
