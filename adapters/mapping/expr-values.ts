/**
 * The values an expression works with besides JSON: a missing value that remembers which input was
 * missing (so a reason can name it), the error of a bad input, and the work budget of one message.
 */

/** Raised by a transform or an operator on a bad input; the translator turns it into a FeedError. */
export class ExprError extends Error {}

/**
 * A value that is not there (a field absent or null, an index past the end, an unknown device …),
 * carrying the input that was missing. Anything computed from it is missing too (except `default`).
 * @example new Missing('payload.rxInfo').reason // 'payload.rxInfo is missing'
 */
export class Missing {
  constructor(
    readonly input: string,
    private readonly why = 'is missing',
  ) {}
  get reason(): string {
    return `${this.input} ${this.why}`;
  }
}

/** undefined, null or a Missing. */
export const isMissing = (x: unknown): x is undefined | null | Missing => x === undefined || x === null || x instanceof Missing;

/** A short display of a value for reasons (NaN and Infinity as themselves, not JSON's null). */
export function show(x: unknown): string {
  if (typeof x === 'number' || x === undefined) return String(x);
  if (x instanceof Missing) return x.reason;
  return (JSON.stringify(x) ?? String(x)).slice(0, 100);
}

/**
 * Work allowed for one message, in steps (one expression node, or about 16 array elements or 64
 * characters handled natively; about 0.2 µs each). A message that needs more is refused: no payload
 * can hold the event loop for long, whatever the mapping.
 */
export const MAX_STEPS = 1_000_000;
/** Work allowed for a whole batch: MAX_STEPS, plus this much for each of its messages. */
export const BATCH_STEPS_PER_MESSAGE = 1_000;

/** The steps left to a message (shared by all the expressions that translate it), and to its batch. */
export class Budget {
  private left: number;
  constructor(
    readonly steps = MAX_STEPS,
    private readonly batch?: Budget,
    private readonly what = 'one message',
  ) {
    this.left = steps;
  }
  /** Whether the steps are used up (a batch's: its messages can no longer be judged one by one). */
  get exhausted(): boolean {
    return this.left < 0;
  }
  /** Takes `n` steps; throws an ExprError when the message (or its batch) has used up its steps. */
  spend(n = 1): void {
    this.left -= n;
    if (this.left < 0) throw new ExprError(`needs more than ${this.steps} steps of work for ${this.what} (payload arrays or strings too large for this mapping)`);
    this.batch?.spend(n);
  }
}
