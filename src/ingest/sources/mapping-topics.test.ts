import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { createMappingRegistry, type MappingRegistry } from '../../../adapters/mapping';
import { BASE_MAPPING } from '../../../adapters/mapping/test-support.fixture';
import { parseSources, startSources, type RunningSources } from './config';
import { followMappingTopics, mappingSubscriptions } from './mapping-topics';
import { startTestBroker, type TestBroker } from './mqtt-broker.fixture';
import { jsonAdapter, recordingDeps, sleep, waitFor, writtenIds, type RecordingDeps } from './sources.fixture';

const mqttMapping = (topic: string) => BASE_MAPPING.replace('  http: {}', `  mqtt: { topic: '${topic}', qos: 1 }`);

describe('mappingSubscriptions', () => {
  it('gives one subscription per loaded MQTT mapping, with its adapter and QoS', () => {
    const waste = jsonAdapter('mapping/waste-bin');
    const registry = {
      list: () => [
        { name: 'waste-bin', source: { kind: 'mqtt' as const, topic: 'bins/+/up', qos: 0 as const } },
        { name: 'air', source: { kind: 'http' as const, path: '/ingest/mapping/air' } },
      ],
      get: (name: string) => (name === 'waste-bin' ? waste : undefined),
    };
    expect(mappingSubscriptions(registry)).toEqual([{ topic: 'bins/+/up', adapter: waste, qos: 0 }]);
  });

  it('without an MQTT broker, reports each MQTT mapping once, at start and at reloads', () => {
    const warn = jest.fn();
    let reload = () => {};
    const list = [{ name: 'x', source: { kind: 'mqtt' as const, topic: 't' } }];
    const registry = { list: () => list, get: (n: string) => jsonAdapter(`mapping/${n}`), onReload: (l: () => void) => ((reload = l), () => {}) };
    followMappingTopics(undefined, [], registry, { info: jest.fn(), warn });
    reload();
    expect(warn).toHaveBeenCalledTimes(1);
    list.push({ name: 'y', source: { kind: 'mqtt', topic: 'u' } });
    reload();
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe('MQTT mappings follow MAPPINGS_DIR at run time (real aedes broker, real registry)', () => {
  let broker: TestBroker;
  let dir: string;
  let registry: MappingRegistry;
  let deps: RecordingDeps;
  let sources: RunningSources;
  let publisher: MqttClient;
  const logs: Array<{ msg: string; topics?: string[] }> = [];
  const log = { info: (o: object, msg: string) => void logs.push({ msg, ...o }), warn: (o: object, msg: string) => void logs.push({ msg, ...o }) };
  const logged = (msg: string, topic: string) => logs.some((l) => l.msg === msg && l.topics?.includes(topic));
  const ids = () => writtenIds(deps);
  const file = () => path.join(dir, 'probe.yaml');

  beforeEach(async () => {
    logs.length = 0;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-mqtt-mappings-'));
    broker = await startTestBroker();
    deps = recordingDeps();
    registry = createMappingRegistry(dir, log, { debounceMs: 20 });
    const subscriptions = [{ topic: 'static', adapter: 'test/json' }, { topic: 'terr/+', adapter: 'mapping/probe' }]; // the mapping is not loaded yet
    const config = parseSources({ sources: { mqtt: { url: broker.url, reconnectMs: 100, subscriptions } } });
    sources = startSources(config, [jsonAdapter('test/json')], deps, log, registry);
    publisher = await connectAsync(broker.url);
    await waitFor(() => logged('mqtt source: subscribed', 'static'), 'the territory subscription');
  });
  afterEach(async () => {
    await publisher.endAsync(true);
    await sources.stop();
    registry.close();
    await broker.close();
    deps.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const publish = (topic: string, body: object) => publisher.publishAsync(topic, JSON.stringify(body), { qos: 1 });

  it('a mapping file added after start is subscribed; changed, resubscribed; removed, unsubscribed', async () => {
    fs.writeFileSync(file(), mqttMapping('bins/+/up'));
    await waitFor(() => logged('mqtt source: subscribed', 'bins/+/up'), 'the subscription of the new mapping');
    await publish('bins/1/up', { id: 'B1', level: 40 });
    await waitFor(() => ids().includes('urn:ngsi-ld:WasteContainer:test:B1'), 'the entity of the new mapping');
    expect(deps.writes.at(-1)?.entities[0].fillingLevel).toMatchObject({ value: 0.4 });

    // Its topic changes: the old filter is dropped, the new one subscribed.
    fs.writeFileSync(file(), mqttMapping('cans/+/up'));
    await waitFor(() => logged('mqtt source: unsubscribed', 'bins/+/up') && logged('mqtt source: subscribed', 'cans/+/up'), 'the resubscription');
    await publish('bins/2/up', { id: 'B2', level: 50 });
    await publish('cans/3/up', { id: 'C3', level: 60 });
    await waitFor(() => ids().includes('urn:ngsi-ld:WasteContainer:test:C3'), 'the entity on the new topic');

    // The territory's own subscription was never touched.
    await publish('static', { id: 's1', value: 1 });
    await waitFor(() => ids().includes('urn:ngsi-ld:Device:test:s1'), 'the territory subscription');

    fs.rmSync(file());
    await waitFor(() => logged('mqtt source: unsubscribed', 'cans/+/up'), 'the unsubscription of the removed mapping');
    await publish('cans/4/up', { id: 'C4', level: 70 });
    await publish('static', { id: 's2', value: 2 });
    await waitFor(() => ids().includes('urn:ngsi-ld:Device:test:s2'), 'the territory subscription after the removal');
    await sleep(200);
    expect(ids()).toEqual([
      'urn:ngsi-ld:WasteContainer:test:B1',
      'urn:ngsi-ld:WasteContainer:test:C3',
      'urn:ngsi-ld:Device:test:s1',
      'urn:ngsi-ld:Device:test:s2',
    ]);
    expect(registry.list()).toEqual([]);
  });

  it('an edited mapping keeps its subscription and translates with the new file', async () => {
    fs.writeFileSync(file(), mqttMapping('bins/+/up'));
    await waitFor(() => logged('mqtt source: subscribed', 'bins/+/up'), 'the subscription');
    fs.writeFileSync(file(), mqttMapping('bins/+/up').replace('payload.level | percent', 'payload.level / 1000'));
    const level = () => (registry.get('probe')?.handle({ body: '{"id":"x","level":100}', query: {}, headers: {}, receivedAt: '2026-01-01T00:00:00Z' }, deps.env).entities[0].fillingLevel as { value?: number } | undefined)?.value;
    await waitFor(() => level() === 0.1, 'the reload of the edited file');
    await publish('bins/1/up', { id: 'B1', level: 40 });
    await waitFor(() => ids().length === 1, 'the entity');
    expect(deps.writes[0].entities[0].fillingLevel).toMatchObject({ value: 0.04 });
    expect(logs.filter((l) => l.msg === 'mqtt source: subscribed' && l.topics?.includes('bins/+/up'))).toHaveLength(1);
    expect(logs.some((l) => l.msg === 'mqtt source: unsubscribed')).toBe(false);
  });

  it('a mapping whose filter overlaps an earlier subscription is reported: the earlier one takes those topics', async () => {
    fs.writeFileSync(file(), mqttMapping('static/#'));
    await waitFor(() => logs.some((l) => l.msg === "mqtt source: topics that 'static' and 'static/#' both match go to test/json only (it comes first)"), 'the warning');
  });

  it("a territory subscription to 'mapping/<name>' uses the mapping as it is when each message comes; without it, a dead letter", async () => {
    const publish1 = (id: string) => publish('terr/1', { id, level: 40 });
    await publish1('N0');
    await waitFor(() => deps.deadLetters.count() === 1, 'the dead letter of a message without its mapping');
    expect(deps.deadLetters.list({ limit: 1, offset: 0 }).items[0]).toMatchObject({ adapter: 'mapping/probe', stage: 'translate', reason: "no mapping 'probe' is loaded (MAPPINGS_DIR); the message is kept until it is" });

    fs.writeFileSync(file(), BASE_MAPPING);
    await waitFor(() => registry.get('probe') !== undefined, 'the mapping');
    await publish1('B1');
    await waitFor(() => ids().includes('urn:ngsi-ld:WasteContainer:test:B1'), 'the entity');
    expect(deps.writes.at(-1)?.entities[0].fillingLevel).toMatchObject({ value: 0.4 });

    fs.writeFileSync(file(), BASE_MAPPING.replace('payload.level | percent', 'payload.level / 1000'));
    await waitFor(() => (registry.get('probe')?.handle({ body: '{"id":"x","level":100}', query: {}, headers: {}, receivedAt: '2026-01-01T00:00:00Z' }, deps.env).entities[0].fillingLevel as { value?: number }).value === 0.1, 'the edit');
    await publish1('B2');
    await waitFor(() => ids().includes('urn:ngsi-ld:WasteContainer:test:B2'), 'the entity of the edited mapping');
    expect(deps.writes.at(-1)?.entities[0].fillingLevel).toMatchObject({ value: 0.04 });
  });
});
