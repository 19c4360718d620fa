// `keys rotate`: next -> active, active -> retired.

import type { Command } from '../command.ts';
import { rotate } from '../operations.ts';
import { storeAccess } from './access.ts';

export const rotateCommand: Command = {
  words: ['rotate'],
  summary: 'Promote the next key to active and retire the active key (its signing window closes).',
  usage: 'keys rotate [--immediate]',
  details: `Options:
  --immediate   rotate even though the next key has not been published yet (compromise response):
                verifiers that have not synced since will not know the new key until they do

A retired key signs nothing new; its tokens verify until they expire, then \`keys publish\` prunes it.
The change reaches the Worker and verifiers at the next \`keys publish\`; until then the Worker keeps
signing with the old key, and publish keeps that key's window open up to the publication.`,
  options: { immediate: { type: 'boolean' } },
  async run(input) {
    const outcome = await rotate(await storeAccess(input), { immediate: input.values.immediate === true });
    input.print(`key ${outcome.activated} is now active`);
    if (outcome.retired) input.print(`key ${outcome.retired} is now retired`);
    input.print('next: keys publish');
  },
};
