/**
 * The adapter contract (DESIGN.md "Data flow"): a partner message is decoded and translated by a pure
 * adapter into NGSI-LD entities, then validated and written by the ingest runtime. Anything that
 * fails on the way becomes a FeedError, which the runtime answers with a 4xx and keeps as a dead
 * letter (stage, reason, raw payload, time), replayable.
 */
import type { Readable } from 'node:stream';
import type { Entity } from '../ngsi-ld/types';
import type { EpisodeMark } from './episodes';
import type { ReportedAt } from './observations';

/** Where a message failed. */
export type FeedStage = 'decode' | 'translate' | 'validate' | 'write';

/** A message that cannot go through: the reason is for the integrator, the status for the sender. */
export class FeedError extends Error {
  readonly stage: FeedStage;
  readonly status: number;
  /**
   * The entity a message of one entity would have given, when known (a lone reading, a mapping's
   * message): its dead letter is about it, as a part of a batch refused on its own is (RefusedPart).
   */
  entityId?: string;
  constructor(stage: FeedStage, reason: string, status = 400) {
    super(reason);
    this.name = 'FeedError';
    this.stage = stage;
    this.status = status;
  }
}

/**
 * What an adapter produces from one message: entities in normalized NGSI-LD using the Smart Data
 * Models short names, and the @context URLs those names belong to (the core context is implied).
 * `ignored` says why a message was acknowledged without entities (e.g. a LoRaWAN join event).
 */
export interface Translation {
  entities: Entity[];
  context: string[];
  ignored?: string;
  /**
   * How the runtime writes: 'replace' (batch upsert, the default) or 'merge' (batch upsert with
   * options=update: attributes not sent are kept, e.g. an Alert's validFrom when it is closed).
   */
  mode?: 'replace' | 'merge';
  /**
   * Episode marks (e.g. a meter's leak flag raised or clear at a time): the runtime turns them into
   * the writes that open or close one entity per episode (src/ingest/episodes.ts); merge mode only.
   */
  episodes?: EpisodeMark[];
  /**
   * Parts of the message that cannot be translated while the rest can (one reading of a batch, one
   * record of a publication): each is a dead letter of its own (stage translate, 422) whose payload is
   * the part when given (else the message's body), and the answer lists it among the rejected (207;
   * 422 when nothing is written). `entityId`: the entity it would have given, when known.
   */
  refused?: RefusedPart[];
  /**
   * Attributes to delete once the entities are written, which a merge write cannot do (a TALQ group
   * left without members, the end date of an Alert episode that opens again). An attribute or entity
   * that is not there is no error; a removal on an entity refused or not written is not made.
   */
  remove?: AttributeRemoval[];
  /**
   * Attributes of the entities that are fallbacks: written only where the broker holds none (a
   * lamp's location from the territory registry must not replace the one the lamp reported, or one
   * set through the API). Short names of `context`.
   */
  fallback?: Array<{ id: string; attribute: string }>;
}

/** An attribute to delete (Translation.remove): the entity, the attribute's short name and the @context defining it. */
export interface AttributeRemoval {
  id: string;
  attribute: string;
  context: string;
}

/** A refusal as the ingest runtime answers it: a ProblemDetails with the stage, dead letter and refused entities. */
export interface IngestProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  stage?: FeedStage;
  deadLetter?: number;
  rejected?: Array<{ entityId: string; reason: string; deadLetter: number; outOfOrder?: true; at?: string }>;
  [member: string]: unknown;
}

/**
 * A part of a message refused on its own (Translation.refused). `payload`: the part as text; absent,
 * the message's body; null, nothing (a part that cannot be cut out of the message: a replay of the
 * whole message would write its other parts again).
 */
export interface RefusedPart {
  reason: string;
  entityId?: string;
  payload?: string | null;
  /**
   * Where the part is in the message (`payload[3]`, `readings[2]`): said in the answer beside the
   * reason, not in it. The reason is the part's own, the one a replay of its dead letter gives, so
   * that the part sent again, alone or elsewhere in a batch, is the same refusal (one dead letter).
   */
  at?: string;
}

/** A device of the territory's registry (a territory file: devEui → meter id, location, commune, codec). */
export interface DeviceInfo {
  devEui: string;
  /** Local id used in entity ids, e.g. the meter number. */
  meterId: string;
  commune?: string;
  /** [longitude, latitude] */
  location?: [number, number];
  /** Payload codec name, e.g. 'axioma-qalcosonic-w1'. */
  codec?: string;
  /**
   * The zone of the meter's own calendar clock (M-Bus date/time records): 'utc' (the default, as the
   * vendors' codecs read it) or 'local', the territory's `timeZone` (a meter set to local time).
   */
  meterClock?: MeterClock;
}

export type MeterClock = 'utc' | 'local';

/** Name prefix of the declarative adapters: a mapping `<name>` is the adapter `mapping/<name>`. */
export const MAPPING_ADAPTER_PREFIX = 'mapping/';
export const METER_CLOCKS: readonly MeterClock[] = ['utc', 'local'];

