/**
 * Mappings whose source is an MQTT topic (adapters/mapping) subscribe through the territory's MQTT
 * broker (the first `sources.mqtt` entry), as adapter `mapping/<name>`. The subscriptions follow the
 * mapping registry: a mapping file added, changed or removed at run time is subscribed, updated or
 * unsubscribed at the registry's next reload, without a restart and without touching the other
 * subscriptions (their queues and messages stay as they are).
 */
import type { Adapter } from '../types';
import type { SourceLog } from './log';
import type { MqttSource, MqttSubscription } from './mqtt-source';
import { filtersOverlap } from './topic-filter';

export interface MqttMapping {
  name: string;
  source: { kind: 'http'; path: string } | { kind: 'mqtt'; topic: string; qos?: 0 | 1 | 2 };
}

/** What the sources need of the mapping registry; adapters/mapping's MappingRegistry fits. */
export interface MappingTopicsRegistry {
  list(): MqttMapping[];
  get(name: string): Adapter | undefined;
  onReload(listener: () => void): () => void;
}

/** One subscription per MQTT mapping of the registry (adapter `mapping/<name>`), in the registry's order. */
export function mappingSubscriptions(registry: Pick<MappingTopicsRegistry, 'list' | 'get'>): MqttSubscription[] {
  const subs: MqttSubscription[] = [];
  for (const m of registry.list()) {
    if (m.source.kind !== 'mqtt') continue;
    const adapter = registry.get(m.name);
    if (adapter) subs.push({ topic: m.source.topic, adapter, qos: m.source.qos });
  }
  return subs;
}

/**
 * Warns (once per pair) of two subscriptions whose filters some topic matches both: its messages go to
 * the first one only (territory subscriptions first, then the mappings in the order they were loaded).
 */
function warnOverlaps(subs: MqttSubscription[], warned: Set<string>, log: SourceLog): void {
  for (let j = 1; j < subs.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [subs[i], subs[j]];
      const key = `${a.topic}\u0000${a.adapter.name}\u0000${b.topic}\u0000${b.adapter.name}`;
      if (a.adapter.name === b.adapter.name || warned.has(key) || !filtersOverlap(a.topic, b.topic)) continue;
      warned.add(key);
      log.warn({ topic: b.topic, adapter: b.adapter.name, first: a.topic, firstAdapter: a.adapter.name }, `mqtt source: topics that '${a.topic}' and '${b.topic}' both match go to ${a.adapter.name} only (it comes first)`);
    }
  }
}

/**
 * Keeps `source` subscribed to `base` plus the registry's MQTT mappings, now and after every reload
 * (base first: a territory subscription wins a topic both match). Without a source, each MQTT mapping
 * is reported once: it is only reachable over HTTP. Returns the function that stops following.
 * @example
 * const unfollow = followMappingTopics(sources.mqtt[0], territorySubscriptions, mappings, log);
 */
export function followMappingTopics(source: MqttSource | undefined, base: MqttSubscription[], registry: MappingTopicsRegistry, log: SourceLog): () => void {
  const warned = new Set<string>();
  const apply = () => {
    const subs = mappingSubscriptions(registry);
    if (source) {
      const all = [...base, ...subs];
      warnOverlaps(all, warned, log);
      return source.update(all);
    }
    for (const s of subs) {
      const name = s.adapter.name;
      if (warned.has(name)) continue;
      warned.add(name);
      log.warn({ mapping: name, topic: s.topic }, 'this mapping reads an MQTT topic but the territory file has no sources.mqtt broker: it is only reachable over HTTP');
    }
  };
  apply();
  return registry.onReload(apply);
}
