/**
 * From an Endpoint (clause 5.2.15) to where the notifier sends: the queue key, a label for logs and
 * stats (no password), and the binding's parameters (HTTP URL; MQTT broker, topic and QoS from
 * `notifierInfo`, clause 5.2.15 and the MQTT binding annex).
 */
import type { DeliveryEndpoint } from './types';

/** One MQTT connection: deliveries with the same `key` share a client. */
export interface MqttBroker {
  key: string;
  /** `mqtt://host:port` or `mqtts://host:port`, without credentials. */
  url: string;
  username?: string;
  password?: string;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
  protocolVersion: 4 | 5;
}

export type DeliveryTarget =
  | { kind: 'http'; key: string; label: string; url: URL }
  | { kind: 'mqtt'; key: string; label: string; broker: MqttBroker; topic: string; qos: 0 | 1 | 2 };

const info = (e: DeliveryEndpoint, key: string) => e.notifierInfo?.find((kv) => kv.key === key)?.value;

function mqttTarget(url: URL, e: DeliveryEndpoint): DeliveryTarget {
  const qosText = info(e, 'MQTT-QoS') ?? '0';
  if (!['0', '1', '2'].includes(qosText)) throw new Error(`invalid MQTT-QoS '${qosText}' (0, 1 or 2)`);
  const versionText = info(e, 'MQTT-Version') ?? 'mqtt3.1.1';
  if (versionText !== 'mqtt3.1.1' && versionText !== 'mqtt5.0') throw new Error(`invalid MQTT-Version '${versionText}' (mqtt3.1.1 or mqtt5.0)`);
  const topic = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!topic) throw new Error('MQTT endpoint without a topic (the URI path)');
  if (/[+#]/.test(topic)) throw new Error(`MQTT topic '${topic}' has a wildcard`);
  const port = url.port || (url.protocol === 'mqtts:' ? '8883' : '1883');
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const brokerUrl = `${url.protocol}//${url.hostname}:${port}`;
  const protocolVersion = versionText === 'mqtt5.0' ? 5 : 4;
  const brokerKey = JSON.stringify([brokerUrl, username ?? null, password ?? null, protocolVersion]);
  const shown = `${url.protocol}//${username ? `${encodeURIComponent(username)}@` : ''}${url.hostname}:${port}`;
  return {
    kind: 'mqtt',
    key: `${brokerKey} ${topic}`,
    label: `${shown}/${topic}`,
    broker: { key: brokerKey, url: brokerUrl, username, password, protocolVersion },
    topic,
    qos: Number(qosText) as 0 | 1 | 2,
  };
}

/**
 * Throws an Error whose message says what is wrong with the URI.
 * @example
 * parseTarget({ uri: 'http://rx:8080/notify?x=1' }).key // 'http://rx:8080/notify'
 * parseTarget({ uri: 'mqtt://u:p@mq:1883/a/b', notifierInfo: [{ key: 'MQTT-QoS', value: '1' }] })
 * // { kind: 'mqtt', label: 'mqtt://u@mq:1883/a/b', topic: 'a/b', qos: 1, broker: { username: 'u', password: 'p', … } }
 */
export function parseTarget(e: DeliveryEndpoint): DeliveryTarget {
  let url: URL;
  try {
    url = new URL(e.uri);
  } catch {
    throw new Error(`invalid endpoint URI '${String(e.uri)}'`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const key = url.origin + url.pathname;
    return { kind: 'http', key, label: key, url };
  }
  if (url.protocol === 'mqtt:' || url.protocol === 'mqtts:') return mqttTarget(url, e);
  throw new Error(`unsupported endpoint scheme '${url.protocol}' (http, https, mqtt, mqtts)`);
}
