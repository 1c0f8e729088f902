/**
 * The expression language of mappings: jexl (no eval, no Function) with a small whitelist of
 * transforms and no functions. Expressions are compiled when a mapping loads; evaluation returns
 * only JSON values (a function or an exotic object reached through the payload is refused).
 *
 * Transforms: number, string, round(digits = 0), percent (÷100: 85 → 0.85), toUpperCase,
 * toLowerCase, date(unit?) (epoch s or ms, or an ISO string → ISO 8601 UTC), default(value).
 * All but `default` leave undefined/null as undefined, so `optional` attributes stay optional.
 */
import jexl from 'jexl';
import type { CompiledExpr, ExprContext } from './types';

/** Raised by a transform on a bad input; the translator turns it into a FeedError. */
export class ExprError extends Error {}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const missing = (x: unknown): x is undefined | null => x === undefined || x === null;

/**
 * A time as ISO 8601 UTC with Z (milliseconds only when not zero): an ISO string with a zone, or
 * epoch seconds / milliseconds (`unit` 's' | 'ms'; guessed from the magnitude when omitted).
 * @example toIsoTime(1788328800) // '2026-09-02T06:00:00Z'
 */
export function toIsoTime(x: unknown, unit?: unknown): string {
  let ms: number;
  if (typeof x === 'number' && Number.isFinite(x)) {
    const s = unit === 's' || (unit === undefined && Math.abs(x) < 1e11);
    ms = s ? x * 1000 : x;
  } else if (typeof x === 'string' && ISO.test(x)) {
    ms = Date.parse(x);
  } else {
    throw new ExprError(`${JSON.stringify(x) ?? String(x)} is not a time (ISO 8601 with a zone, or epoch s/ms)`);
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new ExprError(`${String(x)} is not a valid time`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function num(x: unknown, what: string): number {
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ExprError(`${what}: ${JSON.stringify(x) ?? String(x)} is not a number`);
  return n;
}

function str(x: unknown, what: string): string {
  if (typeof x !== 'string') throw new ExprError(`${what}: ${JSON.stringify(x) ?? String(x)} is not a string`);
  return x;
}

type Transform = (value: unknown, ...args: unknown[]) => unknown;
const lift = (f: (x: unknown, ...args: unknown[]) => unknown): Transform => (x, ...args) => (missing(x) ? undefined : f(x, ...args));

/** The whitelisted transforms, by name. */
export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  number: lift((x) => num(x, 'number')),
  string: lift((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))),
  round: lift((x, digits = 0) => {
    const d = num(digits, 'round digits');
    if (!Number.isInteger(d) || d < 0 || d > 12) throw new ExprError('round: digits must be an integer 0..12');
    const f = 10 ** d;
    return Math.round(num(x, 'round') * f) / f;
  }),
  percent: lift((x) => num(x, 'percent') / 100),
  toUpperCase: lift((x) => str(x, 'toUpperCase').toUpperCase()),
  toLowerCase: lift((x) => str(x, 'toLowerCase').toLowerCase()),
  date: lift((x, unit) => {
    if (unit !== undefined && unit !== 's' && unit !== 'ms') throw new ExprError("date: unit must be 's' or 'ms'");
    return toIsoTime(x, unit);
  }),
  default: (x, d) => (missing(x) ? d : x),
};

const engine = new jexl.Jexl();
for (const [name, fn] of Object.entries(TRANSFORMS)) engine.addTransform(name, fn);

type Ast = ReturnType<ReturnType<typeof engine.compile>['_getAst']>;

/** Function calls and unknown transforms are refused when the mapping loads, not on the first message. */
function checkAst(node: Ast | undefined): void {
  if (!node || typeof node !== 'object') return;
  if (node.type === 'FunctionCall') {
    if (node.pool === 'functions') throw new Error(`function ${node.name}() is not available (use a transform: ${Object.keys(TRANSFORMS).join(', ')})`);
    if (!Object.hasOwn(TRANSFORMS, node.name)) throw new Error(`unknown transform |${node.name} (available: ${Object.keys(TRANSFORMS).join(', ')})`);
  }
  for (const v of Object.values(node)) {
    if (Array.isArray(v)) v.forEach((x) => checkAst(x as Ast));
    else if (v && typeof v === 'object') {
      if ('type' in v) checkAst(v as Ast);
      else Object.values(v as Record<string, Ast>).forEach(checkAst);
    }
  }
}

const MAX_DEPTH = 32;

/** Copies a value as JSON, refusing functions, non-finite numbers and non-plain objects. */
export function asJson(x: unknown, depth = 0): unknown {
  if (x === undefined || x === null || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new ExprError(`gives ${x}, not a finite number`);
    return x;
  }
  if (depth > MAX_DEPTH) throw new ExprError('gives a value nested too deep');
  if (Array.isArray(x)) return x.map((v) => asJson(v, depth + 1));
  if (typeof x === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(x))) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = asJson(v, depth + 1);
    return out;
  }
  throw new ExprError(`gives a ${typeof x}, not a JSON value`);
}

/**
 * Compiles one expression; a syntax error, a function call or an unknown transform throws an Error
 * with jexl's message (the loader adds the file and line).
 * @example compileExpr('payload.level | percent', '/attributes/fillingLevel/expr', 12).evaluate({ payload: { level: 85 }, territory: 't', receivedAt: '…' }) // 0.85
 */
export function compileExpr(source: string, pointer: string, line: number): CompiledExpr {
  const compiled = engine.compile(source);
  checkAst(compiled._getAst());
  return {
    source,
    pointer,
    line,
    evaluate: (ctx: ExprContext) => asJson(compiled.evalSync(ctx)),
  };
}
