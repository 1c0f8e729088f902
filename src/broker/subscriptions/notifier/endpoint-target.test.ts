import { parseTarget } from './endpoint-target';

describe('parseTarget', () => {
  it.each([
    ['http://127.0.0.1:8080/notify?a=1', 'http://127.0.0.1:8080/notify'],
    ['https://rx.example/n', 'https://rx.example/n'],
    ['http://user:pw@rx.example:80/n#frag', 'http://rx.example/n'],
  ])('HTTP %s → queue %s', (uri, key) => {
    const t = parseTarget({ uri });
    expect(t).toMatchObject({ kind: 'http', key, label: key });
  });

  it('MQTT: broker, topic, QoS, version and credentials', () => {
    const t = parseTarget({
      uri: 'mqtts://us%40er:p%3Ass@mq.example/eclor/alerts%20x',
      notifierInfo: [
        { key: 'MQTT-QoS', value: '2' },
        { key: 'MQTT-Version', value: 'mqtt5.0' },
      ],
    });
    expect(t).toMatchObject({
      kind: 'mqtt',
      label: 'mqtts://us%40er@mq.example:8883/eclor/alerts x',
      topic: 'eclor/alerts x',
      qos: 2,
      broker: { url: 'mqtts://mq.example:8883', username: 'us@er', password: 'p:ss', protocolVersion: 5 },
    });
    expect(t.label).not.toContain('p:ss');
  });

  it('MQTT defaults: QoS 0, MQTT 3.1.1, port 1883; the queue key separates credentials', () => {
    const a = parseTarget({ uri: 'mqtt://mq/t' });
    const b = parseTarget({ uri: 'mqtt://u:other@mq/t' });
    const c = parseTarget({ uri: 'mqtt://mq:1883/t' });
    expect(a).toMatchObject({ qos: 0, broker: { url: 'mqtt://mq:1883', protocolVersion: 4 } });
    expect(a.key).toBe(c.key);
    expect(a.key).not.toBe(b.key);
  });

  it.each([
    ['not a uri', /invalid endpoint URI/],
    ['ftp://x/y', /unsupported endpoint scheme 'ftp:'/],
    ['mqtt://mq:1883', /without a topic/],
    ['mqtt://mq:1883/', /without a topic/],
    ['mqtt://mq/a/+/b', /wildcard/],
  ])('%s is refused', (uri, error) => {
    expect(() => parseTarget({ uri })).toThrow(error);
  });

  it.each([
    ['MQTT-QoS', '3', /invalid MQTT-QoS/],
    ['MQTT-Version', 'mqtt3', /invalid MQTT-Version/],
  ])('%s %s is refused', (key, value, error) => {
    expect(() => parseTarget({ uri: 'mqtt://mq/t', notifierInfo: [{ key, value }] })).toThrow(error);
  });
});
