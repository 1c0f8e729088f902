/**
 * The mobility adapters: DATEX II (v2 and v3) traffic measurements and car parks → TrafficFlowObserved,
 * OffStreetParking, ParkingSpot. See README.md for the feeds accepted and the entities produced.
 */
import type { Readable } from 'node:stream';
import type { Entity } from '../../src/ngsi-ld/types';
import type { Adapter, AdapterEnv, IngestMessage, RefusedPart, Translation } from '../../src/ingest/types';
import { charsetOf, decodeDocument } from './datex2/encoding';
import { Datex2Parser, parseDatex2, parseDatex2Stream } from './datex2/parse';
import type { ParsedRecord, PublicationType } from './datex2/types';
import { contextFor, mergeEntities, parkingRecordId, refusalOf, translateRecord, type TranslateOptions } from './datex2/translate';

/**
 * Largest number of entities in one Translation yielded by `handleStream`, one broker transaction each.
 * 500 rather than 1,000: peak RSS of the 50 MB publication 190–195 MiB against 196–211, time unchanged
 * (4 runs each); 2,000 took the server over 200 MiB.
 */
export const DATEX2_BATCH = 500;

const TYPES_OF: Record<PublicationType, string[]> = {
  MeasurementSiteTable: ['TrafficFlowObserved'],
  MeasuredData: ['TrafficFlowObserved'],
  ElaboratedData: ['TrafficFlowObserved'],
  ParkingTable: ['OffStreetParking', 'ParkingSpot'],
  ParkingStatus: ['OffStreetParking', 'ParkingSpot'],
};

/** Where the territory file places a feed address (its `assets`), or undefined. */
type Place = (address: string) => [number, number] | undefined;

/**
 * Accumulates entities into batches; an entity id met twice in a batch is merged, so a batch upsert
 * never carries duplicates: for each attribute the later time wins (`mergeEntities`). Refused records
 * go with the next batch (`refused`). A car park whose records give no location is placed by the
 * territory's `assets` (its DATEX II record id), as a fallback: only where the broker holds none.
 */
class Batcher {
  constructor(private readonly place: Place) {}
  private batch = new Map<string, Entity>();
  /** OffStreetParking entity id → its DATEX II record id (for its `assets` place). */
  private siteOf = new Map<string, string>();
  private refused: RefusedPart[] = [];
  private publication?: PublicationType;
  /** On-street sites met: they give no OffStreetParking (said when nothing else is written). */
  private streets = 0;
  emitted = 0;
  /** The document is a keep-alive message (Datex2Parser.keepAlive): said in `ignored` when nothing is written. */
  keepAlive?: string;

  add(rec: ParsedRecord, opts: TranslateOptions): void {
    this.publication ??= rec.publication.type;
    const refusal = refusalOf(rec, opts);
    if (refusal) this.refused.push(refusal);
    if (rec.record.kind === 'parkingSite' && rec.record.onStreet) this.streets++;
    const r = rec.record;
    // the record id as the table gives it (a status may append `[name]`): the key of its `assets` entry
    const siteId = r.kind === 'parkingSite' ? parkingRecordId(r.id) : r.kind === 'parkingStatus' ? parkingRecordId(r.siteId) : undefined;
    for (const e of translateRecord(rec, opts)) {
      const prev = this.batch.get(e.id);
      this.batch.set(e.id, prev ? mergeEntities(prev, e) : e);
      if (siteId !== undefined && e.type === 'OffStreetParking') this.siteOf.set(e.id, siteId);
    }
  }

  /**
   * The publications of the document that were skipped (in a v3 messageContainer): refused parts with
   * no payload kept (`null`): replaying the whole document would write its other payloads again.
   */
  skip(reasons: string[]): void {
    for (const reason of reasons) this.refused.push({ reason: `${reason}: not translated (the container's other payloads are)`, payload: null });
  }

  /** Entities and refused parts waiting. */
  get size(): number {
    return this.batch.size + this.refused.length;
  }