/**
 * A located asset of the territory that is not a LoRaWAN device, by the address its feed gives it (a
 * TALQ lamp, cabinet or group, a water-quality probe, a DATEX II car park): the territory file's `assets`, for feeds that
 * do not say where their devices are.
 */
export interface AssetInfo {
  address: string;
  /** [longitude, latitude] */
  location: [number, number];
  /** The TALQ group addresses a lighting cabinet feeds (its StreetlightGroups), in the file's order. */
  groups?: string[];
}

export interface DeviceRegistry {
  get(devEui: string): DeviceInfo | undefined;
  /** An asset by its feed address (case-insensitive). */
  asset?(address: string): AssetInfo | undefined;
}

/** One incoming message as the runtime hands it to an adapter. */
export interface IngestMessage {
  /** The raw body as text (JSON, XML, CSV …). */
  body: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** ISO 8601 UTC arrival time (never used as an observation time when the payload has one). */
  receivedAt: string;
}

export interface AdapterEnv {
  devices: DeviceRegistry;
  /** Territory or partner part of entity ids: urn:ngsi-ld:<Type>:<territory>:<local-id>. */
  territory: string;
  /** IANA zone in which times without an offset are read (territory file `timeZone`); none: not trusted. */
  timeZone?: string;
}

/** A feed adapter: pure decode + translate, mounted by the runtime as an HTTP webhook. */
export interface Adapter {
  /** e.g. 'water/chirpstack' — also the dead-letter and stats key. */
  name: string;
  /** Webhook path under /ingest, e.g. '/ingest/water/chirpstack'. */
  path: string;
  /** Accepted request media types, e.g. ['application/json']. */
  contentTypes: string[];
  /** HTTP status of a successful answer (TALQ wants 201), default 204. */
  successStatus?: number;
  /**
   * The body of a refusal in the sender's own protocol (TALQ: an array of TALQErrorMessage), made
   * from the ProblemDetails the runtime would send (`detail`, `status`, `deadLetter`, `rejected` …);
   * default: that ProblemDetails. The status stays the runtime's.
   */
  errorBody?(problem: IngestProblem): unknown;
  /**
   * Query parameters that only name the request, not what it says (TALQ's `talqRequestId`, new for
   * every request, a retry included): left out when telling dead letters apart, so that the same
   * message refused again is counted on its dead letter (src/ingest/dead-letters.ts).
   */
  requestIds?: readonly string[];
  /**
   * The payload a dead letter about one entity keeps when the same refusal comes again (default: the
   * later one, the reading a replay should write). For parts that carry several data of their entity
   * (a TALQ device's log entries), the two merged, so that a datum only the earlier held is not lost.
   * It gets every letter about one entity of the adapter, an entity refused at the validate stage
   * too: a payload it does not merge gives the later.
   */
  foldPart?(kept: string, later: string): string;
  /** The runtime checks each emitted entity against schemas/entities/<type>.schema.json (built-in adapters). */
  validateEntities?: boolean;
  /**
   * The runtime keeps what the broker holds from going back in time: attribute instances observed
   * before the stored ones are not written, and an entity with nothing newer is refused as out of
   * order (src/ingest/observations.ts). For feeds whose messages can arrive late (meters).
   */
  ordered?: boolean;
  /**
   * For an `ordered` adapter whose attributes others may write too (a flow setting a lamp's target
   * level): the time of a stored instance that a new message is compared with, read from the mark the
   * adapter put on it (undefined: not compared). Default: the instance's `observedAt`.
   */
  reportedAt?: ReportedAt;
  /**
   * Members an entity of a type must hold before it is written (the Smart Data Models `required`),
   * for a feed that gives them in other messages than the entity's other parts (a DATEX II site
   * table: the location of a TrafficFlowObserved, whose `dateObserved` comes with its measurements).
   * A part lacking one, of an entity the broker does not hold complete, waits (src/ingest/parts.ts)
   * and is written with the entity's next parts once they hold them all. Merge-mode translations.
   */
  requires?: Readonly<Record<string, readonly string[]>>;
  /**
   * Its translations may carry fallback attributes (Translation.fallback): the runtime then writes its
   * messages one at a time per entity, from the read of the broker to the write, so that a fallback
   * is never written after an attribute another message of the same entity is writing.
   */
  fallbacks?: boolean;
  /**
   * Bytes → text of a buffered body (e.g. an XML document in the encoding it declares, or the charset
   * of its Content-Type, given in `headers`); default UTF-8. Throws FeedError.
   */
  decodeBody?(bytes: Buffer, headers?: Record<string, string | undefined>): string;
  /** Decode + translate one message; throws FeedError. Pure: no I/O. */
  handle(message: IngestMessage, env: AdapterEnv): Translation;
  /**
   * For large documents (DATEX II publications of tens of MB): translate from a stream in bounded
   * memory, yielding translations as they complete. When present, the runtime uses it instead of
   * `handle` and never buffers the body.
   */
  handleStream?(body: Readable, message: Omit<IngestMessage, 'body'>, env: AdapterEnv): AsyncIterable<Translation>;
}
