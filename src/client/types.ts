/**
 * Types of the NGSI-LD client (src/client/): options, per-call options, results and the one error
 * class. The client talks to any NGSI-LD broker over HTTP: our embedded one by URL, Orion-LD,
 * Scorpio, Stellio.
 */
import type { ProblemDetails } from '../ngsi-ld/errors';
import type { BatchOperationResult, Entity } from '../ngsi-ld/types';

/** Broker dialect: 'orion-ld' uses the v1.6 core context and never calls /entityOperations/merge. */
export type Flavour = 'standard' | 'orion-ld';

/** What the client logs (a pino logger fits). */
export interface ClientLog {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

export interface NgsiLdClientOptions {
  /** Broker root, e.g. `http://orion:1026` (a trailing `/ngsi-ld/v1` is accepted too). */
  baseUrl: string;
  /** Default `NGSILD-Tenant` of every request (a call's `tenant` overrides it). */
  tenant?: string;
  /** Deadline of one attempt, ms (default 5000). */
  timeoutMs?: number;
  /** Retries after the first attempt on 5xx (not 501), 429, network errors and timeouts (default 3). */
  retries?: number;
  /** First backoff, ms, doubled at each retry, ±50 % jitter (default 100). */
  backoffMs?: number;
  /** Default 'standard'. */
  flavour?: Flavour;
  /** Core context URL, used only when no domain context is given (default v1.6 for 'orion-ld', v1.8 otherwise). */
  coreContext?: string;
  log?: ClientLog;
}

/** One retry about to happen. */
export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Wait before the next attempt, ms. */
  delayMs: number;
  /** e.g. 'HTTP 503', 'ECONNRESET', 'timeout'. */
  reason: string;
}

/** Options common to every call. */
export interface CallOptions {
  /** Overrides the client's tenant for this call. */
  tenant?: string;
  /** Called before each retry (the remote writer counts retries with it). */
  onRetry?: (r: RetryInfo) => void;
}

/** Options of the batch writes. */
export interface WriteOptions extends CallOptions {
  /** @context URLs of the entities' short names; none: the core context. */
  context?: string[];
}

export interface UpsertOptions extends WriteOptions {
  /** 'replace' (default): entities are replaced; 'merge': `options=update`, attributes not sent are kept. */
  mode?: 'replace' | 'merge';
}

/** Options of the reads: one @context at most (a GET carries it in a single Link header). */
export interface ReadOptions extends CallOptions {
  context?: string;
  /** Attributes to return. */
  attrs?: string[];
  /** e.g. 'keyValues', 'sysAttrs'. */
  options?: string;
}

/** Query Entities parameters (GET /entities); list values are joined with ','. */
export interface QueryParams extends ReadOptions {
  type?: string;
  id?: string | string[];
  idPattern?: string;
  q?: string;
  georel?: string;
  geometry?: string;
  /** A JSON array, or its text. */
  coordinates?: string | unknown[];
  geoproperty?: string;
  limit?: number;
  offset?: number;
  count?: boolean;
}

export interface QueryResult {
  entities: Entity[];
  /** `NGSILD-Results-Count`, when `count: true` was asked and the broker answered it. */
  count?: number;
}

export interface QueryAllResult {
  entities: Entity[];
  /** More entities matched than `max`. */
  truncated: boolean;
}

