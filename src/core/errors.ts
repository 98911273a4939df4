import type { ReasonCode } from './reasons.js';

/**
 * One error type for the whole library. Every failure a user can cause carries a snake_case `code`
 * (a reason code a script can branch on: one of the table in reasons.ts), a one-line human `message`, and
 * optional `details` (file, row, parameter, value received). Stages name their own subsets of the
 * codes; the CLI prints `code: message` and never a stack trace for these.
 */
export class EndofaceError<C extends ReasonCode = ReasonCode> extends Error {
  override readonly name = 'EndofaceError';
  constructor(
    readonly code: C,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** JSON-safe form, for result files and the CLI's `--json`. */
  toJSON(): { code: C; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isEndofaceError(e: unknown): e is EndofaceError {
  return e instanceof EndofaceError;
}
