/**
 * The subscription engine of the embedded broker (ETSI GS CIM 009 v1.8, clauses 5.8 and 5.3.1):
 * keeps every tenant's subscriptions in memory (loaded at start, persisted on each change), listens to
 * the stores' change feed and, after each commit, on a later turn of the event loop (never delaying
 * the write's acknowledgement), finds the candidate subscriptions through the index, matches them and
 * hands notifications to the Notifier. Throttling coalesces changes per entity and sends their latest
 * state when the window ends; `timeInterval` subscriptions have a timer each. Counters live in memory
 * and are written to SQLite in batches (every second and at close).
 */
import { randomUUID } from 'node:crypto';
import type { CompiledContext, ContextResolver } from '../../ngsi-ld/context';
import { ngsiError } from '../../ngsi-ld/errors';
import type { StoredEntity } from '../../ngsi-ld/types';
import type { EntityChange, TenantRegistry } from '../store/types';
import { compileSubscription } from './compile';
import { changeEvent, triggerOf } from './match';
import { buildNotification, type NotifyItem } from './notification';
import type { Notifier } from './notifier/types';
import { periodicEntities } from './periodic';
import { statusOf } from './present';
import { createSubscriptionIndex, type SubscriptionIndex } from './sub-index';
import type { CompiledSubscription, Counters, SubscriptionDoc, Trigger } from './types';

export interface EngineOptions {
  tenants: TenantRegistry;
  contexts: ContextResolver;
  /** Without a notifier subscriptions are kept but nothing is matched (writes cost nothing extra). */
  notifier?: Notifier;
  now: () => string;
  /** Counter persistence period, ms (default 1000). */
  flushMs?: number;
  log?: { warn(obj: object, msg?: string): void; error?(obj: object, msg?: string): void };
}

export interface SubscriptionEngine {
  /** Settles once the stored subscriptions are loaded. */
  readonly ready: Promise<void>;
  readonly contexts: ContextResolver;
  /** Creates (clause 5.8.1); AlreadyExists when the id is taken. */
  create(tenant: string | undefined, doc: SubscriptionDoc, ctx: CompiledContext): Promise<CompiledSubscription>;
  /** Replaces the document of an existing subscription (clause 5.8.2), counters kept. */
  replace(tenant: string | undefined, doc: SubscriptionDoc): Promise<CompiledSubscription>;
  get(tenant: string | undefined, id: string): CompiledSubscription | undefined;
  list(tenant: string | undefined): CompiledSubscription[];
  delete(tenant: string | undefined, id: string): boolean;
  /** Writes the counters changed since the last flush. */
  flushCounters(): void;
  /** Sends pending throttled notifications, stops timers, persists counters. */
  close(): void;
}

interface Runtime {
  /** throttling: earliest time of the next notification (ms), changes waiting for it */
  nextAt: number;
  pending: Map<string, { item: NotifyItem; reason: Trigger }>;
  timer?: NodeJS.Timeout;
  periodic?: NodeJS.Timeout;
}

interface TenantState {
  subs: Map<string, CompiledSubscription>;
  index: SubscriptionIndex;
  /** whether the tenant's store reports its changes (only while it has subscriptions and there is a notifier) */
  listening: boolean;
}

const keyOf = (tenant: string | undefined): string => tenant ?? '';

