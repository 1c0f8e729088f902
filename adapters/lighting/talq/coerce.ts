/**
 * Lenient reading of TALQ values, shared by decode (typed Attribute values) and the mapping
 * (untyped values). Gateways serialize numbers as strings ("38.2"), booleans as strings or 0/1,
 * ON/OFF in any case, a DimLevel as a bare number where a LevelState object is due. Each reader
 * returns the value in its TALQ type, `null` for "no value" (JSON null, "", "NaN"), or undefined when
 * the value cannot be read as that type.
 */
import type { TalqState } from './types';

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NO_VALUE = new Set(['', 'nan', 'null', 'n/a', 'na', 'none', 'undefined']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "No value": null, or a string gateways use for a missing reading. */
export function isNoValue(v: unknown): boolean {
  return v === null || (typeof v === 'string' && NO_VALUE.has(v.trim().toLowerCase()));
}

/** A finite number, or a numeric string. */
export function readNumber(v: unknown): number | null | undefined {
  if (isNoValue(v)) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A boolean, "true"/"false", 1/0, "1"/"0", ON/OFF (any case). */
export function readBoolean(v: unknown): boolean | null | undefined {
  if (isNoValue(v)) return null;
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'on') return true;
  if (t === 'false' || t === '0' || t === 'off') return false;
  return undefined;
}

/** TALQ AttributeBinary: 'ON' / 'OFF' (any case, or a boolean). */
export function readBinary(v: unknown): 'ON' | 'OFF' | null | undefined {
  const b = readBoolean(v);
  return b === null || b === undefined ? b : b ? 'ON' : 'OFF';
}

/** The level member of each State that has one. */
const LEVEL_MEMBER: Record<string, 'value' | 'level'> = {
  LevelState: 'value', LevelAndCCTColorState: 'level', LevelAndRGBWAFColorState: 'level', LevelAndXYColorState: 'level',
};

/**
 * A TALQ State with its level / boolean / number read leniently. A bare number (or numeric string)
 * is a State of the `bare` name (AttributeLevelState written as `{ "value": 80 }`; a LevelState
 * when the name says nothing more), a bare boolean a BooleanState; an object without `name` takes
 * the `bare` name, else is a LevelState when its `value` is a number.
 */
export function readState(v: unknown, bare: string | undefined): TalqState | null | undefined {
  if (isNoValue(v)) return null;
  const named = bare !== undefined && bare !== 'State' ? bare : undefined;
  if (!isObject(v)) {
    if (named === 'BooleanState' || typeof v === 'boolean') {
      const b = readBoolean(v);
      return b === null || b === undefined ? b : { name: 'BooleanState', value: b };
    }
    const n = readNumber(v);
    if (typeof n !== 'number') return undefined;
    const name = named ?? 'LevelState';
    return LEVEL_MEMBER[name] === 'level' ? { name, level: n } : { name, value: n };
  }
  const name = typeof v.name === 'string' && v.name !== '' ? v.name : (named ?? (readNumber(v.value) !== undefined ? 'LevelState' : undefined));
  if (name === undefined) return undefined;
  const out: TalqState = { ...v, name };
  const key = LEVEL_MEMBER[name] ?? (name === 'BooleanState' || name === 'IntegerState' || name === 'FloatState' ? 'value' : undefined);
  if (key && v[key] !== undefined) {
    const read = name === 'BooleanState' ? readBoolean(v[key]) : readNumber(v[key]);
    if (read === undefined) return undefined;
    out[key] = read;
  }
  return out;
}
