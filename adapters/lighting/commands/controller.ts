/**
 * Lighting commands back to the TALQ gateways: the NGSI-LD subscription on `illuminanceLevel`, the
 * notifications it brings, and for each target set by someone other than the log-report adapter a
 * TALQ `targetLightCommand` to the lamp's gateway, retried until acknowledged; the outcome is
 * recorded on the entity (`lightCommand`). A StreetlightGroup target is fanned out to its members
 * (TALQ has no group command: its groups only carry membership). See README.md in ../.
 */
import type { NgsiLdClient } from '../../../src/client';
import { STREETLIGHTING_CONTEXT } from '../talq/translate';
import { gatewayFor, type LightingConfig } from './config';
import { createDispatcher, type CommandResult } from './dispatcher';
import { lampOf, readNotification, type LampInfo, type Target } from './notification';
import { outcomeFragment, type Outcome } from './outcome';
import type { AttachableRoute } from './route';
import { sendTalqCommand } from './send-command';
import { ensureSubscription, lightingSubscription, lightingSubscriptionId } from './subscription';
import { levelPercent, talqCommandRequest } from './talq-command';

export interface LightingLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LightingCommandsOptions {
  client: NgsiLdClient;
  lighting: LightingConfig;
  /** Territory part of entity ids; names the subscription. */
  territory: string;
  /** The URL the broker notifies (…/ingest/lighting/talq/notifications as the broker reaches it). */
  notifyUrl: string;
  /** The mounted webhook (createLightingNotificationRoute()). */
  route: AttachableRoute;
  log: LightingLog;
  /** Remembered changes (duplicate deliveries are ignored), bounded (default 10000). */
  memory?: number;
  /** For tests: jitter source. */
  random?: () => number;
}

export interface LightingCommands {
  /** Resolves true once the subscription exists (false: stopped first or refused; logged). */
  ready: Promise<boolean>;
  /** Handles one notification body (what the route does; async, never throws). */
  handle(body: unknown): void;
  /** Resolves when every command and record under way has ended. */
  idle(): Promise<void>;
  /** Stops: detaches the route, ends retries, removes the subscription. */
  stop(): Promise<void>;
}

/** A bounded insertion-ordered map (oldest dropped). */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

/**
 * Starts the lighting commands of a territory.
 * @example
 * const route = createLightingNotificationRoute();
 * // … mount route with the ingest routes, listen …
 * const commands = startLightingCommands({ client, lighting: loadLighting(file)!, territory: 'eclor',
 *   notifyUrl: `http://127.0.0.1:${port}${LIGHTING_NOTIFICATION_PATH}`, route, log });
 * await commands.ready;
 * // … at shutdown
 * await commands.stop();
 */
