import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { loadSources, parseSources, startSources } from './config';
import { openInbox } from './inbox';
import { startTestBroker, type TestBroker } from './mqtt-broker.fixture';
import { jsonAdapter, recordingDeps, waitFor, writtenIds, type RecordingDeps } from './sources.fixture';

const DOC = {
  territory: 'eclor',
  devices: [],
  sources: {
    mqtt: { url: 'mqtt://127.0.0.1:1883', password: '${MQTT_PASSWORD}', subscriptions: [{ topic: 'application/+/device/+/event/up', adapter: 'water/chirpstack', query: { event: 'up' } }] },
    poll: [{ url: 'https://partner.example/datex2.xml', everyMs: 60000, adapter: 'mobility/datex2', headers: { authorization: 'Bearer ${TOKEN}' } }],
  },
};

describe('parseSources', () => {
  it('reads the sources section, with ${ENV} secrets', () => {
    expect(parseSources(DOC, 'territory.json', { MQTT_PASSWORD: 'pw', TOKEN: 'tk' })).toEqual({
      mqtt: [expect.objectContaining({ url: 'mqtt://127.0.0.1:1883', password: 'pw', subscriptions: [{ topic: 'application/+/device/+/event/up', adapter: 'water/chirpstack', query: { event: 'up' } }] })],
      poll: [expect.objectContaining({ url: 'https://partner.example/datex2.xml', everyMs: 60000, adapter: 'mobility/datex2', headers: { authorization: 'Bearer tk' } })],
    });
  });

  it('accepts no sources, and a list of MQTT brokers', () => {
    expect(parseSources({ territory: 'x' })).toEqual({ mqtt: [], poll: [] });
    expect(loadSources(undefined)).toEqual({ mqtt: [], poll: [] });
    const two = { sources: { mqtt: [DOC.sources.mqtt, { ...DOC.sources.mqtt, url: 'mqtts://b.example' }] } };
    expect(parseSources(two, 'f', { MQTT_PASSWORD: 'pw' }).mqtt.map((m) => m.url)).toEqual(['mqtt://127.0.0.1:1883', 'mqtts://b.example']);
  });

  const env = { MQTT_PASSWORD: 'pw', TOKEN: 't' };
  const bad = (patch: (d: typeof DOC & Record<string, unknown>) => void) => {
    const d = structuredClone(DOC) as typeof DOC & Record<string, unknown>;
    patch(d);
    return () => parseSources(d, 'territory.json', env);
  };
  it('the first broker may list no subscription of its own: the mappings subscribe there', () => {
    const d = structuredClone(DOC);
    d.sources.mqtt.subscriptions = [];
    expect(parseSources(d, 'territory.json', env).mqtt[0].subscriptions).toEqual([]);
    delete (d.sources.mqtt as Record<string, unknown>).subscriptions;
    expect(parseSources(d, 'territory.json', env).mqtt[0].subscriptions).toEqual([]);
  });
  it.each<[string, (d: typeof DOC & Record<string, unknown>) => void, string]>([
    ['sources not an object', (d) => (d.sources = [] as never), 'territory.json: sources: must be an object'],
    ['unknown key', (d) => ((d.sources as Record<string, unknown>).file = {}), 'sources.file: unknown key'],
    ['bad mqtt url', (d) => (d.sources.mqtt.url = 'http://x'), 'sources.mqtt.url: must be a mqtt / mqtts / ws / wss / tcp / ssl URL'],
    ['not a url', (d) => (d.sources.mqtt.url = 'nope'), "sources.mqtt.url: 'nope' is not a URL"],
    ['no subscriptions on a second broker', (d) => ((d.sources as Record<string, unknown>).mqtt = [d.sources.mqtt, { ...d.sources.mqtt, subscriptions: [] }]), 'sources.mqtt[1].subscriptions: must list at least one subscription (only the first broker'],
    ['topic missing', (d) => delete (d.sources.mqtt.subscriptions[0] as Record<string, unknown>).topic, 'sources.mqtt.subscriptions[0].topic: must be a non-empty string'],
    ['query not strings', (d) => ((d.sources.mqtt.subscriptions[0].query as Record<string, unknown>).event = 1), 'sources.mqtt.subscriptions[0].query.event: must be a string'],
    ['unset env', (d) => (d.sources.mqtt.password = '${NOPE}'), 'sources.mqtt.password: environment variable NOPE is not set'],
    ['everyMs too small', (d) => (d.sources.poll[0].everyMs = 10), 'sources.poll[0].everyMs: must be an integer ≥ 1000'],
    ['everyMs missing', (d) => delete (d.sources.poll[0] as Record<string, unknown>).everyMs, 'sources.poll[0].everyMs: must be an integer'],
    ['poll url', (d) => (d.sources.poll[0].url = 'ftp://x/y'), 'sources.poll[0].url: must be a http / https URL'],
    ['poll not a list', (d) => (d.sources.poll = {} as never), 'sources.poll: must be an array'],
    ['poll typo', (d) => ((d.sources.poll[0] as Record<string, unknown>).every = 5), 'sources.poll[0].every: unknown key'],
  ])('rejects %s', (_name, patch, message) => {
    expect(bad(patch)).toThrow(message);
  });
});

