/**
 * Evaluation of a parsed expression (the tree of jexl's parser; jexl's own evaluator is not used):
 * synchronous, on own JSON members only (no prototype, no function), with missing values that stay
 * missing through every operator and name the input that was missing, and a work budget per message.
 */
import { Budget, ExprError, isMissing, Missing, show } from './expr-values';
import { applyTransform, type TransformEnv } from './transforms';
import type { ExprContext } from './types';

/** A node of jexl's expression tree (jexl 2.x parser). */
export type Node =
  | { type: 'Literal'; value: string | number | boolean }
  | { type: 'Identifier'; value: string; from?: Node; relative?: boolean }
  | { type: 'BinaryExpression'; operator: string; left: Node; right: Node }
  | { type: 'UnaryExpression'; operator: string; right: Node }
  | { type: 'ConditionalExpression'; test: Node; consequent: Node | null; alternate: Node }
  | { type: 'FilterExpression'; subject: Node; expr: Node; relative: boolean }
  | { type: 'ArrayLiteral'; value: Node[] }
  | { type: 'ObjectLiteral'; value: Record<string, Node> }
  | { type: 'FunctionCall'; name: string; pool: string; args: Node[] };

/** The names an expression starts from (ExprContext); `deviceId` and `device` not in the deviceId expression. */
export const ROOTS = ['payload', 'deviceId', 'device', 'territory', 'receivedAt'] as const;

/** How an input is written in a reason: `payload.rxInfo[0].rssi`, `payload.list[…].value`. */
export function describe(n: Node): string {
  if (n.type === 'Identifier') return n.from ? `${describe(n.from)}.${n.value}` : `${n.relative ? '.' : ''}${n.value}`;
  if (n.type === 'FilterExpression') return `${describe(n.subject)}[${!n.relative && n.expr.type === 'Literal' ? JSON.stringify(n.expr.value) : '…'}]`;
  if (n.type === 'FunctionCall' && n.args.length > 0) return `${describe(n.args[0])} | ${n.name}`;
  return 'a value';
}

/** An own member of a JSON value (an object's key, an array's or a string's index or length). */
function member(x: unknown, key: string | number): unknown {
  if ((typeof x !== 'object' || x === null) && typeof x !== 'string') return undefined;
  const k = String(key);
  return Object.hasOwn(x as object, k) ? (x as Record<string, unknown>)[k] : undefined;
}

const truthy = (x: unknown) => !(x instanceof Missing) && Boolean(x);
/** A list or an object (not a Missing): `==` and arithmetic would turn it into a string. */
const isComposite = (x: unknown) => typeof x === 'object' && x !== null && !(x instanceof Missing);
/** Steps of native work on a value: long strings and arrays cost in proportion. */
const weight = (x: unknown) => (typeof x === 'string' ? x.length / 64 : Array.isArray(x) ? x.length / 16 : 0);