export function startLightingCommands(o: LightingCommandsOptions): LightingCommands {
  const { client, lighting, log } = o;
  const settings = lighting.commands;
  const memory = o.memory ?? 10000;
  let stopped = false;
  /** entity id → fingerprint of the last target acted on (cleared when the lamp reports a level). */
  const lastTarget = new Map<string, string>();
  const seenNotifications = new Map<string, true>();
  /** Per-entity chain of outcome writes, so they land in order. */
  const records = new Map<string, Promise<void>>();
  const work = new Set<Promise<unknown>>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    work.add(p);
    void p.finally(() => work.delete(p)).catch(() => undefined);
    return p;
  };

  function record(entity: { id: string; type: string }, outcome: Outcome): Promise<void> {
    const prev = records.get(entity.id) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        const r = await client.merge([outcomeFragment(entity, outcome, new Date().toISOString())], { context: [STREETLIGHTING_CONTEXT] });
        if (r.errors.length) log.warn({ entityId: entity.id, error: r.errors[0].error.detail }, 'lighting commands: outcome not recorded');
      } catch (err) {
        log.warn({ entityId: entity.id, err: (err as Error).message }, 'lighting commands: outcome not recorded');
      }
    });
    records.set(entity.id, next);
    void next.then(() => records.get(entity.id) === next && records.delete(entity.id));
    return track(next);
  }

  const dispatcher = createDispatcher({
    maxConcurrent: settings.maxConcurrent,
    backoffMs: settings.backoffMs,
    maxBackoffMs: settings.maxBackoffMs,
    giveUpMs: settings.giveUpMs,
    random: o.random,
  });

  /** Sends `level` to one lamp and records the outcome on it (not when superseded). */
  async function commandLamp(lamp: LampInfo, level: number): Promise<CommandResult> {
    const entity = { id: lamp.entityId, type: 'Streetlight' };
    const gateway = gatewayFor(lighting.gateways, lamp);
    const functionId = lamp.functionId ?? gateway?.functionId;
    const refusal = !gateway
      ? `no gateway of lighting.gateways serves TALQ device ${lamp.device}${lamp.gateway ? ` (gateway ${lamp.gateway})` : ''}`
      : !functionId
        ? `the LampActuator function of TALQ device ${lamp.device} is unknown (no talqAddress yet, no functionId for its gateway)`
        : undefined;
    if (refusal || !gateway || !functionId) {
      const failed: CommandResult = { state: 'failed', attempts: 0, reason: refusal ?? '' };
      await record(entity, { state: 'failed', targetLevel: level, attempts: 0, reason: failed.reason });
      return failed;
    }
    void record(entity, { state: 'pending', targetLevel: level, attempts: 0, reason: `sending to ${gateway.url}` });
    const result = await dispatcher.submit(lamp.entityId, async (n) => {
      const r = await sendTalqCommand(talqCommandRequest({ lighting, gateway, lamp: { device: lamp.device, functionId }, level, cmsRefId: lamp.entityId, now: new Date() }), settings.timeoutMs);
      if (!r.ok && r.retry) void record(entity, { state: 'pending', targetLevel: level, attempts: n, reason: `retrying: ${r.reason}` });
      return r;
    });
    if (result.state === 'acknowledged') await record(entity, { state: 'acknowledged', targetLevel: level, attempts: result.attempts, reason: `HTTP ${result.status} from ${gateway.url}` });
    else if (result.state === 'failed') {
      log.warn({ entityId: lamp.entityId, level, reason: result.reason }, 'lighting command failed');
      await record(entity, { state: 'failed', targetLevel: level, attempts: result.attempts, reason: result.reason });
    }
    return result;
  }

  /** The addressing of a group's member lamps, read from the broker (unknown ones: from their ids). */
  async function membersOf(ids: string[]): Promise<LampInfo[]> {
    const known = new Map<string, LampInfo>();
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const { entities } = await client.queryAll({ type: 'Streetlight', id: chunk, attrs: ['talqAddress', 'talqGateway'], context: STREETLIGHTING_CONTEXT }, { max: chunk.length, pageSize: chunk.length });
      for (const e of entities) known.set(String(e.id), lampOf(e as Record<string, unknown>));
    }
    return ids.map((id) => known.get(id) ?? lampOf({ id }));
  }

  async function commandGroup(t: Target, level: number): Promise<void> {
    const entity = { id: t.entityId, type: 'StreetlightGroup' };
    const ids = [...new Set(t.members ?? [])];
    if (ids.length === 0) return record(entity, { state: 'failed', targetLevel: level, attempts: 0, reason: 'the group has no refStreetlight' });
    await record(entity, { state: 'pending', targetLevel: level, attempts: 0, reason: `sending to ${ids.length} lamp(s)` });
    let lamps: LampInfo[];
    try {
      lamps = await membersOf(ids);
    } catch (err) {
      return record(entity, { state: 'failed', targetLevel: level, attempts: 0, reason: `members not readable: ${(err as Error).message}` });
    }
    const results = await Promise.all(lamps.map((l) => commandLamp(l, level)));
    const failed = results.filter((r): r is Extract<CommandResult, { state: 'failed' }> => r.state === 'failed');
    const superseded = results.filter((r) => r.state === 'superseded').length;
    const attempts = Math.max(0, ...results.map((r) => r.attempts));
    if (failed.length) await record(entity, { state: 'failed', targetLevel: level, attempts, reason: `${failed.length} of ${lamps.length} lamp(s) failed: ${failed[0].reason}` });
    else await record(entity, { state: 'acknowledged', targetLevel: level, attempts, reason: `${lamps.length - superseded} lamp(s) acknowledged${superseded ? `, ${superseded} superseded by a newer target` : ''}` });
  }

  async function act(t: Target): Promise<void> {
    const percent = levelPercent(t.level);
    if (percent === undefined) {
      return record({ id: t.entityId, type: t.entityType }, { state: 'failed', targetLevel: 0, attempts: 0, reason: `illuminanceLevel ${JSON.stringify(t.level)} is not a number in 0..1` });
    }
    const level = t.level as number;
    log.info({ entityId: t.entityId, level }, 'lighting command requested');
    if (t.entityType === 'Streetlight' && t.lamp) await commandLamp(t.lamp, level);
    else await commandGroup(t, level);
  }

  function handle(body: unknown): void {
    if (stopped) return;
    const n = readNotification(body);
    if (n.id !== undefined) {
      if (seenNotifications.has(n.id)) return;
      remember(seenNotifications, n.id, true, memory);
    }
    for (const id of n.reported) lastTarget.delete(id);
    for (const t of n.targets) {
      if (lastTarget.get(t.entityId) === t.fingerprint) continue;
      remember(lastTarget, t.entityId, t.fingerprint, memory);
      void track(act(t).catch((err) => log.error({ entityId: t.entityId, err: (err as Error).message }, 'lighting command not handled')));
    }
  }

  const detach = o.route.attach(handle);
  const subscription = lightingSubscription(o.territory, o.notifyUrl);
  const halt = new AbortController();
  const sleep = (ms: number) =>
    new Promise<void>((ok) => {
      const timer = setTimeout(ok, ms);
      halt.signal.addEventListener('abort', () => (clearTimeout(timer), ok()), { once: true });
    });
  const ready = ensureSubscription({ client, subscription, context: STREETLIGHTING_CONTEXT, stopped: () => stopped, log, sleep }).catch((err) => {
    log.error({ err: (err as Error).message }, 'lighting commands: the broker refused the subscription');
    return false;
  });

  const idle = async () => {
    // bounded: each round waits for the work present at its start; new work needs new notifications
    for (let round = 0; round < 100 && work.size > 0; round++) await Promise.allSettled([...work]);
  };

  return {
    ready,
    handle,
    idle,
    async stop() {
      if (stopped) return;
      stopped = true;
      detach();
      halt.abort();
      dispatcher.stop();
      await ready;
      await idle();
      try {
        await client.unsubscribe(lightingSubscriptionId(o.territory));
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'lighting commands: subscription not removed');
      }
    },
  };
}