/** The client returned by createNgsiLdClient. */
export interface NgsiLdClient {
  readonly flavour: Flavour;
  /** The core context URL sent when no domain context is given. */
  readonly coreContext: string;
  /**
   * Batch upsert (POST /entityOperations/upsert; `options=update` for mode 'merge').
   * 201/204: every id succeeded; 207: the broker's split; other 4xx: every entity failed with the
   * broker's ProblemDetails; 5xx (not 501), 429, network errors, timeouts: retried, then an NgsiLdClientError.
   * @example
   * const r = await client.upsert([meter], { context: [WATER_CTX], mode: 'replace' });
   * r.errors.forEach((e) => console.warn(e.entityId, e.error.detail));
   */
  upsert(entities: Entity[], o?: UpsertOptions): Promise<BatchOperationResult>;
  /**
   * Batch merge (POST /entityOperations/merge, entities must exist). Falls back to
   * `upsert?options=update` for flavour 'orion-ld' and, for the client's life, when the broker
   * answers 404/405/501 to /entityOperations/merge (the fallback creates missing entities).
   * @example
   * await client.merge([{ id, type: 'Alert', validTo: { type: 'Property', value: now } }], { context: [ALERT_CTX] });
   */
  merge(entities: Entity[], o?: WriteOptions): Promise<BatchOperationResult>;
  /**
   * Batch update (POST /entityOperations/update): only entities that exist are updated, the others
   * come back as 404 errors.
   * @example
   * const { success, errors } = await client.update([closedAlert], { context: [ALERT_CTX] });
   */
  update(entities: Entity[], o?: WriteOptions): Promise<BatchOperationResult>;
  /**
   * Retrieve one entity (GET /entities/{id}); undefined when the broker answers 404.
   * @example
   * const meter = await client.get('urn:ngsi-ld:WaterMeter:paris:42', { context: WATER_CTX });
   */
  get(id: string, o?: ReadOptions): Promise<Entity | undefined>;
  /**
   * One page of Query Entities (GET /entities).
   * @example
   * const { entities, count } = await client.query({ type: 'WaterMeter', q: 'alarm==true', limit: 100, count: true });
   */
  query(params: QueryParams): Promise<QueryResult>;
  /**
   * Every matching entity, page by page (limit/offset), at most `max` (default 10000).
   * @example
   * const { entities, truncated } = await client.queryAll({ type: 'Streetlight' }, { max: 5000, pageSize: 500 });
   */
  queryAll(params: QueryParams, bounds?: { max?: number; pageSize?: number }): Promise<QueryAllResult>;
  /**
   * Delete one entity (DELETE /entities/{id}); false when it did not exist.
   * @example
   * const deleted = await client.delete('urn:ngsi-ld:Alert:paris:7');
   */
  delete(id: string, o?: CallOptions): Promise<boolean>;
  /**
   * Delete one attribute of an entity (DELETE /entities/{id}/attrs/{attr}, clause 6.7.3.2), every
   * instance of it; false when the entity or the attribute was not there.
   * @example
   * await client.deleteAttribute(groupId, 'refStreetlight', { context: LIGHTING_CTX });
   */
  deleteAttribute(id: string, attribute: string, o?: CallOptions & { context?: string }): Promise<boolean>;
  /**
   * Partial update of one entity's attributes (PATCH /entities/{id}/attrs, clause 6.6.3.2): each
   * attribute sent replaces the stored one; attributes the entity lacks are reported, not created.
   * Returns the attribute names the broker did not update (empty on 204).
   * @example
   * await client.updateAttributes(lampId, { illuminanceLevel: { type: 'Property', value: 0.5 } }, { context: [LIGHTING_CTX] });
   */
  updateAttributes(id: string, attrs: Record<string, unknown>, o?: WriteOptions): Promise<string[]>;
  /**
   * Creates a subscription (POST /subscriptions); returns its id (from the answer's Location).
   * The subscription's `@context` (or the `context` option, sent as a Link) gives its terms' meaning.
   * @example
   * const id = await client.subscribe({ type: 'Subscription', entities: [{ type: 'Streetlight' }],
   *   watchedAttributes: ['illuminanceLevel'], notification: { endpoint: { uri: 'http://me:1880/hook' } } });
   */
  subscribe(subscription: Record<string, unknown>, o?: WriteOptions): Promise<string>;
  /**
   * Puts a subscription with a stable id in place: created, or, when the id exists already (409: a
   * leftover of a crash, a previous deploy, another version), deleted and created again so that the
   * new content takes effect. Returns its id.
   * @example
   * await client.replaceSubscription({ id: 'urn:ngsi-ld:Subscription:eclor:lighting', type: 'Subscription', … });
   */
  replaceSubscription(subscription: Record<string, unknown>, o?: WriteOptions): Promise<string>;
  /**
   * Deletes a subscription (DELETE /subscriptions/{id}); false when it did not exist.
   * @example
   * await client.unsubscribe(id);
   */
  unsubscribe(id: string, o?: CallOptions): Promise<boolean>;
  /**
   * Retrieves a subscription (GET /subscriptions/{id}); undefined on 404.
   * @example
   * const sub = await client.getSubscription(id); console.log(sub?.status, sub?.timesSent);
   */
  getSubscription(id: string, o?: ReadOptions): Promise<Record<string, unknown> | undefined>;
  /**
   * Closes the kept-alive connections.
   * @example
   * client.close();
   */
  close(): void;
}

/**
 * A request that failed for good: a non-retried refusal of a read, or a broker still failing after
 * the retries. `status`/`problem` are the broker's last answer, if any; `code` a network error code.
 */
export class NgsiLdClientError extends Error {
  readonly status?: number;
  readonly problem?: ProblemDetails;
  readonly code?: string;
  readonly attempts: number;
  constructor(message: string, o: { status?: number; problem?: ProblemDetails; code?: string; attempts: number }) {
    super(message);
    this.name = 'NgsiLdClientError';
    this.status = o.status;
    this.problem = o.problem;
    this.code = o.code;
    this.attempts = o.attempts;
  }
}
