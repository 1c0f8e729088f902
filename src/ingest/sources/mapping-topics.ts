/**
 * Mappings whose source is an MQTT topic (adapters/mapping) subscribe through the territory's MQTT
 * broker (the first `sources.mqtt` entry): their subscriptions are added to the sources configuration
 * at start. A mapping file added later with an MQTT source needs a restart (an HTTP one does not).
 */
import type { SourceLog } from './log';
import type { SourcesConfig } from './config';

export interface MqttMapping {
  name: string;
  source: { kind: 'http'; path: string } | { kind: 'mqtt'; topic: string };
}

/** The sources configuration plus one subscription per MQTT mapping (adapter `mapping/<name>`). */
export function withMappingTopics(config: SourcesConfig, mappings: MqttMapping[], log?: SourceLog): SourcesConfig {
  const wanted = mappings.filter((m) => m.source.kind === 'mqtt');
  if (wanted.length === 0) return config;
  if (config.mqtt.length === 0) {
    for (const m of wanted) log?.warn({ mapping: m.name }, 'this mapping reads an MQTT topic but the territory file has no sources.mqtt broker: it is only reachable over HTTP');
    return config;
  }
  const [first, ...rest] = config.mqtt;
  const added = wanted.map((m) => ({ topic: (m.source as { topic: string }).topic, adapter: `mapping/${m.name}` }));
  return { ...config, mqtt: [{ ...first, subscriptions: [...first.subscriptions, ...added] }, ...rest] };
}
