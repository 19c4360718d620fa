// `keys revoke <kid> --reason <text>`: the compromise path.

import { type Command, stringOption } from '../command.ts';
import { usageError } from '../errors.ts';
import { revoke } from '../operations.ts';
import { storeAccess } from './access.ts';

export const revokeCommand: Command = {
  words: ['revoke'],
  summary: 'Revoke a signing key: verifiers reject every token it signed, whenever it was issued.',
  usage: 'keys revoke <kid> --reason <text>',
  details: `Options:
  --reason <text>   why (one line, kept in the keystore's state.json)

Works from any state. If the key was active, the next key (if there is one) becomes active at once;
if there is none, the Worker cannot sign until you run \`keys signing new\` and \`keys rotate\`.
Run \`keys publish\` right after: it removes the revoked seed from the Worker (SIGNING_KEYS) and
tells verifiers.`,
  options: { reason: { type: 'string' } },
  positionals: 1,
  async run(input) {
    const kid = input.positionals[0]!.toLowerCase();
    const reason = stringOption(input.values, 'reason');
    if (reason === undefined) throw usageError('--reason <text> is required');
    const outcome = await revoke(await storeAccess(input), kid, reason);
    input.print(`key ${outcome.revoked} is now revoked`);
    if (outcome.promoted) input.print(`it was the active key: next key ${outcome.promoted} is now active`);
    else if (outcome.wasActive) {
      input.print('WARNING: it was the active key and there is no next key, so no key is active now.');
      input.print('  The Worker will refuse to issue tokens (503 signing_unavailable) until you run:');
      input.print('  keys signing new && keys rotate --immediate && keys publish');
    }
    input.print('next: keys publish, now, so the Worker stops using the key and verifiers reject it');
  },
};
