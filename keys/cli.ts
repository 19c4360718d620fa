// The operator's key CLI (noun-verb commands, each with --help); `npm run keys -- <command>` runs
// it through scripts/keys.ts, which supplies the machine-specific parts (keys/environment.ts).
// Results go to stdout, progress to stderr; exit 0 on success, 1 on failure, 2 on misuse.

import { type Command, helpText, parseCommandArgs } from './command.ts';
import { listCommand } from './commands/list.ts';
import { publishCommand } from './commands/publish.ts';
import { revokeCommand } from './commands/revoke.ts';
import { rootInit } from './commands/root-init.ts';
import { rotateCommand } from './commands/rotate.ts';
import { signingNew } from './commands/signing-new.ts';
import type { KeysEnvironment } from './environment.ts';
import { EXIT_FAILURE, EXIT_USAGE, KeysError } from './errors.ts';
import { createReporter } from './progress.ts';

export const COMMANDS: readonly Command[] = [rootInit, signingNew, rotateCommand, revokeCommand, listCommand, publishCommand];

function overview(): string {
  const lines = COMMANDS.map((c) => `  keys ${c.words.join(' ').padEnd(12)} ${c.summary}`);
  return `usage: keys <command> [options]   (npm run keys -- <command>)\n\nCommands:\n${lines.join('\n')}\n\nRun keys <command> --help for its options.\n`;
}

/** The command whose words start argv, and the arguments after them. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  for (const command of COMMANDS) {
    if (command.words.every((w, i) => words[i] === w)) {
      const rest = [...argv];
      for (const w of command.words) rest.splice(rest.indexOf(w), 1);
      return { command, rest };
    }
  }
  return undefined;
}

export async function main(argv: string[], environment: KeysEnvironment, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const found = findCommand(argv);
  if (!found) {
    const asksHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    if (asksHelp) {
      const noun = argv.find((a) => !a.startsWith('-') && a !== 'help');
      const verbs = COMMANDS.filter((c) => c.words[0] === noun);
      process.stdout.write(verbs.length > 0 ? verbs.map(helpText).join('\n') : overview());
      return 0;
    }
    process.stderr.write(`keys: unknown command "${argv.filter((a) => !a.startsWith('-')).join(' ')}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  try {
    const { values, positionals } = parseCommandArgs(found.command, found.rest);
    if (values.help) {
      out(helpText(found.command));
      return 0;
    }
    const now = Math.floor(Date.now() / 1000);
    await found.command.run({ values, positionals, env, environment, now, reporter: createReporter(), print: out });
    return 0;
  } catch (e) {
    if (e instanceof KeysError) {
      process.stderr.write(`keys ${found.command.words.join(' ')}: ${e.message} [${e.code}]\n`);
      return e.exitCode;
    }
    process.stderr.write(`keys ${found.command.words.join(' ')}: unexpected ${e instanceof Error ? `${e.name}: ${e.message}` : 'error'}\n`);
    return EXIT_FAILURE;
  }
}
