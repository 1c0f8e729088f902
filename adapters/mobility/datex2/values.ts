/**
 * Reading DATEX II values shared by every record kind: times, counts, measurements, multilingual
 * texts, status words, and the refusal of a record that cannot be translated.
 */
import type { RefusedRecord } from './types';
import { findAll, textAt, toNumber, xmlText, type XmlNode } from './xml-tree';

/**
 * An ISO 8601 date-time with an offset → ISO 8601 UTC with `Z` (milliseconds kept only when not zero).
 * DATEX II publishers send up to 7 fractional digits and local offsets (`+02:00`).
 * @example toUtc('2025-05-09T21:41:58.5461534+02:00') // '2025-05-09T19:41:58.546Z'
 */
export function toUtc(text: string | undefined): string | undefined {
  const m = text?.trim().match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  const check = new Date(base);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return undefined;
  let t = base;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const date = new Date(t);
  return date.toISOString().replace('.000Z', 'Z');
}

/** The text at `path`, else its `timeValue` child (v3 wraps times), as ISO 8601 UTC. */
export function timeAt(node: XmlNode | undefined, ...path: string[]): string | undefined {
  return toUtc(textAt(node, ...path) ?? textAt(node, ...path, 'timeValue'));
}

/**
 * A multilingual string (`values/value[@lang]`, or plain text): the value in `lang` (the
 * publication's language; the same primary subtag, e.g. `fr-BE` for `fr`, if none is exactly it),
 * else the first value.
 * @example multilingual(name, 'fr') // 'N12 Saint-Brieuc' rather than the Breton value listed first
 */
export function multilingual(node: XmlNode | undefined, lang?: string): string | undefined {
  if (!node) return undefined;
  const values = findAll(node, 'value').filter((v) => v.text.trim() !== '');
  if (values.length === 0) return textAt(node);
  let pick = values[0];
  if (lang && values.length > 1) {
    const want = lang.trim().toLowerCase();
    const primary = want.split('-')[0];
    const langOf = (v: XmlNode) => v.attrs.lang?.trim().toLowerCase() ?? '';
    pick = values.find((v) => langOf(v) === want) ?? values.find((v) => langOf(v).split('-')[0] === primary) ?? pick;
  }
  return pick.text.trim();
}

/** A whole number ≥ 0 in xs:decimal form (no exponent, no `0x…`), else undefined (NDW sends −1 for "no count"). */
export function nonNegativeInt(text: string | undefined): number | undefined {
  const n = toNumber(text, false);
  return n !== undefined && n >= 0 && Number.isInteger(n) ? n : undefined;
}

/**
 * A measurement value: an XML Schema number, finite and not negative (NDW sends −1 for "no speed");
 * anything else (`n/a`, `0x10`) is no data. `exponent`: false for xs:decimal/xs:integer types
 * (a vehicle flow rate), true for xs:float ones (speeds, percentages, durations).
 */
export function measurement(text: string | undefined, exponent = true): number | undefined {
  const n = toNumber(text, exponent);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** The words of `names` that `node` holds as children, in that order. */
export function words(node: XmlNode, names: string[]): string[] {
  return names.map((n) => textAt(node, n)).filter((s): s is string => s !== undefined);
}

/** A record refused whole (a dead letter of its own): the reason and a short text of it. */
export function refused(node: XmlNode, reason: string): RefusedRecord {
  return { kind: 'refused', reason, payload: xmlText(node) };
}
