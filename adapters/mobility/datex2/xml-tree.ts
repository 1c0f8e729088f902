/**
 * A tiny element tree for ONE record of a DATEX II publication (a site record is a few kB): the
 * streaming parser builds it while inside a record and drops it once the record is emitted, so memory
 * stays bounded by the largest record, not by the document. Names are local names (DATEX II v2 and v3
 * use the same local names under different namespaces); `xsi:type` values lose their prefix.
 */

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** First direct child named `name`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** All direct children named `name`. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** First descendant named `name` (depth first, document order), the node itself excluded. */
export function find(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) return undefined;
  for (const c of node.children) {
    if (c.name === name) return c;
    const deeper = find(c, name);
    if (deeper) return deeper;
  }
  return undefined;
}

/** All descendants named `name` that are not inside another match (outermost only). */
export function findAll(node: XmlNode | undefined, name: string, out: XmlNode[] = []): XmlNode[] {
  if (!node) return out;
  for (const c of node.children) {
    if (c.name === name) out.push(c);
    else findAll(c, name, out);
  }
  return out;
}

/** Trimmed text of the node at `path` below `node` (each step a direct child); undefined when absent or empty. */
export function textAt(node: XmlNode | undefined, ...path: string[]): string | undefined {
  let n = node;
  for (const step of path) n = child(n, step);
  const t = n?.text.trim();
  return t ? t : undefined;
}

/** Trimmed text of the first descendant leaf named `name`. */
export function findText(node: XmlNode | undefined, name: string): string | undefined {
  const t = find(node, name)?.text.trim();
  return t ? t : undefined;
}

/** xs:decimal (and xs:integer) lexical form: optional sign, digits, optional fraction. */
const XS_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
/** xs:float / xs:double lexical form of a finite number: a decimal with an optional exponent. */
const XS_FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The text as a finite number when it is an XML Schema number, else undefined (empty, `n/a`, `INF`,
 * `1e400`, and JavaScript-only forms such as `0x10`, `0b101`, `1_000`). `exponent`: whether the
 * type is xs:float/xs:double (`1.5e2`); false for xs:decimal and xs:integer types (counts, flows).
 * @example toNumber('0x10') // undefined
 * @example toNumber('1.2e2') // 120
 * @example toNumber('1.2e2', false) // undefined
 */
export function toNumber(text: string | undefined, exponent = true): number | undefined {
  const t = text?.trim();
  if (!t || !(exponent ? XS_FLOAT : XS_DECIMAL).test(t)) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) return undefined;
  return n === 0 ? 0 : n; // `-0` is 0
}

const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/**
 * The node as XML text (local names, `xsi:type` as `type`), cut after about `max` characters with
 * `…`: a short text of a refused record for its dead letter. Only called for refused records.
 * @example xmlText({ name: 'a', attrs: { id: '1' }, children: [], text: 'x' }) // '<a id="1">x</a>'
 */
export function xmlText(node: XmlNode, max = 2000): string {
  let out = '';
  const write = (n: XmlNode): boolean => {
    if (out.length > max) return false;
    const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
    const text = n.text.trim();
    if (n.children.length === 0 && !text) {
      out += `<${n.name}${attrs}/>`;
      return true;
    }
    out += `<${n.name}${attrs}>${escapeXml(text)}`;
    for (const c of n.children) if (!write(c)) return false;
    out += `</${n.name}>`;
    return true;
  };
  return write(node) && out.length <= max ? out : `${out.slice(0, max)}…`;
}
