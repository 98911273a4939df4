#!/usr/bin/env node
/**
 * The `endoface` command. A thin shell: each subcommand lives in its own file, is imported only
 * when it runs (so `--help` is fast), parses its arguments, calls the library and prints.
 * Errors with a reason code are printed as `code: message` and exit 1; anything else is a bug
 * and exits 2 with its stack.
 */
import { Command } from 'commander';
import { isEndofaceError, SOFTWARE_VERSION } from '../core/index.js';
import { flagMessage } from './flags.js';

const program = new Command()
  .name('endoface')
  .description(
    "Screen facial photographs for signs of Cushing's syndrome and acromegaly. Research software, not a diagnostic device.",
  )
  .version(SOFTWARE_VERSION);

export async function main(argv: string[]): Promise<void> {
  const commands = await import('./commands.js');
  commands.register(program);
  await program.parseAsync(argv);
}

/** Request parameters whose flag is not simply their name in kebab case. */
const FLAGS = {
  outerFolds: '--folds',
  featureSets: '--features',
  nResamples: '--bootstrap',
  input: '--in',
  outDir: '--out',
  className: '--class',
  explain: '--heatmap',
};

main(process.argv).catch((caught: unknown) => {
  const err = flagMessage(caught, FLAGS);
  if (isEndofaceError(err)) {
    console.error(`${err.code}: ${err.message}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(2);
});