  /** Removes and returns up to `limit` entities, and the refused parts, as a Translation. */
  take(limit = Infinity): Translation {
    const entities: Entity[] = [];
    const fallback: Array<{ id: string; attribute: string }> = [];
    for (const [id, e] of this.batch) {
      if (entities.length >= limit) break;
      const siteId = this.siteOf.get(id);
      const at = siteId === undefined || e.location ? undefined : this.place(siteId);
      if (at) fallback.push({ id, attribute: 'location' });
      entities.push(at ? { ...e, location: { type: 'GeoProperty', value: { type: 'Point', coordinates: at } } } : e);
      this.batch.delete(id);
      this.siteOf.delete(id);
    }
    this.emitted += entities.length;
    const types = entities.length > 0 ? entities.map((e) => e.type as string) : TYPES_OF[this.publication ?? 'MeasuredData'];
    const t: Translation = { entities, context: contextFor(types), mode: 'merge' };
    if (fallback.length > 0) t.fallback = fallback;
    if (this.refused.length > 0) {
      t.refused = this.refused;
      this.refused = [];
    }
    if (entities.length === 0) {
      const streets = this.streets > 0 ? ` (on-street sites give no OffStreetParking, only their declared spaces: ${this.streets} met)` : '';
      t.ignored = this.keepAlive ?? `no site with usable data in the ${this.publication ?? 'DATEX II'} publication${streets}`;
    }
    return t;
  }
}

const optionsOf = (message: Omit<IngestMessage, 'body'>, env: AdapterEnv): TranslateOptions => ({ territory: env.territory, receivedAt: message.receivedAt });
const placeOf = (env: AdapterEnv): Place => (address) => env.devices.asset?.(address)?.location;

/**
 * DATEX II webhook adapter (`POST /ingest/mobility/datex2`). `handle` translates a buffered body in one
 * Translation; `handleStream` translates a body stream in bounded memory, yielding Translations of at
 * most DATEX2_BATCH (500) entities. All Translations use `mode: 'merge'`: static (tables) and dynamic (measurements,
 * status) publications update the same entities without erasing each other.
 * @example
 * const t = datex2Adapter.handle({ body: xml, query: {}, headers: {}, receivedAt: new Date().toISOString() }, { territory: 'demo', devices });
 * t.entities[0].type; // 'TrafficFlowObserved'
 */
export const datex2Adapter: Adapter = {
  name: 'mobility/datex2',
  path: '/ingest/mobility/datex2',
  contentTypes: ['application/xml', 'text/xml', 'application/soap+xml'],
  /**
   * A TrafficFlowObserved is an observation: the Smart Data Models require its `dateObserved`. A site
   * table alone gives none, so its sites wait (GET /ingest/waiting) and are written, location and
   * lanes included, with their first measurement. Car parks are written from their table or status
   * alone (a status without location is still the car park's news).
   */
  requires: { TrafficFlowObserved: ['dateObserved'] },
  /** A car park's place from the territory's `assets`, written only where the broker holds none (Batcher). */
  fallbacks: true,

  /**
   * A buffered document in the encoding of its byte-order mark, else of its XML declaration
   * (ISO-8859-1, windows-1252, UTF-16 …), else of the Content-Type charset, else UTF-8
   * (datex2/encoding.ts); bytes invalid in it are a FeedError 400.
   */
  decodeBody: (bytes: Buffer, headers?: Record<string, string | undefined>): string => decodeDocument(bytes, headers),

  handle(message: IngestMessage, env: AdapterEnv): Translation {
    const batcher = new Batcher(placeOf(env));
    const opts = optionsOf(message, env);
    const parser = new Datex2Parser();
    for (const rec of parseDatex2(message.body, parser)) batcher.add(rec, opts);
    batcher.skip(parser.skipped);
    if (parser.publications.length === 0) batcher.keepAlive = parser.keepAlive;
    return batcher.take();
  },

  async *handleStream(body: Readable, message: Omit<IngestMessage, 'body'>, env: AdapterEnv): AsyncIterable<Translation> {
    const batcher = new Batcher(placeOf(env));
    const opts = optionsOf(message, env);
    const parser = new Datex2Parser();
    for await (const rec of parseDatex2Stream(body, { parser, charset: charsetOf(message.headers['content-type']) })) {
      batcher.add(rec, opts);
      while (batcher.size >= DATEX2_BATCH) yield batcher.take(DATEX2_BATCH);
    }
    batcher.skip(parser.skipped);
    if (parser.publications.length === 0) batcher.keepAlive = parser.keepAlive;
    if (batcher.size > 0 || batcher.emitted === 0) yield batcher.take();
  },
};