export function createSubscriptionEngine(o: EngineOptions): SubscriptionEngine {
  const state = new Map<string, TenantState>();
  const runtime = new Map<CompiledSubscription, Runtime>();
  const dirty = new Set<CompiledSubscription>();
  const nowMs = (): number => Date.parse(o.now());
  let closed = false;

  function tenantState(tenant: string | undefined): TenantState {
    const k = keyOf(tenant);
    let t = state.get(k);
    if (!t) state.set(k, (t = { subs: new Map(), index: createSubscriptionIndex(), listening: false }));
    return t;
  }

  async function resolve(raw: unknown): Promise<CompiledContext> {
    return o.contexts.resolveSync(raw) ?? (await o.contexts.resolve(raw));
  }

  async function compile(tenant: string | undefined, doc: SubscriptionDoc, counters?: Counters, ctx?: CompiledContext): Promise<CompiledSubscription> {
    const c = ctx ?? (await resolve(doc.context));
    const notifyCtx = doc.jsonldContext ? await resolve(doc.jsonldContext) : c;
    return compileSubscription({ doc, ctx: c, notifyCtx, tenant, counters });
  }

  function rt(s: CompiledSubscription): Runtime {
    let r = runtime.get(s);
    if (!r) runtime.set(s, (r = { nextAt: 0, pending: new Map() }));
    return r;
  }

  const active = (s: CompiledSubscription): boolean => statusOf(s, nowMs()) === 'active';

  // ------------------------------------------------------------------ sending

  function send(s: CompiledSubscription, items: NotifyItem[], reason: Trigger | undefined, orderKey: string): void {
    if (!o.notifier || items.length === 0) return;
    const now = o.now();
    const delivery = buildNotification(s, { items, reason, now, core: o.contexts.core, orderKey });
    const c = s.counters;
    c.timesSent++;
    c.lastNotification = now;
    dirty.add(s);
    o.notifier.send(delivery, (outcome) => {
      if (outcome.ok) c.lastSuccess = outcome.at;
      else {
        c.timesFailed++;
        c.lastFailure = outcome.at;
      }
      dirty.add(s);
    });
  }

  /** Sends the coalesced changes of a throttled subscription. */
  function fire(s: CompiledSubscription): void {
    const r = rt(s);
    r.timer = undefined;
    const batch = [...r.pending.values()];
    r.pending.clear();
    if (batch.length === 0 || !active(s)) return;
    r.nextAt = nowMs() + s.doc.throttling! * 1000;
    send(s, batch.map((b) => b.item), batch[batch.length - 1].reason, s.doc.id);
  }

  function dispatch(s: CompiledSubscription, item: NotifyItem, reason: Trigger): void {
    if (s.doc.throttling === undefined) return send(s, [item], reason, item.id);
    const r = rt(s);
    const t = nowMs();
    if (!r.timer && t >= r.nextAt) {
      r.nextAt = t + s.doc.throttling * 1000;
      return send(s, [item], reason, s.doc.id);
    }
    // within the window: keep the latest state of each entity, and its state before the first change
    const prev = r.pending.get(item.id);
    r.pending.set(item.id, { item: { id: item.id, before: prev ? prev.item.before : item.before, after: item.after }, reason });
    if (!r.timer) {
      r.timer = setTimeout(() => fire(s), Math.max(0, r.nextAt - t));
      r.timer.unref?.();
    }
  }

  // ------------------------------------------------------------------ matching

  const queue: Array<{ tenant: string | undefined; changes: EntityChange[] }> = [];
  let scheduled = false;
  let loaded = false;

  function matchChange(t: TenantState, c: EntityChange): void {
    const after = c.after === undefined ? undefined : (JSON.parse(c.after) as StoredEntity);
    const head = after ?? (JSON.parse(c.before!) as StoredEntity);
    const candidates = t.index.candidates(head);
    if (candidates.length === 0) return;
    const before = c.before === undefined ? undefined : after ? (JSON.parse(c.before) as StoredEntity) : head;
    const ev = changeEvent(c.id, before, after);
    const at = nowMs();
    for (const s of candidates) {
      if (s.doc.timeInterval !== undefined || statusOf(s, at) !== 'active') continue;
      const reason = triggerOf(s, ev);
      if (reason) dispatch(s, { id: c.id, before, after }, reason);
    }
  }

  function drain(): void {
    scheduled = false;
    const batches = queue.splice(0, queue.length);
    for (const b of batches) {
      const t = state.get(keyOf(b.tenant));
      if (!t || t.index.size === 0) continue;
      for (const c of b.changes) {
        try {
          matchChange(t, c);
        } catch (err) {
          o.log?.warn({ err, entityId: c.id }, 'subscription matching failed');
        }
      }
    }
  }

  function onChanges(tenant: string | undefined, changes: EntityChange[]): void {
    if (closed) return;
    queue.push({ tenant, changes });
    if (scheduled || !loaded) return;
    scheduled = true;
    setImmediate(drain);
  }

  // ------------------------------------------------------------------ lifecycle of one subscription

  function startPeriodic(s: CompiledSubscription): void {
    if (s.doc.timeInterval === undefined || !o.notifier) return;
    const r = rt(s);
    r.periodic = setInterval(() => {
      const status = statusOf(s, nowMs());
      if (status === 'expired') {
        clearInterval(r.periodic);
        return;
      }
      if (status !== 'active') return;
      try {
        const entities = periodicEntities(s, o.tenants.forRead(s.tenant));
        send(s, entities.map((e) => ({ id: e.id, after: e })), undefined, s.doc.id);
      } catch (err) {
        o.log?.warn({ err, subscriptionId: s.doc.id }, 'periodic notification failed');
      }
    }, s.doc.timeInterval * 1000);
    r.periodic.unref?.();
  }

  function stop(s: CompiledSubscription, flushPending: boolean): void {
    const r = runtime.get(s);
    if (!r) return;
    if (r.timer) {
      clearTimeout(r.timer);
      if (flushPending) fire(s);
    }
    if (r.periodic) clearInterval(r.periodic);
    runtime.delete(s);
  }

  /** A tenant without subscriptions has no change listener: its writes cost nothing extra. */
  function listen(tenant: string | undefined, t: TenantState, on: boolean): void {
    if (t.listening === on) return;
    o.tenants.forRead(tenant).setChangeListener(on ? (changes) => onChanges(tenant, changes) : undefined);
    t.listening = on;
  }

  function add(s: CompiledSubscription): void {
    const t = tenantState(s.tenant);
    t.subs.set(s.doc.id, s);
    t.index.add(s);
    startPeriodic(s);
    if (o.notifier) listen(s.tenant, t, true);
  }

  function remove(s: CompiledSubscription): void {
    const t = tenantState(s.tenant);
    t.subs.delete(s.doc.id);
    t.index.remove(s);
    stop(s, false);
    if (t.subs.size === 0) listen(s.tenant, t, false);
  }

  const countersJson = (c: Counters): string => JSON.stringify(c);

  // ------------------------------------------------------------------ start

  async function load(): Promise<void> {
    for (const tenant of [undefined, ...o.tenants.tenants()]) {
      let rows;
      try {
        rows = o.tenants.forRead(tenant).subscriptions.all();
      } catch (err) {
        o.log?.warn({ err, tenant }, 'cannot read the subscriptions of a tenant');
        continue;
      }
      for (const row of rows) {
        try {
          const doc = JSON.parse(row.doc) as SubscriptionDoc;
          const counters = row.counters ? (JSON.parse(row.counters) as Counters) : undefined;
          add(await compile(tenant, doc, counters));
        } catch (err) {
          o.log?.warn({ err, tenant, subscriptionId: row.id }, 'cannot load a stored subscription; it stays stored but inactive');
        }
      }
    }
  }

  const ready = load().finally(() => {
    loaded = true;
    if (queue.length && !scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  });
  const flushTimer = setInterval(() => engine.flushCounters(), o.flushMs ?? 1000);
  flushTimer.unref?.();

  const engine: SubscriptionEngine = {
    ready,
    contexts: o.contexts,
    async create(tenant, doc, ctx) {
      await ready;
      const s = await compile(tenant, doc, undefined, ctx);
      const store = o.tenants.forWrite(tenant);
      if (tenantState(tenant).subs.has(doc.id) || !store.subscriptions.insert({ id: doc.id, doc: JSON.stringify(doc), counters: countersJson(s.counters) })) {
        throw ngsiError('AlreadyExists', `Subscription ${doc.id} already exists`);
      }
      add(s);
      return s;
    },
    async replace(tenant, doc) {
      await ready;
      const old = tenantState(tenant).subs.get(doc.id);
      if (!old) throw ngsiError('ResourceNotFound', `Subscription ${doc.id} not found`);
      const s = await compile(tenant, doc, old.counters, doc.context === old.doc.context ? old.ctx : undefined);
      if (!o.tenants.forRead(tenant).subscriptions.replace(doc.id, JSON.stringify(doc))) throw ngsiError('ResourceNotFound', `Subscription ${doc.id} not found`);
      const pending = runtime.get(old);
      remove(old);
      if (dirty.delete(old)) dirty.add(s);
      add(s);
      if (pending && s.doc.throttling !== undefined) {
        // keep the throttling window and what waits in it
        const r = rt(s);
        r.nextAt = pending.nextAt;
        for (const [k, v] of pending.pending) r.pending.set(k, v);
        if (r.pending.size) r.timer = setTimeout(() => fire(s), Math.max(0, r.nextAt - nowMs()));
        r.timer?.unref?.();
      }
      return s;
    },
    get: (tenant, id) => state.get(keyOf(tenant))?.subs.get(id),
    list: (tenant) => [...(state.get(keyOf(tenant))?.subs.values() ?? [])].sort((a, b) => (a.doc.id < b.doc.id ? -1 : a.doc.id > b.doc.id ? 1 : 0)),
    delete(tenant, id) {
      const s = state.get(keyOf(tenant))?.subs.get(id);
      if (!s) return false;
      remove(s);
      dirty.delete(s);
      o.tenants.forRead(tenant).subscriptions.delete(id);
      return true;
    },
    flushCounters() {
      if (dirty.size === 0) return;
      const byTenant = new Map<string, Array<{ id: string; counters: string }>>();
      for (const s of dirty) {
        const k = keyOf(s.tenant);
        const list = byTenant.get(k) ?? [];
        list.push({ id: s.doc.id, counters: countersJson(s.counters) });
        byTenant.set(k, list);
      }
      dirty.clear();
      for (const [k, rows] of byTenant) {
        try {
          o.tenants.forRead(k === '' ? undefined : k).subscriptions.saveCounters(rows);
        } catch (err) {
          o.log?.warn({ err, tenant: k }, 'cannot persist subscription counters');
        }
      }
    },
    close() {
      if (closed) return;
      drain();
      closed = true;
      clearInterval(flushTimer);
      for (const s of [...runtime.keys()]) stop(s, true);
      for (const [k, t] of state) listen(k === '' ? undefined : k, t, false);
      engine.flushCounters();
    },
  };
  return engine;
}

/** A new subscription id (clause 5.2.12: generated when the request has none). */
export const newSubscriptionId = (): string => `urn:ngsi-ld:Subscription:${randomUUID()}`;
