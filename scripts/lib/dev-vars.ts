// Editing .dev.vars (dotenv syntax, read by wrangler dev): set or remove our variables in place
// and keep every other line exactly as it was. Values are written single-quoted, which dotenv
// takes literally, so JSON needs no escaping.

import { readFile } from 'node:fs/promises';
import { writeSecretFile } from '../../keys/keystore/secure-fs.ts';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

export function updateDotenv(text: string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): string {
  for (const [key, value] of Object.entries(set)) {
    if (/['\r\n$]/.test(value)) throw new TypeError(`value for ${key} cannot be written single-quoted`);
  }
  const lines = text.length === 0 ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const written = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const key = ASSIGNMENT.exec(line)?.[1];
    if (key === undefined || (!(key in set) && !remove.includes(key))) {
      out.push(line);
    } else if (key in set && !written.has(key)) {
      out.push(`${key}='${set[key]}'`);
      written.add(key);
    } // else: a removed key, or a later duplicate of one we set
  }
  for (const [key, value] of Object.entries(set)) if (!written.has(key)) out.push(`${key}='${value}'`);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Reads one variable back; understands the forms we and dotenv write (bare, '…', "…"). */
export function readDotenvValue(text: string, key: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (ASSIGNMENT.exec(line)?.[1] !== key) continue;
    const raw = line.slice(line.indexOf('=') + 1).trim();
    const quoted = /^(['"`])(.*)\1$/.exec(raw);
    return quoted ? quoted[2] : raw.replace(/\s+#.*$/, '');
  }
  return undefined;
}

export async function readTextIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** Rewrites the file 0600 with the variables set/removed; returns whether anything changed. */
export async function updateDotenvFile(
  path: string,
  set: Readonly<Record<string, string>>,
  remove: readonly string[] = [],
): Promise<boolean> {
  const before = await readTextIfExists(path);
  const after = updateDotenv(before, set, remove);
  if (after !== before) await writeSecretFile(path, after);
  return after !== before;
}
