// Turns the global options into a StoreAccess: the keystore directory and its passphrase.

import { type CommandInput, stringOption } from '../command.ts';
import { assertStoreLocation, resolveStoreDir } from '../keystore/location.ts';
import { obtainPassphrase } from '../keystore/passphrase.ts';
import type { StoreAccess } from '../operations.ts';

export function storeDirOf(input: CommandInput): string {
  return resolveStoreDir(stringOption(input.values, 'store'), input.env);
}

export async function storeAccess(input: CommandInput, options: { confirm?: boolean } = {}): Promise<StoreAccess> {
  const dir = storeDirOf(input);
  assertStoreLocation(dir); // before asking for a passphrase that would be wasted
  const file = stringOption(input.values, 'passphrase-file');
  const passphrase = await obtainPassphrase({ env: input.env, ...(file ? { file } : {}), ...(options.confirm ? { confirm: true } : {}) });
  return { dir, passphrase, now: input.now, reporter: input.reporter };
}
