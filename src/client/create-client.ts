/**
 * The NGSI-LD client for any broker (ours by URL, Orion-LD, Scorpio, Stellio): batch upsert / merge /
 * update with retries, tenant and @context handling; retrieve, query (with a bounded paging helper)
 * and delete. See README.md in this folder for the broker differences.
 */
import type { BatchOperationResult, Entity } from '../ngsi-ld/types';
import { batchResult, CORE_CONTEXT_V16, CORE_CONTEXT_V18, linkHeader, writeBody } from './payload';
import { createTransport, problemOf, type Response } from './transport';
import {
  NgsiLdClientError,
  type CallOptions,
  type NgsiLdClient,
  type NgsiLdClientOptions,
  type ReadOptions,
  type WriteOptions,
} from './types';

const API = '/ngsi-ld/v1';
const QUERY_KEYS = ['type', 'idPattern', 'q', 'georel', 'geometry', 'geoproperty', 'options'] as const;

/** A 404 that means "no such tenant", not "no such route" (ours: NonexistentTenant, Orion-LD: NonExistingTenant). */
const tenantMissing = (res: Response) => res.status === 404 && /tenant/i.test(problemOf(404, res.data).type);

/**
 * Creates a client of the NGSI-LD broker at `baseUrl`.
 * @example
 * const client = createNgsiLdClient({ baseUrl: 'http://orion:1026', flavour: 'orion-ld', tenant: 'paris' });
 * const r = await client.upsert(translation.entities, { context: translation.context, mode: 'replace' });
 * console.log(r.success.length, 'written', r.errors.length, 'refused');
 */
