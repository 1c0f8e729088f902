/**
 * Episodes (e.g. an SDM Alert for a meter's leak flag): a translator says, statelessly, "at time t the
 * condition holds" or "does not hold"; this tracker turns those marks into the writes that give one
 * entity per episode a stable `validFrom` (the first observation that raised it), `validTo` (the first
 * that cleared it) and `dateIssued` (= validFrom). Marks that change nothing write nothing, so a
 * meter that reports every hour does not rewrite its Alerts every hour.
 *
 * State: the current validFrom/validTo of each episode entity, read from the broker on first use
 * (`EpisodeReader`, embedded or external) and then kept in a bounded cache updated by the tracker's
 * own writes (`forget` drops an entry whose write failed). The marks of an episode entity are
 * resolved one translation at a time, in arrival order; other entities' do not wait for them.
 *
 * Rules (a mark at time t; "open" = validFrom and no validTo, or validTo before validFrom as stored by
 * earlier versions):
 * - condition holds, episode open: nothing, unless t is before validFrom (a late frame): validFrom = t,
 *   but not back to or before the end of the episode before it (a late frame of that one): nothing;
 * - condition holds, none open: a new episode (validFrom = dateIssued = t, and the previous episode's
 *   validTo deleted: an Alert whose validTo is past would read as expired), unless t is not after the
 *   last validTo (a late frame of the closed episode): nothing;
 * - condition clear, episode open: validTo = t, unless t is before validFrom (a late frame): nothing;
 * - condition clear, episode closed: nothing, unless t lies between validFrom and validTo (a late
 *   frame): validTo = t; no episode at all: nothing (a meter that never alarmed has no Alert).
 */
import type { Entity } from '../ngsi-ld/types';
import { createKeyedTurns } from './keyed-turns';
import type { Translation } from './types';

/** One observation of an episode's condition, as a translator emits it. */
export interface EpisodeMark {
  /** The episode entity without validFrom, validTo and dateIssued (written in merge mode). */
  entity: Entity;
  /** Whether the condition holds at `time`. */
  active: boolean;
  /** ISO 8601 UTC time of the observation (the device's own time). */
  time: string;
  /** The @context URL defining `validFrom` and `validTo` (used to read the state back). */
  context: string;
}

/** What the broker holds of an episode entity (ISO 8601 UTC times). */
export interface EpisodeState {
  validFrom?: string;
  validTo?: string;
  /** The end of the episode before the open one (known to this process only: its validTo was deleted). */
  lastEnd?: string;
}

/** Reads the validFrom/validTo of entities; absent entities are simply not in the map. */
export type EpisodeReader = (ids: string[], context: string) => Promise<Map<string, EpisodeState>>;

export interface EpisodeTracker {
  /** Replaces `t.episodes` by the entity writes they need (appended to `t.entities`, merge mode). */
  resolve(t: Translation): Promise<Translation>;
  /** Drops what the tracker believes of these entities (their write failed: read them again next time). */
  forget(ids: Iterable<string>): void;
}

/** A date Property: an ISO 8601 string, so that its simplified form is the date-time string the Smart Data Models schemas require. */
const dateTime = (t: string) => ({ type: 'Property', value: t });

/** The write that opens an episode at `time`. */
export function openedEpisode(entity: Entity, time: string): Entity {
  return { ...entity, dateIssued: dateTime(time), validFrom: dateTime(time) };
}

/**
 * The write that closes an episode opened at `validFrom`, at `time`: whole (validFrom too), so that it
 * stands for an opening of the same message that it replaces.
 */
export function closedEpisode(entity: Entity, validFrom: string, time: string): Entity {
  return { ...entity, dateIssued: dateTime(validFrom), validFrom: dateTime(validFrom), validTo: dateTime(time) };
}

export const isOpen = (s: EpisodeState | undefined): boolean => !!s?.validFrom && (!s.validTo || s.validTo < s.validFrom);

/**
 * The write a mark needs given the state (undefined: no such entity), and the state after it; no
 * write when the mark changes nothing. Pure.
 */
