/**
 * The expression language of mappings: jexl's syntax (parsed by jexl; never eval, never Function),
 * evaluated by ./evaluate.ts with the transforms of ./transforms.ts and no functions. Expressions are
 * compiled and checked when a mapping loads: unknown names, transforms and function calls, and a
 * filter inside a filter (work that grows with the square of the payload) are refused there.
 * Evaluation returns only JSON values, or a Missing naming the input that was missing.
 */
import jexl from 'jexl';
import { describe, evaluateTree, ROOTS, type EvalEnv, type Node } from './evaluate';
import { Budget, ExprError, Missing } from './expr-values';
import { TRANSFORMS } from './transforms';
import type { CompiledExpr, ExprContext } from './types';

export { ExprError, Missing, isMissing } from './expr-values';
export { TRANSFORMS, toIsoTime } from './transforms';

const engine = new jexl.Jexl();
const TRANSFORM_NAMES = Object.keys(TRANSFORMS).join(', ');

function children(n: Node): Node[] {
  switch (n.type) {
    case 'Identifier':
      return n.from ? [n.from] : [];
    case 'BinaryExpression':
      return [n.left, n.right];
    case 'UnaryExpression':
      return [n.right];
    case 'ConditionalExpression':
      return [n.test, ...(n.consequent ? [n.consequent] : []), n.alternate];
    case 'FilterExpression':
      return [n.subject, n.expr];
    case 'ArrayLiteral':
      return n.value;
    case 'ObjectLiteral':
      return Object.values(n.value);
    case 'FunctionCall':
      return n.args ?? [];
    default:
      return [];
  }
}

const hasRelativeFilter = (n: Node): boolean => (n.type === 'FilterExpression' && n.relative) || children(n).some(hasRelativeFilter);
const isRelativeName = (n: Node): boolean => n.type === 'Identifier' && !n.from && n.relative === true;
/** Whether `n` names an element (`.v`) of its own, not one of a relative filter inside it. */
const hasRelativeName = (n: Node): boolean =>
  isRelativeName(n) || (n.type === 'FilterExpression' && n.relative ? hasRelativeName(n.subject) : children(n).some(hasRelativeName));

/**
 * Marks as relative a filter whose condition names the element (`.v`) though jexl's parser did not
 * (a condition that starts with a parenthesis: `list[(.v | string) == '3']`). Inner filters first.
 */
function markRelativeFilters(n: Node): void {
  for (const c of children(n)) markRelativeFilters(c);
  if (n.type === 'FilterExpression' && !n.relative && hasRelativeName(n.expr)) n.relative = true;
}

/** Refuses at load what would fail, or never give a value, or take too long on messages. */
function check(node: Node, roots: readonly string[], inFilter = false): void {
  if (isRelativeName(node) && !inFilter) throw new Error(`".${(node as { value: string }).value}" names an element of a list: it is only meaningful in a filter, e.g. payload.list[.${(node as { value: string }).value} == 1]`);
  if (node.type === 'FunctionCall') {
    if (node.pool === 'functions') throw new Error(`function ${node.name}() is not available (use a transform: ${TRANSFORM_NAMES})`);
    if (!Object.hasOwn(TRANSFORMS, node.name)) throw new Error(`unknown transform |${node.name} (available: ${TRANSFORM_NAMES})`);
  }
  if (node.type === 'Identifier' && !node.from && !node.relative && !roots.includes(node.value)) {
    const known = (ROOTS as readonly string[]).includes(node.value);
    throw new Error(known ? `${node.value} is not known yet in the deviceId expression` : `unknown name "${node.value}" (an expression starts from ${roots.join(', ')})`);
  }
  if (node.type === 'FilterExpression' && node.relative && hasRelativeFilter(node.expr)) {
    throw new Error(`a filter inside the filter of ${describe(node.subject)} is not allowed: its work grows with the square of the payload`);
  }
  if (node.type === 'FilterExpression') {
    check(node.subject, roots, inFilter);
    check(node.expr, roots, inFilter || node.relative);
    return;
  }
  for (const c of children(node)) check(c, roots, inFilter);
}

/** jexl's parse error, with the bracket syntax when a field name is a keyword (`payload.counts.in`). */
function parseError(source: string, err: Error): Error {
  const token = /^Token (\S+) \(\S+\) unexpected/.exec(err.message)?.[1];
  if (token && new RegExp(`\\.\\s*${token.replace(/[$^.*+?()[\]{}|\\]/g, '\\$&')}\\b`).test(source)) {
    return new Error(`${err.message}; "${token}" is a keyword or a reserved name: write the field with brackets, e.g. payload.x['${token}']`);
  }
  return err;
}

/** Copies a value as JSON (spending the budget), refusing non-finite numbers and non-plain objects. */
export function asJson(x: unknown, budget = new Budget(), depth = 0): unknown {
  budget.spend(1);
  if (x === undefined || x === null || x instanceof Missing || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new ExprError(`gives ${x}, not a finite number`);
    return x;
  }
  if (depth > 32) throw new ExprError('gives a value nested too deep');
  if (Array.isArray(x)) return x.map((v) => asJson(v, budget, depth + 1));
  if (typeof x === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(x))) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      const copy = asJson(v, budget, depth + 1);
      // a "__proto__" key of the payload stays a key (an assignment would set the prototype)
      if (k === '__proto__') Object.defineProperty(out, k, { value: copy, enumerable: true, writable: true, configurable: true });
      else out[k] = copy;
    }
    return out;
  }
  throw new ExprError(`gives a ${typeof x}, not a JSON value`);
}

/**
 * Compiles one expression; a syntax error, an unknown name, a function call, an unknown transform or
 * a filter inside a filter throws an Error (the loader adds the file and line). `roots`: the names
 * the expression may start from (the deviceId expression has neither deviceId nor device).
 * @example compileExpr('payload.level | percent', '/attributes/fillingLevel/expr', 12).evaluate({ payload: { level: 85 }, territory: 't', receivedAt: '…' }) // 0.85
 */
export function compileExpr(source: string, pointer: string, line: number, roots: readonly string[] = ROOTS): CompiledExpr {
  let ast: Node;
  try {
    ast = engine.compile(source)._getAst() as unknown as Node;
  } catch (err) {
    throw parseError(source, err as Error);
  }
  markRelativeFilters(ast);
  check(ast, roots);
  return {
    source,
    pointer,
    line,
    evaluate: (ctx: ExprContext, env: EvalEnv = {}) => {
      const budget = env.budget ?? new Budget();
      return asJson(evaluateTree(ast, ctx, { ...env, budget }), budget);
    },
  };
}
