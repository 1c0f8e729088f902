import { withMappingTopics } from './mapping-topics';

const base = { mqtt: [{ url: 'mqtt://127.0.0.1:1883', subscriptions: [{ topic: 'chirpstack/+/event/up', adapter: 'water/chirpstack' }] }], poll: [] };

describe('withMappingTopics', () => {
  it('adds one subscription per MQTT mapping to the first broker', () => {
    const out = withMappingTopics(base, [
      { name: 'waste-bin', source: { kind: 'mqtt', topic: 'bins/+/up' } },
      { name: 'air', source: { kind: 'http', path: '/ingest/mapping/air' } },
    ]);
    expect(out.mqtt[0].subscriptions).toEqual([...base.mqtt[0].subscriptions, { topic: 'bins/+/up', adapter: 'mapping/waste-bin' }]);
    expect(base.mqtt[0].subscriptions).toHaveLength(1);
  });
  it('warns when there is no MQTT broker and leaves the configuration alone', () => {
    const warn = jest.fn();
    const cfg = { mqtt: [], poll: [] };
    expect(withMappingTopics(cfg, [{ name: 'x', source: { kind: 'mqtt', topic: 't' } }], { info: jest.fn(), warn })).toBe(cfg);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
