/**
 * Reading an NGSI-LD notification (normalized format) of the lighting subscription (pure): which
 * entities carry a new target level, and which changes are the log-report adapter's own writes.
 *
 * The rule (see ../talq/report-marker.ts and README.md): an `illuminanceLevel` whose `talqReport`
 * mark matches its value and observedAt is a level the lamp reported: no command. Anything else
 * (no mark: a replace by a flow; a mark that no longer matches: a merge by a flow) is a target.
 */
import { deviceAddressOf } from '../talq/entity-id';
import { isReportedLevel } from '../talq/report-marker';

/** What the commands need to know of a Streetlight. */
export interface LampInfo {
  entityId: string;
  /** TALQ device address: from `talqAddress`, else from the entity id. */
  device: string;
  /** LampActuator function id from `talqAddress` (absent: the gateway's `functionId`). */
  functionId?: string;
  /** `talqGateway`: the clientAddress of the reporting gateway. */
  gateway?: string;
}

export interface Target {
  entityId: string;
  entityType: 'Streetlight' | 'StreetlightGroup';
  /** The requested level (NGSI-LD fraction), as sent; checked by the controller. */
  level: unknown;
  /** Identity of the change (the whole attribute): a repeated delivery has the same one. */
  fingerprint: string;
  /** For a Streetlight. */
  lamp?: LampInfo;
  /** For a StreetlightGroup: the member Streetlight ids (refStreetlight). */
  members?: string[];
}

export interface NotificationReading {
  /** The notification id (a redelivery repeats it), if any. */
  id?: string;
  targets: Target[];
  /** Entities whose change is the adapter's own write (reported level). */
  reported: string[];
}

type Json = Record<string, unknown>;
const TYPES = ['Streetlight', 'StreetlightGroup'] as const;

/** An attribute by short name, or by an expanded name ending with it; one instance (the default one). */
function attribute(entity: Json, name: string): Json | undefined {
  const key = name in entity ? name : Object.keys(entity).find((k) => k.endsWith(`/${name}`) || k.endsWith(`#${name}`));
  const raw = key === undefined ? undefined : entity[key];
  const inst = Array.isArray(raw) ? (raw.find((i: Json) => i?.datasetId === undefined) ?? raw[0]) : raw;
  return typeof inst === 'object' && inst !== null ? (inst as Json) : undefined;
}

function typeOf(entity: Json): (typeof TYPES)[number] | undefined {
  const types = (Array.isArray(entity.type) ? entity.type : [entity.type]).filter((t): t is string => typeof t === 'string');
  return TYPES.find((t) => types.some((x) => x === t || x.endsWith(`/${t}`) || x.endsWith(`#${t}`)));
}

/** The local id of `urn:ngsi-ld:<Type>:<territory>:<local>`, percent-decoded back to the TALQ address. */
export function deviceFromEntityId(id: string): string {
  const local = id.split(':').slice(4).join(':');
  try {
    return decodeURIComponent(local);
  } catch {
    return local;
  }
}

/**
 * The addressing of a Streetlight (normalized entity).
 * @example
 * lampOf({ id: 'urn:ngsi-ld:Streetlight:eclor:d-1', type: 'Streetlight', talqAddress: { type: 'Property', value: 'd-1/lampActuator1' } });
 * // { entityId: 'urn:ngsi-ld:Streetlight:eclor:d-1', device: 'd-1', functionId: 'lampActuator1', gateway: undefined }
 */
export function lampOf(entity: Json): LampInfo {
  const entityId = String(entity.id);
  const address = attribute(entity, 'talqAddress')?.value;
  const gateway = attribute(entity, 'talqGateway')?.value;
  const slash = typeof address === 'string' ? address.indexOf('/') : -1;
  return {
    entityId,
    device: slash > 0 ? deviceAddressOf(address as string) : deviceFromEntityId(entityId),
    functionId: slash > 0 ? (address as string).slice(slash + 1) : undefined,
    gateway: typeof gateway === 'string' ? gateway : undefined,
  };
}

/**
 * Splits a notification into targets and the adapter's own writes.
 * @example
 * readNotification({ id: 'urn:n:1', type: 'Notification', data: [{ id: lampId, type: 'Streetlight',
 *   illuminanceLevel: { type: 'Property', value: 0.3 } }] }).targets[0].level; // 0.3
 */
export function readNotification(body: unknown): NotificationReading {
  const n = (typeof body === 'object' && body !== null ? body : {}) as Json;
  const data = Array.isArray(n.data) ? (n.data as unknown[]) : [];
  const out: NotificationReading = { id: typeof n.id === 'string' ? n.id : undefined, targets: [], reported: [] };
  for (const raw of data) {
    if (typeof raw !== 'object' || raw === null || typeof (raw as Json).id !== 'string') continue;
    const entity = raw as Json;
    const entityType = typeOf(entity);
    const level = attribute(entity, 'illuminanceLevel');
    if (!entityType || !level) continue;
    if (isReportedLevel(level)) {
      out.reported.push(String(entity.id));
      continue;
    }
    const target: Target = { entityId: String(entity.id), entityType, level: level.value, fingerprint: JSON.stringify(level) };
    if (entityType === 'Streetlight') target.lamp = lampOf(entity);
    else {
      const obj = attribute(entity, 'refStreetlight')?.object;
      target.members = (Array.isArray(obj) ? obj : [obj]).filter((x): x is string => typeof x === 'string');
    }
    out.targets.push(target);
  }
  return out;
}