describe('startSources', () => {
  let broker: TestBroker | undefined;
  let server: http.Server | undefined;
  let deps: RecordingDeps;
  let sources: { stop(): Promise<void> } | undefined;

  beforeEach(() => {
    deps = recordingDeps();
  });
  afterEach(async () => {
    await sources?.stop();
    await broker?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    deps.close();
    sources = broker = server = undefined;
  });

  it('refuses a subscription whose topic is not an MQTT filter', () => {
    const doc = { sources: { mqtt: { url: 'mqtt://127.0.0.1:1883', subscriptions: [{ topic: 'x/#/y', adapter: 'water/chirpstack' }] } } };
    expect(() => parseSources(doc, 'f')).toThrow("f: sources.mqtt.subscriptions[0].topic: is not an MQTT topic filter: '#' must be the whole last level");
  });

  it('names an unknown adapter and starts nothing', () => {
    const config = parseSources(DOC, 'f', { MQTT_PASSWORD: 'p', TOKEN: 't' });
    expect(() => startSources(config, [jsonAdapter('water/chirpstack')], deps)).toThrow("sources.poll[0].adapter: unknown adapter 'mobility/datex2' (known: water/chirpstack, or mapping/<name>)");
  });

  it('starts the configured MQTT and poll sources with their adapters', async () => {
    broker = await startTestBroker();
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"polled"}'));
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', () => ok()));
    const config = parseSources({
      sources: {
        mqtt: { url: broker.url, reconnectMs: 100, subscriptions: [{ topic: 'up', adapter: 'test/mqtt' }] },
        poll: [{ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, everyMs: 60000, adapter: 'test/poll' }],
      },
    });
    const running = startSources(config, [jsonAdapter('test/mqtt'), jsonAdapter('test/poll')], deps);
    sources = running;
    await waitFor(() => running.mqtt[0].connected(), 'the MQTT connection');
    await waitFor(() => writtenIds(deps).length === 1, 'the first poll');
    const pub = await connectAsync(broker.url);
    // The subscription follows the connection closely; publish until it is there (bounded).
    for (let i = 0; i < 50 && writtenIds(deps).length < 2; i++) {
      await pub.publishAsync('up', '{"id":"pushed"}', { qos: 1 });
      await new Promise((ok) => setTimeout(ok, 50));
    }
    await pub.endAsync(true);
    expect(writtenIds(deps)).toEqual(expect.arrayContaining(['urn:ngsi-ld:Device:test:polled', 'urn:ngsi-ld:Device:test:pushed']));
    expect(deps.stats.snapshot()).toMatchObject({ 'test/poll': { accepted: 1 }, 'test/mqtt': { accepted: expect.any(Number) } });
  });

  it("files as dead letters of their adapters the messages a source no longer in the file left in the inbox, even with no MQTT source left", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-sources-inbox-'));
    try {
      const inbox = openInbox(path.join(dir, 'ingest.sqlite'));
      inbox.put('mqtt://old-broker:1883\u0000eclor-old', 'up\u0000test/mqtt', { body: '{"id":"left"}', query: { topic: 'up' }, headers: {}, receivedAt: '2026-11-23T00:00:00.000Z' });
      const running = startSources(parseSources({ sources: { poll: [] } }), [jsonAdapter('test/mqtt')], deps, undefined, undefined, dir);
      sources = running;
      expect(inbox.others([])).toEqual([]);
      expect(deps.deadLetters.list({ limit: 10, offset: 0 }).items).toEqual([
        expect.objectContaining({ adapter: 'test/mqtt', status: 404, payload: '{"id":"left"}', reason: expect.stringContaining('from an MQTT source no longer in the territory file') }),
      ]);
      inbox.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
