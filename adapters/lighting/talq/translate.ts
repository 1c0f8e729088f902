/**
 * Pure translation of a decoded TALQ log report into Smart Data Models entities (normalized NGSI-LD):
 * `Streetlight` (LampActuator / LampMonitor data), `StreetlightControlCabinet` (ElectricalMeter data);
 * and of a TALQ group list into `StreetlightGroup` (translateGroups). See mapping.ts for the tables.
 *
 * - One entity per device address and type; each attribute carries `observedAt` = the attribute's own
 *   timestamp (when the device measured it), else the log data timestamp (when the log entry was
 *   created), else the arrival time, and its `unitCode`.
 * - Several values of one attribute for the same device: the latest (by observedAt, then by order in
 *   the report) is written; earlier ones are counted in `notes.superseded` (the broker keeps history
 *   across reports, not within one). Log data with no SDM counterpart are listed in `notes.skipped`.
 * - Log reports carry partial state: the translation is written with mode 'merge' so attributes not
 *   in the report (location, status …) are kept.
 * - A lamp without `status`, a cabinet without `workingMode` in the report get `ok` / `automatic` as
 *   fallbacks (Translation.fallback: only where the broker holds none), without observedAt.
 * - For the lighting commands (../commands/): every `illuminanceLevel` carries the `talqReport` mark
 *   (report-marker.ts); a Streetlight carries `talqGateway` (the reporting gateway's clientAddress)
 *   and, when a LampActuator level or light state was logged as `{device}/{functionId}[/…]`, `talqAddress`
 *   (`{device}/{functionId}` of the latest one).
 */
import { FeedError, type AdapterEnv, type AttributeRemoval, type RefusedPart, type Translation } from '../../../src/ingest/types';
import { registryLocation } from '../../../src/ingest/device-registry';
import type { Entity, GeoProperty } from '../../../src/ngsi-ld/types';
import { deviceAddressOf, functionAddressOf } from './address';
import { isNoValue } from './coerce';
import { entityId } from './entity-id';
import { CONDITION_NAMES, evidenceOf, NONE_IS_A_VALUE, stateReadings, tableOf, type Reading, type TargetType } from './mapping';
import { REPORT_MARK, REPORTED_LEVEL, reportMark } from './report-marker';
import type { DecodedLogReport, TalqGroup, TalqLogData } from './types';

/** The Smart Data Models Streetlighting @context. */
export const STREETLIGHTING_CONTEXT = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld';

export interface TranslationNotes {
  /** Log entries acknowledged without effect, with the reason (index into report.entries). */
  skipped: Array<{ entry: number; reason: string }>;
  /** Values replaced by a later value of the same attribute in the same report. */
  superseded: Array<{ entityId: string; attribute: string; observedAt: string }>;
}

interface Candidate { attribute: Record<string, unknown>; observedAt: string }
interface Slot { device: string; type: TargetType; attrs: Map<string, Candidate>; actuator?: string }

/** What a device is with no open condition: the value of its SDM-required condition attribute. */
const NO_CONDITION: Record<TargetType, { attribute: string; value: string }> = {
  Streetlight: { attribute: 'status', value: 'ok' },
  StreetlightControlCabinet: { attribute: 'workingMode', value: 'automatic' },
};

/** Readings only a lamp actuator's light state gives (actualLightState, lightStateChange). */
const LIGHT_STATE = new Set([REPORTED_LEVEL, 'powerState']);

function toAttribute(r: Reading, observedAt: string | undefined): Record<string, unknown> {
  return {
    type: r.geo ? 'GeoProperty' : 'Property',
    value: r.value,
    ...(r.unitCode ? { unitCode: r.unitCode } : {}),
    ...(observedAt ? { observedAt } : {}),
    ...(r.attribute === REPORTED_LEVEL && observedAt && typeof r.value === 'number' ? { [REPORT_MARK]: { type: 'Property', value: reportMark(r.value, observedAt) } } : {}),
  };
}

/** The name a log datum is mapped by, and its value. */
function nameAndValue(data: TalqLogData): { name: string; value?: unknown; readings?: (target: TargetType) => Reading[] } {
  if (data.type === 'AttributeLogData') return { name: data.attributeName, value: data.attributeValue.value };
  if (data.type === 'EventLogData') return { name: data.eventType, value: data.startEndFlag !== false };
  const state = data.state ?? data.command?.state;
  return { name: data.eventType, readings: (t) => (t === 'Streetlight' && data.eventType === 'lightStateChange' ? stateReadings(state, `${data.eventType}.state`) : []) };
}

