// `keys signing new`: a new signing key in state next.

import type { Command } from '../command.ts';
import { newSigningKey } from '../operations.ts';
import { storeAccess } from './access.ts';

export const signingNew: Command = {
  words: ['signing', 'new'],
  summary: 'Create a signing key in state next: published ahead so verifiers know it before it signs anything.',
  usage: 'keys signing new',
  details: `The key's signing window opens now. Its seed is stored encrypted in the keystore and reaches
the Worker (SIGNING_KEYS) at the next \`keys publish\`. There is at most one next key.`,
  options: {},
  async run(input) {
    const key = await newSigningKey(await storeAccess(input));
    input.print(`signing key ${key.kid} created in state next`);
    input.print('next: keys publish (so verifiers learn it), later keys rotate and keys publish again');
  },
};
