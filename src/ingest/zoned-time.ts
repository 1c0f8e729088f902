/**
 * Wall-clock times of the territory's zone (an IANA name such as `Europe/Paris`, territory file
 * `timeZone`) to UTC, for feeds whose times carry no offset: utilities' CSV exports, meters set to
 * local time. Uses the zone data of the JavaScript runtime (Intl), none of our own.
 */

/** Whether the runtime knows the IANA time zone `name`. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset at instant `t` (ms): its wall-clock time minus UTC, in ms. */
function offsetAt(t: number, zone: string): number {
  let f = FORMATS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    FORMATS.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(t)) if (type !== 'literal') p[type] = Number(value);
  const whole = t - (((t % 1000) + 1000) % 1000);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

const DAY = 86_400_000;

/**
 * The UTC instant (epoch ms) of a wall-clock time in `zone`, the wall time given as the epoch ms it
 * would be in UTC (`Date.UTC(y, m - 1, d, h, mi, s, ms)`). A time that occurs twice (when clocks go
 * back) is the first one; a time that does not occur (when clocks go forward) is read with the offset
 * before the change.
 *
 * @example
 * new Date(zonedToUtc(Date.UTC(2026, 0, 15, 8, 0), 'Europe/Paris')).toISOString(); // '2026-01-15T07:00:00.000Z'
 * new Date(zonedToUtc(Date.UTC(2026, 6, 15, 8, 0), 'Europe/Paris')).toISOString(); // '2026-07-15T06:00:00.000Z'
 */
export function zonedToUtc(wall: number, zone: string): number {
  const before = wall - offsetAt(wall - DAY, zone);
  const after = wall - offsetAt(wall + DAY, zone);
  const valid = [before, after].filter((t) => t + offsetAt(t, zone) === wall);
  return valid.length ? Math.min(...valid) : before;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

/**
 * An ISO 8601 date-time without an offset (`2026-09-01T06:00:00`, `2026-09-01 06:00`, fractions
 * truncated to the millisecond), read as a wall-clock time of `zone`, as ISO 8601 UTC; undefined when
 * it is not one (or names a day or an hour that does not exist).
 *
 * @example
 * localToUtc('2026-09-01 06:00', 'Europe/Paris'); // '2026-09-01T04:00:00.000Z'
 * localToUtc('2026-09-01T06:00:00Z', 'Europe/Paris'); // undefined (it has an offset)
 */
export function localToUtc(s: string, zone: string): string | undefined {
  const m = LOCAL.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((v) => Number(v ?? 0));
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return undefined;
  return new Date(zonedToUtc(wall, zone)).toISOString();
}