/** The readings of one log datum for its target, or why it has none. */
function readingsOf(data: TalqLogData, target: TargetType, label: string): Reading[] | string {
  const { name, value, readings } = nameAndValue(data);
  if (readings) return readings(target);
  if (data.type === 'EventLogData' && !CONDITION_NAMES.has(name)) return [];
  if (value === undefined || (isNoValue(value) && !NONE_IS_A_VALUE.has(name))) return `${name} has no value`;
  return tableOf(target)[name]?.(value, label) ?? [];
}

function deviceKinds(entries: DecodedLogReport['report']['entries']): Map<string, Set<TargetType>> {
  const kinds = new Map<string, Set<TargetType>>();
  for (const { data } of entries) {
    if (!data) continue;
    const ev = evidenceOf(nameAndValue(data).name);
    if (!ev) continue;
    const dev = deviceAddressOf(data.srcAddress);
    kinds.set(dev, (kinds.get(dev) ?? new Set()).add(ev));
  }
  return kinds;
}

function targetOf(name: string, kinds: Set<TargetType> | undefined): TargetType {
  const ev = evidenceOf(name);
  if (ev) return ev;
  return kinds?.has('StreetlightControlCabinet') && !kinds.has('Streetlight') ? 'StreetlightControlCabinet' : 'Streetlight';
}

/**
 * Translates a decoded TALQ log report.
 *
 * @param receivedAt ISO arrival time, used as observedAt only for log data without any timestamp.
 * A value out of range (level > 100 %, negative power …) refuses its device (all of that device's data
 * in the report, with the reason and the log datum: `translation.refused`); the other devices are written.
 * @example
 * const { translation } = translateLogReport(decodeLogReport(message), { territory: 'eclor', devices }, message.receivedAt);
 * translation.entities[0].id; // 'urn:ngsi-ld:Streetlight:eclor:3f6b1c2e-…'
 */
