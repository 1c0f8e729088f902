/**
 * Out-of-order observations. A meter's frame can reach us after a newer one (a network server that
 * retries, a gateway that buffered its uplinks): written as it is, it would put the entity back to an
 * older reading. For the adapters that ask for it (`Adapter.ordered`), the runtime compares each
 * attribute instance's `observedAt` with the latest one the broker holds for that attribute (and
 * datasetId):
 *
 * - an instance observed earlier than the stored one is dropped from the write; an equal time stays
 *   (a re-sent message changes nothing);
 * - an entity whose every observed instance is dropped is **out of order**: not written at all, and
 *   kept as a dead letter with the reason (the runtime answers 409 when nothing of the message was
 *   written);
 * - attributes without `observedAt` (names, locations, relationships) are never compared, but an
 *   entity with some stale instances does not write its locations and dates without `observedAt`
 *   either (they would take a moving sensor's place or a dateObserved back); in replace mode such an
 *   entity is out of order as a whole (a replace would delete the newer attributes the broker holds);
 * - several entities of one id in one translation (a batch of a sensor's readings) are judged in
 *   turn, each against the ones before it;
 * - an attribute that others may write too (a lamp's level, which a flow sets as a target) is compared
 *   with the feed's own last report, as the adapter reads it from its mark (`Adapter.reportedAt`).
 *
 * So an alarm frame newer than the day's data frame keeps its alarm flags while the data frame still
 * writes its newer index. What the broker holds is read once per entity (Query Entities by id), then
 * followed here in a bounded cache, updated as soon as a message is screened, so that two messages in
 * flight are judged in the order they arrived (an entity's messages: those of other entities do not
 * wait for its reads). A refusal is never made on a remembered time alone:
 * unless a write of that entity is still in flight, what the broker holds is read again first (an
 * entity deleted meanwhile then holds nothing, and its late reading is written). Episode marks
 * (src/ingest/episodes.ts) have their own rules for late frames and do not go through this.
 */
import { isDateTime } from '../ngsi-ld/entity/terms';
import type { Entity } from '../ngsi-ld/types';
import { createKeyedTurns } from './keyed-turns';
import type { Translation } from './types';

/** Latest observation time (ms) per attribute key (`name`, or `name#datasetId`) of one entity. */
export type ObservedTimes = Map<string, number>;

/**
 * The time a stored attribute instance was reported by the feed, for attributes that others may write
 * too (a flow setting a lamp's target level): read from what the adapter marked on it, since their
 * `observedAt` may be the other writer's. Undefined: that instance is not compared.
 */
export type ReportedAt = (name: string, instance: Record<string, unknown>, entity: Record<string, unknown>) => string | undefined;

/**
 * Reads the observation times of entities on the broker (an absent id: no such entity), under the
 * translation's @context; `reportedAt` (the adapter's) instead of each instance's `observedAt`.
 */
export type ObservationReader = (ids: string[], context: string[], reportedAt?: ReportedAt) => Promise<Map<string, ObservedTimes>>;

interface Instance {
  observedAt?: unknown;
  datasetId?: unknown;
}

const NOT_ATTRIBUTES = new Set(['id', 'type', '@context', 'scope']);
const instancesOf = (v: unknown): Instance[] => (Array.isArray(v) ? (v as Instance[]) : typeof v === 'object' && v !== null ? [v as Instance] : []);
const keyOf = (name: string, i: Instance): string => (typeof i.datasetId === 'string' ? `${name}#${i.datasetId}` : name);

/**
 * The observation times an entity in normalized form carries, by attribute key (the latest per key);
 * with `reportedAt`, the times it gives.
 * @example observedTimes({ id, type, volume: { type: 'Property', value: 1, observedAt: '2026-01-01T00:00:00Z' } }).get('volume') // 1767225600000
 */
export function observedTimes(e: Record<string, unknown>, into: ObservedTimes = new Map(), reportedAt?: ReportedAt): ObservedTimes {
  for (const [name, v] of Object.entries(e)) {
    if (NOT_ATTRIBUTES.has(name)) continue;
    for (const i of instancesOf(v)) {
      const at = reportedAt ? reportedAt(name, i as Record<string, unknown>, e) : i.observedAt;
      const t = typeof at === 'string' ? Date.parse(at) : NaN;
      if (!Number.isFinite(t)) continue;
      const k = keyOf(name, i);
      const known = into.get(k);
      if (known === undefined || t > known) into.set(k, t);
    }
  }
  return into;
}

/**
 * How far an observation may be ahead of the message's arrival: clocks drift, but a reading from
 * the future is a wrong clock (a meter set to local time read as UTC, a garbage frame), and written
 * it would hold every real reading back as out of order until its time comes.
 */
export const MAX_CLOCK_LEAD_MS = 3_600_000;

/**
 * The first `observedAt` of `e` later than `limit` (epoch ms), as written, or undefined.
 * @example observedAfter(meter, Date.parse(receivedAt) + MAX_CLOCK_LEAD_MS) // '2076-01-12T18:21:59.000Z'
 */
