// `keys root init`: creates the keystore and the offline root key.

import { type Command, stringOption } from '../command.ts';
import { parseDuration } from '../duration.ts';
import { usageError } from '../errors.ts';
import { initRoot } from '../operations.ts';
import { storeAccess } from './access.ts';

export const rootInit: Command = {
  words: ['root', 'init'],
  summary: 'Create the keystore and the root key pair. The root key signs only trust lists and stays offline with the operator.',
  usage: 'keys root init --issuer <code> [--public-out <file>] [--max-token-lifetime <duration>]',
  details: `Options:
  --issuer <code>                 the issuer code of the tokens (the Worker's ISSUER, e.g. ZJ), 1-16 characters
  --public-out <file>             also write the root public key JSON {"publicKey", "kid"} there; for
                                  production that is keys/root-public.json, which the verifier build pins
  --max-token-lifetime <duration> longest token lifetime the Worker issues (default 24h); retired keys
                                  are pruned from the trust list this long after their window closes

The root seed is stored encrypted (scrypt + AES-256-GCM) in the keystore, with mode 0600.
Choose a passphrase of at least 12 characters; it is asked twice when prompted.`,
  options: {
    issuer: { type: 'string' },
    'public-out': { type: 'string' },
    'max-token-lifetime': { type: 'string' },
  },
  async run(input) {
    const issuer = stringOption(input.values, 'issuer');
    if (!issuer || issuer.length > 16) throw usageError("--issuer <code> is required (1-16 characters, the Worker's ISSUER)");
    const lifetime = stringOption(input.values, 'max-token-lifetime');
    const publicOut = stringOption(input.values, 'public-out');
    const access = await storeAccess(input, { confirm: true });
    const root = await initRoot(access, {
      issuer,
      maxTokenLifetimeSeconds: lifetime ? parseDuration(lifetime, '--max-token-lifetime') : 86400,
      ...(publicOut ? { publicOut } : {}),
    });
    input.print(`root key ${root.kid} created in ${access.dir}`);
    input.print(`root public key: ${root.publicKey}`);
    if (publicOut) input.print(`root public key JSON written to ${publicOut}`);
    input.print('next: keys signing new, then keys rotate and keys publish');
  },
};