export function translateLogReport(decoded: DecodedLogReport, env: AdapterEnv, receivedAt: string): { translation: Translation; notes: TranslationNotes } {
  const notes: TranslationNotes = { skipped: [], superseded: [] };
  const { entries } = decoded.report;
  const kinds = deviceKinds(entries);
  const byId = new Map<string, Slot>();
  const arrival = Number.isFinite(Date.parse(receivedAt)) ? new Date(receivedAt).toISOString() : receivedAt;
  const gateway = decoded.request.clientAddress.toLowerCase();
  /** Entity id → the first log datum refused for it (a value out of range): the device is not written. */
  const refusedIds = new Map<string, RefusedPart>();

  entries.forEach(({ data, ignored, at }, i) => {
    if (!data) return void notes.skipped.push({ entry: i, reason: ignored ?? 'entry without data' });
    const device = deviceAddressOf(data.srcAddress);
    const { name } = nameAndValue(data);
    if (device.toLowerCase() === gateway) return void notes.skipped.push({ entry: i, reason: `data of the gateway itself (${data.type} ${name})` });
    const target = targetOf(name, kinds.get(device));
    let readings: Reading[] | string;
    try {
      readings = readingsOf(data, target, name);
    } catch (err) {
      if (!(err instanceof FeedError)) throw err;
      const id = entityId(target, env.territory, device);
      // the reason is the datum's own, its place a separate `at`: the same datum in another report,
      // or in the device's dead letter replayed, is the same refusal
      if (!refusedIds.has(id)) refusedIds.set(id, { reason: err.message, entityId: id, at: at ?? `entries[${i}]` });
      return;
    }
    if (typeof readings === 'string') return void notes.skipped.push({ entry: i, reason: readings });
    if (readings.length === 0) return void notes.skipped.push({ entry: i, reason: `no ${target} attribute for TALQ ${data.type} ${name}` });

    // decode normalized both times to ISO UTC
    // the attribute's own time is when the device measured it (TALQ Attribute.timestamp); the log
    // datum's is when the log entry was created, which may be later
    const observedAt = (data.type === 'AttributeLogData' ? data.attributeValue.timestamp : undefined) ?? data.timestamp ?? arrival;
    const id = entityId(target, env.territory, device);
    if (!byId.has(id)) byId.set(id, { device, type: target, attrs: new Map() });
    const slot = byId.get(id)!;
    for (const r of readings) {
      const prev = slot.attrs.get(r.attribute);
      if (prev && prev.observedAt > observedAt) {
        notes.superseded.push({ entityId: id, attribute: r.attribute, observedAt });
        continue;
      }
      if (prev) notes.superseded.push({ entityId: id, attribute: r.attribute, observedAt: prev.observedAt });
      slot.attrs.set(r.attribute, { attribute: toAttribute(r, observedAt), observedAt });
      // the LampActuator function ({device}/{functionId}) of the level / state written: where lighting commands go
      if (target === 'Streetlight' && LIGHT_STATE.has(r.attribute)) slot.actuator = functionAddressOf(data.srcAddress) ?? slot.actuator;
    }
  });

  // a refused device's dead letter holds a log report of all its entries as sent: replayed, it is
  // refused again, or written whole once the cause is fixed
  if (refusedIds.size) {
    // the device's entries, under the address of the report of its first one (an array of reports may name several)
    const ofDevice = new Map<string, { address?: string; entries: unknown[] }>();
    entries.forEach(({ data, raw, address }) => {
      if (!data) return;
      const device = deviceAddressOf(data.srcAddress);
      const id = entityId(targetOf(nameAndValue(data).name, kinds.get(device)), env.territory, device);
      if (!refusedIds.has(id)) return;
      const named = address ?? decoded.report.address;
      if (!ofDevice.has(id)) ofDevice.set(id, { ...(named !== undefined ? { address: named } : {}), entries: [] });
      ofDevice.get(id)!.entries.push(raw ?? { data });
    });
    for (const [id, part] of refusedIds) refusedIds.set(id, { ...part, payload: JSON.stringify(ofDevice.get(id) ?? { entries: [] }) });
  }
  const kept = [...byId.entries()].filter(([id]) => !refusedIds.has(id));
  const fallback: Array<{ id: string; attribute: string }> = [];
  const entities: Entity[] = kept.sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, { device, type, attrs, actuator }]) => {
    const entity: Entity = { id, type };
    for (const name of [...attrs.keys()].sort()) entity[name] = attrs.get(name)!.attribute;
    if (type === 'Streetlight') {
      if (actuator) entity.talqAddress = { type: 'Property', value: actuator };
      entity.talqGateway = { type: 'Property', value: gateway };
    }
    if (!entity.location) {
      const known = registryLocation(env.devices, device);
      if (known) {
        entity.location = { type: 'GeoProperty', value: { type: 'Point', coordinates: known } };
        fallback.push({ id, attribute: 'location' });
      }
    }
    // the SDM require a lamp's status and a cabinet's working mode; TALQ reports failures and local
    // overrides, not their absence: a device with none open is `ok` / `automatic`, only where the
    // broker holds no value, and without observedAt, so that a condition reported later, even one
    // observed before, replaces it (the late-report check never compares an instance without time)
    const calm = NO_CONDITION[type];
    if (!entity[calm.attribute]) {
      entity[calm.attribute] = { type: 'Property', value: calm.value };
      fallback.push({ id, attribute: calm.attribute });
    }
    // the groups a cabinet feeds: TALQ does not say them, the operator's inventory does (a list, as the
    // SDM has it). The inventory owns them: not a fallback, so an edited territory file takes effect
    // at the cabinet's next report.
    const groups = type === 'StreetlightControlCabinet' ? env.devices.asset?.(device)?.groups : undefined;
    if (groups) entity.refStreetlightGroup = { type: 'Relationship', object: groups.map((g) => entityId('StreetlightGroup', env.territory, g)) };
    return entity;
  });

  const translation: Translation = { entities, context: [STREETLIGHTING_CONTEXT], mode: 'merge' };
  // the registry's place of a device does not replace the one it reported before, or one set through
  // the API; nor does a device's default condition replace one it reported
  if (fallback.length) translation.fallback = fallback;
  if (refusedIds.size) translation.refused = [...refusedIds.values()];
  if (entities.length === 0 && !refusedIds.size) {
    translation.ignored = entries.length === 0
      ? 'TALQ log report without entries'
      : `no Streetlight or StreetlightControlCabinet data: ${[...new Set(notes.skipped.map((s) => s.reason))].slice(0, 5).join('; ')}`;
  }
  return { translation, notes };
}

