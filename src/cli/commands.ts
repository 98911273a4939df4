import type { Command } from 'commander';

/**
 * Registers every subcommand. Each action imports its module lazily, so loading the models
 * (or plotting libraries) happens only for the command that needs them.
 */
export function register(program: Command): void {
  void program;
}
