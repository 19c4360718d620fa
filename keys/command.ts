// The shape every `keys` command shares: its words, help text, options, and a run function that
// gets the parsed arguments, the environment, the clock and a reporter.

import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { KeysEnvironment } from './environment.ts';
import { usageError } from './errors.ts';
import type { Reporter } from './progress.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface CommandInput {
  values: Values;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  /** The machine-specific parts (local D1, wrangler), injected by the entry point. */
  environment: KeysEnvironment;
  /** NumericDate seconds, read once at start. */
  now: number;
  reporter: Reporter;
  /** The command's result lines (stdout). */
  print(line: string): void;
}

export interface Command {
  /** e.g. ['signing', 'new']: noun first, then verb. */
  words: string[];
  summary: string;
  usage: string;
  /** Lines describing the command-specific options and effects, for --help. */
  details: string;
  options: OptionSpec;
  /** Number of positional arguments after the command words. */
  positionals?: number;
  run(input: CommandInput): Promise<void>;
}

export const GLOBAL_OPTIONS: OptionSpec = {
  store: { type: 'string' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_HELP = `Global options:
  --store <dir>            keystore directory (env TRICOLOR_KEYSTORE; default ~/.config/tricolor/keystore).
                           Refused inside the git work tree, except under its git-ignored .dev/.
  --passphrase-file <path> read the keystore passphrase from a file (else env TRICOLOR_PASSPHRASE,
                           else a prompt that does not echo)
  -h, --help               this help`;

export function parseCommandArgs(command: Command, args: string[]): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    const values = parsed.values as Values;
    if (!values.help && parsed.positionals.length !== (command.positionals ?? 0)) {
      throw usageError(`usage: ${command.usage}`);
    }
    return { values, positionals: parsed.positionals };
  } catch (e) {
    if (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
      throw usageError(`${e.message}\nusage: ${command.usage}`);
    throw e;
  }
}

export function helpText(command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}\n\n${command.details}\n\n${GLOBAL_HELP}\n`;
}

export function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