/**
 * Where a group is: its own place in the territory registry, else the places the registry gives its
 * member lamps (one: that Point; several: a MultiPoint, each once); undefined when it knows none.
 */
function groupLocation(address: string, devices: string[], env: AdapterEnv): GeoProperty['value'] | undefined {
  const own = registryLocation(env.devices, address);
  if (own) return { type: 'Point', coordinates: own };
  const seen = new Set<string>();
  const points: Array<[number, number]> = [];
  for (const d of devices) {
    const p = registryLocation(env.devices, d);
    if (!p || seen.has(String(p))) continue;
    seen.add(String(p));
    points.push(p);
  }
  if (points.length === 0) return undefined;
  return points.length === 1 ? { type: 'Point', coordinates: points[0] } : { type: 'MultiPoint', coordinates: points };
}

/**
 * Translates a TALQ group list (the CMS's `GET /groups` answer) into `StreetlightGroup` entities whose
 * `refStreetlight` lists the Streetlight ids of the member devices; member groups found in the same
 * list are expanded (cycles are cut), others are ignored.
 *
 * @example
 * translateGroups([{ address: 'zone-nord', ownerCMS: 'cms', members: [{ resource: 'devices', address: 'd-1' }] }], env)
 *   .entities[0].refStreetlight; // { type: 'Relationship', object: ['urn:ngsi-ld:Streetlight:eclor:d-1'] }
 */
export function translateGroups(groups: TalqGroup[], env: AdapterEnv): Translation {
  const byAddress = new Map(groups.map((g) => [g.address, g]));
  /** Device lists of groups whose expansion met no group twice: the same from any root, reused. */
  const whole = new Map<string, string[]>();
  /**
   * The devices of a group, member groups expanded in place (depth first, in member order), each
   * group once per root. An explicit stack, so that a long chain of nested groups cannot overflow the
   * call stack, and the lists of groups expanded whole are reused, so that a chain stays linear.
   */
  const devicesOf = (root: TalqGroup): Set<string> => {
    const seen = new Set([root.address]);
    const stack: Array<{ g: TalqGroup; next: number; list: string[]; cut: boolean }> = [{ g: root, next: 0, list: [], cut: false }];
    for (;;) {
      const top = stack[stack.length - 1];
      if (top.next >= top.g.members.length) {
        stack.pop();
        if (!top.cut) whole.set(top.g.address, top.list);
        const parent = stack[stack.length - 1];
        if (!parent) return new Set(top.list);
        for (const d of top.list) parent.list.push(d);
        parent.cut ||= top.cut;
        continue;
      }
      const m = top.g.members[top.next++];
      if (m.resource === 'devices') top.list.push(deviceAddressOf(m.address));
      const sub = m.resource === 'groups' ? byAddress.get(m.address) : undefined;
      if (!sub) continue;
      if (seen.has(sub.address)) top.cut = true; // a cycle, or a group met twice: this expansion depends on the root
      else if (whole.has(sub.address)) for (const d of whole.get(sub.address)!) top.list.push(d);
      else {
        seen.add(sub.address);
        stack.push({ g: sub, next: 0, list: [], cut: false });
      }
    }
  };
  const remove: AttributeRemoval[] = [];
  const entities: Entity[] = groups.map((g) => {
    const devices = [...devicesOf(g)];
    const lights = devices.map((d) => entityId('Streetlight', env.territory, d));
    const entity: Entity = { id: entityId('StreetlightGroup', env.territory, g.address), type: 'StreetlightGroup' };
    // the registry places groups (TALQ does not): a group it cannot place any more loses its old place
    const location = groupLocation(g.address, devices, env);
    if (location) entity.location = { type: 'GeoProperty', value: location };
    else remove.push({ id: String(entity.id), attribute: 'location', context: STREETLIGHTING_CONTEXT });
    if (lights.length > 0) entity.refStreetlight = { type: 'Relationship', object: lights };
    // a group left without members: its former members go (the lighting commands fan out to them)
    else remove.push({ id: String(entity.id), attribute: 'refStreetlight', context: STREETLIGHTING_CONTEXT });
    return entity;
  });
  return {
    entities, context: [STREETLIGHTING_CONTEXT], mode: 'merge',
    ...(remove.length ? { remove } : {}),
    ...(entities.length === 0 ? { ignored: 'empty TALQ group list' } : {}),
  };
}