export function applyMark(m: EpisodeMark, s: EpisodeState | undefined): { write?: Entity; next: EpisodeState | undefined; removeValidTo?: true } {
  const t = m.time;
  if (m.active) {
    if (isOpen(s)) {
      const from = t >= s!.validFrom! || (s!.lastEnd !== undefined && t <= s!.lastEnd) ? s!.validFrom! : t;
      // a reopening whose deletion of the old end did not happen (validTo < validFrom: the broker failed
      // between the two writes, or an earlier version wrote it so): finished now
      if (s!.validTo !== undefined) return { write: openedEpisode(m.entity, from), next: { validFrom: from, lastEnd: s!.lastEnd ?? s!.validTo }, removeValidTo: true };
      if (from === s!.validFrom) return { next: s };
      return { write: openedEpisode(m.entity, t), next: { ...s, validFrom: t } };
    }
    if (s?.validTo && t <= s.validTo) return { next: s };
    if (!s?.validTo) return { write: openedEpisode(m.entity, t), next: { validFrom: t } };
    return { write: openedEpisode(m.entity, t), next: { validFrom: t, lastEnd: s.validTo }, removeValidTo: true };
  }
  if (!s?.validFrom) return { next: s };
  if (isOpen(s)) {
    if (t < s.validFrom) return { next: s };
    return { write: closedEpisode(m.entity, s.validFrom, t), next: { ...s, validTo: t } };
  }
  if (t > s.validFrom && t < s.validTo!) return { write: closedEpisode(m.entity, s.validFrom, t), next: { ...s, validTo: t } };
  return { next: s };
}

/**
 * @example
 * const episodes = createEpisodeTracker(readFromBroker);
 * const t = await episodes.resolve(translateUplink(reading, uplink, device, 'eclor'));
 * await write(t);
 */
export function createEpisodeTracker(read: EpisodeReader, o: { maxEntries?: number } = {}): EpisodeTracker {
  const max = o.maxEntries ?? 100_000;
  /** id → state (null: the entity does not exist), least recently used first. */
  const cache = new Map<string, EpisodeState | null>();
  const remember = (id: string, s: EpisodeState | null) => {
    cache.delete(id);
    cache.set(id, s);
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
  };
  /** A translation's marks wait for the unfinished ones of the same episode entities (keyed-turns.ts). */
  const turns = createKeyedTurns();

  async function resolveNow(t: Translation): Promise<Translation> {
    const marks = t.episodes ?? [];
    const missing = new Map<string, string[]>();
    for (const m of marks) {
      const id = String(m.entity.id);
      if (cache.has(id)) continue;
      const ids = missing.get(m.context) ?? [];
      if (!ids.includes(id)) ids.push(id);
      missing.set(m.context, ids);
    }
    for (const [context, ids] of missing) {
      const found = await read(ids, context);
      for (const id of ids) remember(id, found.get(id) ?? null);
    }
    const writes = new Map<string, Entity>();
    /** Entities reopened in this message: their stored validTo goes, unless a later mark closes them again. */
    const reopened = new Map<string, string>();
    const utc = new Map<string, string>(); // the marks of one message mostly share their time
    for (const m of marks) {
      const id = String(m.entity.id);
      let time = utc.get(m.time);
      if (time === undefined) utc.set(m.time, (time = timeOf(m.time) ?? m.time));
      const { write, next, removeValidTo } = applyMark({ ...m, time }, cache.get(id) ?? undefined);
      if (!write) continue;
      remember(id, next ?? null);
      writes.set(id, write); // a later mark of the same entity in one message wins
      if (removeValidTo) reopened.set(id, m.context);
    }
    const remove = [...reopened].filter(([id]) => writes.get(id)?.validTo === undefined).map(([id, context]) => ({ id, attribute: 'validTo', context }));
    const { episodes: _done, ...rest } = t;
    if (remove.length) rest.remove = [...(t.remove ?? []), ...remove];
    return writes.size ? { ...rest, entities: [...t.entities, ...writes.values()] } : rest;
  }

  return {
    resolve(t) {
      if (!t.episodes?.length) return Promise.resolve(t);
      if (t.mode !== 'merge') return Promise.reject(new Error('a translation with episodes must be written in merge mode'));
      // one translation at a time per episode entity: a read of the broker must not interleave with another mark of the same entity
      return turns.run(
        t.episodes.map((m) => String(m.entity.id)),
        () => resolveNow(t),
      );
    },
    forget(ids) {
      for (const id of ids) cache.delete(id);
    },
  };
}

/** A DateTime value as a broker returns it in keyValues (a string, or `{ "@type": "DateTime", "@value": … }`). */
export function timeOf(v: unknown): string | undefined {
  const raw = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as Record<string, unknown>)['@value'] : undefined;
  if (typeof raw !== 'string') return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The states of entities read in keyValues format (`validFrom`, `validTo` as compacted by the reader's context). */
export function statesOf(entities: Array<Record<string, unknown>>): Map<string, EpisodeState> {
  const out = new Map<string, EpisodeState>();
  for (const e of entities) if (typeof e.id === 'string') out.set(e.id, { validFrom: timeOf(e.validFrom), validTo: timeOf(e.validTo) });
  return out;
}