export function createNgsiLdClient(opts: NgsiLdClientOptions): NgsiLdClient {
  const flavour = opts.flavour ?? 'standard';
  const coreContext = opts.coreContext ?? (flavour === 'orion-ld' ? CORE_CONTEXT_V16 : CORE_CONTEXT_V18);
  const root = opts.baseUrl.replace(/\/+$/, '');
  const transport = createTransport({
    apiBase: root.endsWith(API) ? root : root + API,
    timeoutMs: opts.timeoutMs ?? 5000,
    retries: opts.retries ?? 3,
    backoffMs: opts.backoffMs ?? 100,
    log: opts.log,
  });
  // Orion-LD (before 1.x) has no batch merge; other brokers tell us with a 404/405/501, once.
  let mergeSupported = flavour !== 'orion-ld';

  function tenantHeader(o: CallOptions | undefined): Record<string, string> {
    const tenant = o?.tenant ?? opts.tenant;
    return tenant ? { 'NGSILD-Tenant': tenant } : {};
  }

  function readHeaders(o: ReadOptions | undefined): Record<string, string> {
    if (Array.isArray(o?.context)) throw new TypeError('A read takes one @context URL (a single Link header)');
    return { Accept: 'application/json', Link: linkHeader(o?.context ?? coreContext), ...tenantHeader(o) };
  }

  function readParams(o: ReadOptions | undefined): Record<string, string> {
    const p: Record<string, string> = {};
    if (o?.attrs?.length) p.attrs = o.attrs.join(',');
    if (o?.options) p.options = o.options;
    return p;
  }

  async function batch(op: string, entities: Entity[], o: WriteOptions | undefined, params?: Record<string, string>): Promise<{ res?: Response; result: BatchOperationResult }> {
    if (entities.length === 0) return { result: { success: [], errors: [] } };
    const body = writeBody(entities, o?.context ?? [], coreContext);
    const res = await transport.send({
      method: 'POST',
      path: `/entityOperations/${op}`,
      params,
      headers: { ...body.headers, Accept: 'application/json', ...tenantHeader(o) },
      data: body.data,
      onRetry: o?.onRetry,
    });
    return { res, result: batchResult(res, entities) };
  }

  const client: NgsiLdClient = {
    flavour,
    coreContext,

    async upsert(entities, o) {
      return (await batch('upsert', entities, o, o?.mode === 'merge' ? { options: 'update' } : undefined)).result;
    },

    async merge(entities, o) {
      if (mergeSupported) {
        const { res, result } = await batch('merge', entities, o);
        if (!res || ![404, 405, 501].includes(res.status) || tenantMissing(res)) return result;
        mergeSupported = false;
        opts.log?.info?.({ baseUrl: opts.baseUrl, status: res.status }, 'broker has no batch merge: using upsert?options=update from now on');
      }
      return client.upsert(entities, { ...o, mode: 'merge' });
    },

    async update(entities, o) {
      return (await batch('update', entities, o)).result;
    },

    async get(id, o) {
      const res = await transport.send({ method: 'GET', path: `/entities/${encodeURIComponent(id)}`, params: readParams(o), headers: readHeaders(o), onRetry: o?.onRetry });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw refused('retrieve', id, res);
      return res.data as Entity;
    },

    async query(q) {
      const p = readParams(q);
      for (const k of QUERY_KEYS) if (q[k] !== undefined) p[k] = String(q[k]);
      if (q.id !== undefined) p.id = Array.isArray(q.id) ? q.id.join(',') : q.id;
      if (q.coordinates !== undefined) p.coordinates = typeof q.coordinates === 'string' ? q.coordinates : JSON.stringify(q.coordinates);
      if (q.limit !== undefined) p.limit = String(q.limit);
      if (q.offset !== undefined) p.offset = String(q.offset);
      if (q.count) p.count = 'true';
      const res = await transport.send({ method: 'GET', path: '/entities', params: p, headers: readHeaders(q), onRetry: q.onRetry });
      if (res.status !== 200 || !Array.isArray(res.data)) throw refused('query', JSON.stringify(p), res);
      const count = res.headers['ngsild-results-count'];
      return { entities: res.data as Entity[], count: count === undefined ? undefined : Number(count) };
    },

    async queryAll(params, bounds) {
      const max = Math.max(0, bounds?.max ?? 10000);
      const pageSize = Math.max(1, Math.min(bounds?.pageSize ?? params.limit ?? 100, 1000));
      const start = params.offset ?? 0;
      const entities: Entity[] = [];
      let total: number | undefined;
      // at most ceil(max / pageSize) pages: the loop is bounded even if a broker ignores limit
      for (let page = 0; entities.length < max && page <= Math.ceil(max / pageSize); page++) {
        const limit = Math.min(pageSize, max - entities.length);
        const r = await client.query({ ...params, limit, offset: start + entities.length, count: page === 0 });
        if (page === 0) total = r.count;
        entities.push(...r.entities.slice(0, limit));
        if (r.entities.length < limit) return { entities, truncated: false };
      }
      const truncated = total !== undefined ? total > start + entities.length : entities.length >= max;
      return { entities, truncated };
    },

    async delete(id, o) {
      const res = await transport.send({ method: 'DELETE', path: `/entities/${encodeURIComponent(id)}`, headers: { Accept: 'application/json', ...tenantHeader(o) }, onRetry: o?.onRetry });
      if (res.status === 404) return false;
      if (res.status >= 300) throw refused('delete', id, res);
      return true;
    },

    async deleteAttribute(id, attribute, o) {
      const res = await transport.send({
        method: 'DELETE',
        path: `/entities/${encodeURIComponent(id)}/attrs/${encodeURIComponent(attribute)}?deleteAll=true`,
        headers: { Accept: 'application/json', Link: linkHeader(o?.context ?? coreContext), ...tenantHeader(o) },
        onRetry: o?.onRetry,
      });
      if (res.status === 404) return false;
      if (res.status >= 300) throw refused(`delete attribute ${attribute} of`, id, res);
      return true;
    },

    async updateAttributes(id, attrs, o) {
      const body = writeBody([attrs as Entity], o?.context ?? [], coreContext);
      const res = await transport.send({
        method: 'PATCH',
        path: `/entities/${encodeURIComponent(id)}/attrs`,
        headers: { ...body.headers, Accept: 'application/json', ...tenantHeader(o) },
        data: body.data[0],
        onRetry: o?.onRetry,
      });
      if (res.status === 204) return [];
      if (res.status === 207) {
        const r = (res.data ?? {}) as { notUpdated?: Array<{ attributeName?: string }> };
        return (r.notUpdated ?? []).map((n) => String(n.attributeName));
      }
      throw refused('update attributes of', id, res);
    },

    async subscribe(subscription, o) {
      const body = writeBody([subscription as unknown as Entity], o?.context ?? [], coreContext);
      const res = await transport.send({
        method: 'POST',
        path: '/subscriptions',
        headers: { ...body.headers, Accept: 'application/json', ...tenantHeader(o) },
        data: body.data[0],
        onRetry: o?.onRetry,
      });
      if (res.status !== 201) throw refused('create subscription', String(subscription.id ?? ''), res);
      const location = res.headers.location ?? '';
      return decodeURIComponent(location.slice(location.lastIndexOf('/') + 1)) || String(subscription.id);
    },

    async replaceSubscription(subscription, o) {
      try {
        return await client.subscribe(subscription, o);
      } catch (err) {
        if (!(err instanceof NgsiLdClientError && err.status === 409)) throw err;
        await client.unsubscribe(String(subscription.id), o);
        return client.subscribe(subscription, o);
      }
    },

    async unsubscribe(id, o) {
      const res = await transport.send({ method: 'DELETE', path: `/subscriptions/${encodeURIComponent(id)}`, headers: { Accept: 'application/json', ...tenantHeader(o) }, onRetry: o?.onRetry });
      if (res.status === 404) return false;
      if (res.status >= 300) throw refused('delete subscription', id, res);
      return true;
    },

    async getSubscription(id, o) {
      const res = await transport.send({ method: 'GET', path: `/subscriptions/${encodeURIComponent(id)}`, headers: readHeaders(o), onRetry: o?.onRetry });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw refused('retrieve subscription', id, res);
      return res.data as Record<string, unknown>;
    },

    close: () => transport.close(),
  };
  return client;
}

function refused(what: string, target: string, res: Response): NgsiLdClientError {
  const problem = problemOf(res.status, res.data);
  return new NgsiLdClientError(`${what} ${target}: HTTP ${res.status} ${problem.title}: ${problem.detail}`, { status: res.status, problem, attempts: 1 });
}
