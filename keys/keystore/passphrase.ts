// The keystore passphrase: from --passphrase-file, else TRICOLOR_PASSPHRASE, else an interactive
// prompt that does not echo. It is never printed, logged or passed on a command line.

import { readFile } from 'node:fs/promises';
import { KeysError } from '../errors.ts';

export const MIN_PASSPHRASE_LENGTH = 12;

export interface PassphraseSource {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Ask twice when creating a keystore, so a typo cannot lock the operator out. */
  confirm?: boolean;
}

export async function obtainPassphrase(source: PassphraseSource): Promise<string> {
  const env = source.env ?? process.env;
  if (source.file) return (await readFile(source.file, 'utf8')).replace(/\r?\n$/, '');
  if (env.TRICOLOR_PASSPHRASE) return env.TRICOLOR_PASSPHRASE;
  if (!process.stdin.isTTY) {
    throw new KeysError(
      'no_passphrase',
      'no passphrase: set TRICOLOR_PASSPHRASE, pass --passphrase-file, or run in a terminal to be prompted',
    );
  }
  const first = await promptHidden('Keystore passphrase: ');
  if (source.confirm && (await promptHidden('Repeat the passphrase: ')) !== first)
    throw new KeysError('passphrase_mismatch', 'the passphrases differ');
  return first;
}

export function assertNewPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new KeysError('weak_passphrase', `choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: KeysError) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new KeysError('cancelled', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
