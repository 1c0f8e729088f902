/**
 * The lexer of the NGSI-LD query language (ETSI GS CIM 009 v1.8, clause 4.9). The language is
 * context-sensitive (a `.` separates path levels in a name, is a decimal point in a number, and
 * `..` makes a range; a regular expression runs to the end of its term), so the parser asks for
 * the token it expects next: an attribute path, an operator, a quoted string, a bare value, a pattern.
 */
import type { QAttr } from './ast';
import { MAX_PATH_LEVELS, describeAt, syntaxError, tooComplex } from './limits';
import { isRangeStart } from './values';

export const OPERATORS = ['!~=', '==', '!=', '>=', '<=', '~=', '>', '<'] as const;
export type Operator = (typeof OPERATORS)[number];

const NAME_START = /[\p{L}_]/u;
/** Characters of names: compact terms (`ex:temp`) and IRIs (`https://x.org/ns#temp`). */
const NAME_CHAR = /[\p{L}\p{N}\p{M}_:/#\-@%+&?$]/u;
const SCHEME = /^[A-Za-z][A-Za-z0-9+-]*:$/;
/** Ends a bare value. */
const BARE_END = new Set([';', '|', ')', ',', ']', '"', ' ', '\t', '\n', '\r']);

export class QScanner {
  pos = 0;
  constructor(
    readonly src: string,
    readonly what = 'q',
  ) {}

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  peek(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  skipSpace(): void {
    while (/\s/.test(this.peek()) && !this.eof()) this.pos++;
  }

  /** Consumes `s` if the input continues with it. */
  accept(s: string): boolean {
    if (!this.src.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  fail(message: string, at = this.pos): never {
    throw syntaxError(this.what, at, message);
  }

  found(): string {
    return describeAt(this.src, this.pos);
  }

  /** An attribute path: `a`, `a.b.c`, `a[k]`, `a.b[k][l]`. */
  readAttr(): QAttr {
    const path = [this.readName()];
    while (this.peek() === '.' && this.peek(1) !== '.') {
      this.pos++;
      path.push(this.readName());
      if (path.length > MAX_PATH_LEVELS) throw tooComplex(this.what, `attribute path deeper than ${MAX_PATH_LEVELS} levels`);
    }
    const members: string[] = [];
    while (this.peek() === '[') {
      this.pos++;
      const start = this.pos;
      while (!this.eof() && (NAME_CHAR.test(this.peek()) || this.peek() === '.')) this.pos++;
      if (this.pos === start) this.fail(`expected a JSON member name after '[', found ${this.found()}`);
      members.push(this.src.slice(start, this.pos));
      if (!this.accept(']')) this.fail(`expected ']' after the JSON member name, found ${this.found()}`);
      if (members.length > MAX_PATH_LEVELS) throw tooComplex(this.what, `JSON member access deeper than ${MAX_PATH_LEVELS} levels`);
    }
    if (members.length > 0 && this.peek() === '.') this.fail('a sub-attribute path cannot follow a JSON member access [..]');
    return { path, members };
  }

  /**
   * One level of a path: a term or an IRI. Inside an IRI a `.` belongs to the IRI in the authority,
   * and in the path when the next part contains `/` or `#` or does not start with a letter
   * (`https://x.org/dataModel.Parking/name`); otherwise it separates a sub-attribute
   * (`https://x.org/ns/temperature.observedAt`).
   */
  private readName(): string {
    const start = this.pos;
    if (!NAME_START.test(this.peek())) this.fail(`expected an attribute name, found ${this.found()}`);
    let iri = false;
    let authority = false;
    while (!this.eof()) {
      const c = this.peek();
      if (c === '/' && !iri && this.peek(1) === '/' && SCHEME.test(this.src.slice(start, this.pos))) {
        iri = authority = true;
        this.pos += 2;
      } else if (NAME_CHAR.test(c)) {
        if (authority && (c === '/' || c === '#' || c === '?')) authority = false;
        this.pos++;
      } else if (c === '.' && iri && this.peek(1) !== '.' && (authority || this.dotInIri())) {
        this.pos++;
      } else {
        break;
      }
    }
    return this.src.slice(start, this.pos);
  }

  private dotInIri(): boolean {
    let end = this.pos + 1;
    while (end < this.src.length && NAME_CHAR.test(this.src[end])) end++;
    const next = this.src.slice(this.pos + 1, end);
    if (/^[A-Za-z][A-Za-z0-9+-]*:\/\//.test(next)) return false;
    return /[/#]/.test(next) || !NAME_START.test(next.charAt(0));
  }

  /** An operator, or undefined when none starts here. */
  readOperator(): Operator | undefined {
    for (const op of OPERATORS) if (this.accept(op)) return op;
    return undefined;
  }

  /** A double-quoted string; `\"` and `\\` are escapes, any other backslash is literal. */
  readQuoted(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    while (!this.eof()) {
      const c = this.src[this.pos++];
      if (c === '"') return out;
      if (c === '\\' && (this.peek() === '"' || this.peek() === '\\')) out += this.src[this.pos++];
      else out += c;
    }
    return this.fail('unterminated string', start);
  }

  /** An unquoted value; stops before `..` when what precedes can start a range. */
  readBare(): string {
    const start = this.pos;
    while (!this.eof() && !BARE_END.has(this.peek())) {
      if (this.peek() === '.' && this.peek(1) === '.' && isRangeStart(this.src.slice(start, this.pos))) break;
      this.pos++;
    }
    return this.src.slice(start, this.pos);
  }

  /**
   * A regular expression: quoted, or unquoted up to the `;`, `|` or `)` that ends the term (those
   * inside parentheses, character classes or escaped by `\` belong to the pattern).
   */
  readPattern(): string {
    if (this.peek() === '"') return this.readQuoted();
    const start = this.pos;
    let depth = 0;
    let inClass = false;
    while (!this.eof()) {
      const c = this.peek();
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (inClass) {
        if (c === ']') inClass = false;
      } else if (c === '[') {
        inClass = true;
      } else if (c === '(') {
        depth++;
      } else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if ((c === ';' || c === '|') && depth === 0) {
        break;
      }
      this.pos++;
    }
    this.pos = Math.min(this.pos, this.src.length);
    return this.src.slice(start, this.pos);
  }
}