export function observedAfter(e: Entity, limit: number): string | undefined {
  // the attributes of one message mostly share their time: parse it once
  let lastText = '';
  let lastTime = NaN;
  for (const [name, v] of Object.entries(e)) {
    if (NOT_ATTRIBUTES.has(name)) continue;
    for (const i of instancesOf(v)) {
      if (typeof i.observedAt !== 'string') continue;
      if (i.observedAt !== lastText) {
        lastText = i.observedAt;
        lastTime = Date.parse(lastText);
      }
      if (lastTime > limit) return lastText;
    }
  }
  return undefined;
}

/** Why an entity observed after its message arrived (beyond MAX_CLOCK_LEAD_MS) is refused, or undefined when it is not. */
export function clockFault(e: Entity, receivedAt: string): string | undefined {
  const t = observedAfter(e, Date.parse(receivedAt) + MAX_CLOCK_LEAD_MS);
  // the arrival time is the dead letter's own (receivedAt), not in the reason: the same message sent again is the same refusal
  return t && `observed at ${t}, more than ${MAX_CLOCK_LEAD_MS / 3_600_000} h after the message arrived: the device's clock is wrong`;
}

const isGeo = (i: Instance): boolean => (i as { type?: unknown }).type === 'GeoProperty';
/** A date value such as `dateObserved`: an ISO 8601 string, or (written by a client) a typed DateTime literal. */
const isDateValue = (i: Instance): boolean => {
  const v = (i as { value?: unknown }).value;
  return isDateTime(v) || (typeof v === 'object' && v !== null && (v as { '@type'?: unknown })['@type'] === 'DateTime');
};

/** Whether an entity carries any `observedAt` (without parsing it). */
function observes(e: Entity): boolean {
  for (const [name, v] of Object.entries(e)) {
    if (NOT_ATTRIBUTES.has(name)) continue;
    for (const i of instancesOf(v)) if (typeof i.observedAt === 'string') return true;
  }
  return false;
}

/**
 * `e` without the instances observed before what `latest` holds for their key (and then without its
 * attributes that observe nothing), with the times of the instances kept; `reason` instead when every
 * observed instance is older, or, for a `replace` write, any (out of order). Pure.
 * @example screenEntity(frame, stored).entity // the frame, less what the broker already has newer
 */
export function screenEntity(e: Entity, latest: ObservedTimes | undefined, replace = false): { entity: Entity; kept: ObservedTimes } | { reason: string } {
  const kept: ObservedTimes = new Map();
  let observed = 0;
  let stale = 0;
  let first = '';
  let out: Entity | undefined;
  let lastText = '';
  let lastTime = NaN;
  for (const [name, v] of Object.entries(e)) {
    if (NOT_ATTRIBUTES.has(name)) continue;
    const list = instancesOf(v);
    const keep = list.filter((i) => {
      if (typeof i.observedAt !== 'string') return true;
      // the attributes of one message mostly share their time: parse it once
      const t = i.observedAt === lastText ? lastTime : Date.parse(i.observedAt);
      lastText = i.observedAt;
      lastTime = t;
      if (!Number.isFinite(t)) return true;
      observed++;
      const k = keyOf(name, i);
      const known = latest?.get(k);
      if (known !== undefined && t < known) {
        stale++;
        first ||= `${name} observed at ${new Date(t).toISOString()}, the broker holds one of ${new Date(known).toISOString()}`;
        return false;
      }
      const mine = kept.get(k);
      if (mine === undefined || t > mine) kept.set(k, t);
      return true;
    });
    if (keep.length === list.length) continue;
    out ??= { ...e };
    if (keep.length === 0) delete out[name];
    else out[name] = (Array.isArray(v) ? keep : keep[0]) as Entity[string];
  }
  if (observed > 0 && stale === observed) return { reason: `out of order: ${first}` };
  if (stale > 0 && replace) return { reason: `out of order: ${first} (a replace would delete what the broker holds newer)` };
  if (stale > 0) {
    // the rest of an older message: where and when it says without an observedAt (a moving sensor's
    // location, a dateObserved) is older too; names, categories and relationships stay
    for (const [name, v] of Object.entries(out!)) {
      if (!NOT_ATTRIBUTES.has(name) && instancesOf(v).every((i) => typeof i.observedAt !== 'string' && (isGeo(i) || isDateValue(i)))) delete out![name];
    }
  }
  return { entity: out ?? e, kept };
}

export interface ObservationGuard {
  /**
   * The translation less its stale instances, and the entities out of order. The entities it lets
   * through are taken as written at once: call `settle` with their ids once their write is over.
   */
  screen(t: Translation, reportedAt?: ReportedAt): Promise<{ translation: Translation; outOfOrder: Array<{ entity: Entity; reason: string }> }>;
  /** The write of these entities (from a screened translation) is over, written or not. */
  settle(ids: Iterable<string>): void;
  /** Forgets these entities (not written after all): what the broker holds is read again next time. */
  forget(ids: Iterable<string>): void;
}

/**
 * @example
 * const guard = createObservationGuard(embeddedObservationReader(broker, contexts));
 * const { translation, outOfOrder } = await guard.screen(t);
 */