type Op = (a: unknown, b: unknown) => unknown;
const ARITHMETIC: Record<string, Op> = {
  '+': (a, b) => (a as number) + (b as number),
  '-': (a, b) => (a as number) - (b as number),
  '*': (a, b) => (a as number) * (b as number),
  '/': (a, b) => (a as number) / (b as number),
  '//': (a, b) => Math.floor((a as number) / (b as number)),
  '%': (a, b) => (a as number) % (b as number),
  '^': (a, b) => (a as number) ** (b as number),
};
const COMPARISON: Record<string, Op> = {
  '==': (a, b) => a == b,
  '!=': (a, b) => a != b,
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  '<': (a, b) => (a as number) < (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  in: (a, b) => (typeof b === 'string' ? (typeof a === 'string' || typeof a === 'number') && b.includes(String(a)) : Array.isArray(b) && b.some((x) => x === a)),
};

interface Scope {
  ctx: ExprContext;
  env: TransformEnv;
  /** The element a relative filter (`[.kind == 'no2']`) is looking at. */
  rel?: unknown;
}

function binary(n: Extract<Node, { type: 'BinaryExpression' }>, s: Scope): unknown {
  const left = ev(n.left, s);
  if (n.operator === '&&') return truthy(left) ? ev(n.right, s) : left;
  if (n.operator === '||') return truthy(left) ? left : ev(n.right, s);
  const right = ev(n.right, s);
  s.env.budget.spend(weight(left) + weight(right));
  const arithmetic = ARITHMETIC[n.operator];
  if (!arithmetic) {
    const plain = (x: unknown) => (x instanceof Missing ? undefined : x);
    // a list or an object is compared as itself, never turned into a string (whose size the payload sets)
    if (n.operator !== 'in' && (isComposite(left) || isComposite(right))) return n.operator === '==' ? left === right : n.operator === '!=' ? left !== right : false;
    return COMPARISON[n.operator](plain(left), plain(right));
  }
  if (left instanceof Missing) return left;
  if (right instanceof Missing) return right;
  if (isComposite(left) || isComposite(right)) throw new ExprError(`${show(left)} ${n.operator} ${show(right)}: a list or an object is not a number or a string`);
  const v = arithmetic(left, right);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ExprError(`${show(left)} ${n.operator} ${show(right)} gives ${v}`);
  return v;
}

function filter(n: Extract<Node, { type: 'FilterExpression' }>, s: Scope): unknown {
  const subject = ev(n.subject, s);
  if (subject instanceof Missing) return subject;
  if (n.relative) {
    const items = Array.isArray(subject) ? subject : [subject];
    const inner: Scope = { ...s }; // one scope for all the elements (no filter is nested in this one)
    return items.filter((rel) => {
      s.env.budget.spend(1);
      inner.rel = rel;
      return truthy(ev(n.expr, inner));
    });
  }
  const key = ev(n.expr, s);
  if (key instanceof Missing) return key;
  if (typeof key === 'boolean') return key ? subject : new Missing(describe(n));
  const v = typeof key === 'string' || typeof key === 'number' ? member(subject, key) : undefined;
  return isMissing(v) ? new Missing(describe(n)) : v;
}

function identifier(n: Extract<Node, { type: 'Identifier' }>, s: Scope): unknown {
  let base: unknown;
  if (n.from) {
    base = ev(n.from, s);
    if (base instanceof Missing) return base;
    if (Array.isArray(base)) base = base[0]; // as jexl: a name after a list reads its first element
  } else if (n.relative) base = s.rel;
  else {
    const v = member(s.ctx, n.value);
    if (n.value === 'device' && isMissing(v)) return new Missing('device', 'is missing: the deviceId is not in the territory device registry');
    return isMissing(v) ? new Missing(n.value) : v;
  }
  const v = member(base, n.value);
  return isMissing(v) ? new Missing(describe(n)) : v;
}

function ev(n: Node, s: Scope): unknown {
  s.env.budget.spend(1);
  switch (n.type) {
    case 'Literal':
      return n.value;
    case 'Identifier':
      return identifier(n, s);
    case 'FilterExpression':
      return filter(n, s);
    case 'BinaryExpression':
      return binary(n, s);
    case 'UnaryExpression':
      return !truthy(ev(n.right, s)); // jexl's only unary operator: !
    case 'ConditionalExpression': {
      const test = ev(n.test, s);
      if (truthy(test)) return n.consequent ? ev(n.consequent, s) : test;
      return ev(n.alternate, s);
    }
    case 'ArrayLiteral': {
      const out: unknown[] = [];
      for (const item of n.value) {
        const v = ev(item, s);
        if (v instanceof Missing) return v; // a list with a hole is missing as a whole
        out.push(v);
      }
      return out;
    }
    case 'ObjectLiteral': {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [k, item] of Object.entries(n.value)) {
        const v = ev(item, s);
        if (!(v instanceof Missing)) out[k] = v; // a missing member is left out
      }
      return out;
    }
    case 'FunctionCall': {
      const [value, ...args] = n.args.map((a) => ev(a, s));
      return applyTransform(n.name, value, args, s.env);
    }
  }
}

/** What evaluation needs besides the expression's names. */
export interface EvalEnv {
  timeZone?: string;
  /** Shared by the expressions of one message; a fresh one when omitted. */
  budget?: Budget;
}

/**
 * Evaluates a tree on a context: the value, or a Missing naming the input that was missing.
 * @example evaluateTree(ast, { payload: { a: 2 }, territory: 't', receivedAt: '…' }) // 2 (ast of payload.a)
 */
export function evaluateTree(ast: Node, ctx: ExprContext, env: EvalEnv = {}): unknown {
  return ev(ast, { ctx, env: { timeZone: env.timeZone, budget: env.budget ?? new Budget() } });
}