export function createObservationGuard(read: ObservationReader, o: { maxEntries?: number } = {}): ObservationGuard {
  // above the entities of a territory's meters (a meter and its device each): meters report in a cycle,
  // and a cycle longer than the cache would read every entity back from the broker
  const max = o.maxEntries ?? 100_000;
  /** id → latest times (empty: no such entity on the broker), least recently used first. */
  const cache = new Map<string, ObservedTimes>();
  const remember = (id: string, times: ObservedTimes): void => {
    cache.delete(id);
    cache.set(id, times);
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
  };
  /**
   * A screen waits for the unfinished screens of its entities (waiting for a read, or behind one), so
   * that an entity's messages are judged in the order they came; screens of other entities do not
   * wait (a slow or failing broker read holds up its own entities only).
   */
  const turns = createKeyedTurns();
  /** id → screened writes not settled yet: its remembered times are ahead of the broker's, and stand. */
  const pending = new Map<string, number>();

  type Screened = Awaited<ReturnType<ObservationGuard['screen']>>;

  /**
   * Judges `t` against what is remembered and takes what passes as written. With `recheck`, a refusal
   * that rests on remembered times no write in flight explains is not made: the ids to read from the
   * broker again are returned instead, and nothing is taken.
   */
  function judge(t: Translation, recheck: boolean, fresh?: Set<string>): Screened | string[] {
    const replace = t.mode !== 'merge';
    /** The times after the entities of this translation judged so far (an id may come more than once). */
    const after = new Map<string, ObservedTimes>();
    const verdicts = t.entities.map((e) => {
      const id = String(e.id);
      const own = after.get(id);
      const latest = own ?? cache.get(id);
      const s = screenEntity(e, latest, replace);
      if (!('reason' in s) && latest !== undefined) {
        const next = new Map(latest);
        for (const [k, time] of s.kept) if (!(time <= (next.get(k) ?? -Infinity))) next.set(k, time);
        after.set(id, next);
      }
      return { e, id, s, own: own !== undefined };
    });
    if (recheck) {
      // a refusal on times this translation set itself is certain; one on remembered times is read again
      const doubtful = verdicts.filter((v) => 'reason' in v.s && !v.own && cache.get(v.id)?.size && !pending.has(v.id) && !fresh?.has(v.id)).map((v) => v.id);
      if (doubtful.length) return doubtful;
    }
    const entities: Entity[] = [];
    const outOfOrder: Array<{ entity: Entity; reason: string }> = [];
    for (const { e, id, s } of verdicts) {
      if ('reason' in s) {
        outOfOrder.push({ entity: e, reason: s.reason });
        continue;
      }
      entities.push(s.entity);
      pending.set(id, (pending.get(id) ?? 0) + 1);
    }
    // taken as written at once, so that the next message is judged against this one (entities that
    // observe nothing were never read, and have no times)
    for (const [id, times] of after) remember(id, times);
    const same = outOfOrder.length === 0 && entities.every((e, i) => e === t.entities[i]);
    return { translation: same ? t : { ...t, entities }, outOfOrder };
  }

  /** Reads `ids` from the broker (fresh: their verdict stands), then judges, reading once more what is still doubtful. */
  async function readThenJudge(t: Translation, ids: string[], reportedAt: ReportedAt | undefined): Promise<Screened> {
    const load = async (some: string[]) => {
      const found = await read(some, t.context, reportedAt);
      for (const id of some) remember(id, found.get(id) ?? new Map());
    };
    await load(ids);
    const verdict = judge(t, true, new Set(ids));
    if (!Array.isArray(verdict)) return verdict;
    await load(verdict);
    return judge(t, false) as Screened;
  }

  /** Judges with what is remembered, or, when something is unknown or a refusal doubtful, reads it first: the ids to read. */
  function judgeKnown(t: Translation, missing: string[]): Screened | string[] {
    if (missing.length) return missing;
    const verdict = judge(t, true);
    if (Array.isArray(verdict)) for (const id of verdict) cache.delete(id);
    return verdict;
  }

  return {
    screen(t, reportedAt) {
      const ids = t.entities.map((e) => String(e.id));
      let missing = [...new Set(t.entities.filter(observes).map((e) => String(e.id)).filter((id) => !cache.has(id)))];
      if (!turns.busy(ids)) {
        // none of its entities ahead: no wait when all is known and no refusal is doubtful
        const now = judgeKnown(t, missing);
        if (!Array.isArray(now)) return Promise.resolve(now);
        missing = now;
      }
      // once the screens of its entities ahead are done (they may have read some): read what is still unknown, or judge
      return turns.run(ids, () => {
        const still = missing.filter((id) => !cache.has(id));
        const now = judgeKnown(t, still);
        return Array.isArray(now) ? readThenJudge(t, now, reportedAt) : now;
      });
    },
    settle(ids) {
      for (const id of ids) {
        const n = pending.get(id);
        if (n === undefined) continue;
        if (n > 1) pending.set(id, n - 1);
        else pending.delete(id);
      }
    },
    forget(ids) {
      for (const id of ids) cache.delete(id);
    },
  };
}
