/**
 * The function nodes of the rule flows (node-red-flows/*.json), run as Node-RED runs them — the code of
 * the flow file with `msg`, `node`, `flow`, `global` and `env` (the tab's env variables) — on cases the
 * end-to-end test (rules.test.ts) cannot reach with one clock: by day, the class table's bands, a
 * site capacity override, a replaced energy meter, other alert kinds.
 */
import fs from 'node:fs';
import path from 'node:path';
import suncalc from 'suncalc';

const FLOWS = path.resolve(__dirname, '../../node-red-flows');
type Msg = Record<string, unknown> | null;
interface FlowNode { id: string; type: string; func?: string; env?: Array<{ name: string; value: string; type: string }> }

const nodes: FlowNode[] = fs.readdirSync(FLOWS).filter((f) => f.endsWith('.json')).flatMap((f) => JSON.parse(fs.readFileSync(path.join(FLOWS, f), 'utf8')) as FlowNode[]);
const tabOf = (id: string) => nodes.find((n) => n.id === (nodes.find((x) => x.id === id) as FlowNode & { z: string }).z)!;

interface Run {
  /** Runs function node `id` on `msg`; returns what it returns. */
  (id: string, msg: Record<string, unknown>): Msg | Msg[];
  flow: Record<string, unknown>;
  global: Record<string, unknown>;
  warnings: string[];
}

/** A Node-RED-like sandbox: node, flow and global context kept across calls, the clock at `now`, tab env overridable. */
function sandbox(now: string, env: Record<string, unknown> = {}, location: [number, number] | null = [4.8357, 45.764]): Run {
  const flow: Record<string, unknown> = {};
  const nodeContext: Record<string, Record<string, unknown>> = {};
  const global: Record<string, unknown> = { eclor: { now: () => new Date(now), territory: { name: 'eclor', location: location ?? undefined } }, suncalc };
  const warnings: string[] = [];
  const store = (m: Record<string, unknown>) => ({ get: (k: string) => m[k], set: (k: string, v: unknown) => void (m[k] = v) });
  const run = ((id: string, msg: Record<string, unknown>) => {
    const n = nodes.find((x) => x.id === id)!;
    const tabEnv = Object.fromEntries((tabOf(id).env ?? []).map((e) => [e.name, e.type === 'num' ? Number(e.value) : e.type === 'json' ? JSON.parse(e.value) : e.value]));
    const node = { warn: (w: string) => warnings.push(w), status: () => undefined, error: (e: string) => warnings.push(e) };
    const f = new Function('msg', 'node', 'context', 'flow', 'global', 'env', n.func!) as (...a: unknown[]) => Msg | Msg[];
    return f(msg, node, store((nodeContext[id] ??= {})), store(flow), store(global), { get: (k: string) => (k in env ? env[k] : tabEnv[k]) });
  }) as Run;
  return Object.assign(run, { flow, global, warnings });
}

const P = (value: unknown, more: object = {}) => ({ type: 'Property', value, ...more });
const count = (index: number, description: string, intensity: number) => ({
  id: `urn:ngsi-ld:TrafficFlowObserved:eclor:S1:${index}`, type: 'TrafficFlowObserved',
  description: P(description), intensity: P(intensity, { observedAt: '2026-01-15T21:50:00Z' }),
  location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.8357, 45.764] } },
});

describe('rule 1 · adaptive lighting', () => {
  it('does nothing by day (sun above -0.833° at the territory location), acts at night, once per site and measurement time', () => {
    expect(sandbox('2026-01-15T12:00:00Z')('al-night', { payload: count(1, 'trafficFlow, lane1, anyVehicle', 100) })).toBeNull();
    expect(sandbox('2026-06-21T19:00:00Z')('al-night', { payload: count(1, 'trafficFlow, lane1, anyVehicle', 100) })).toBeNull(); // 21:00 in Lyon, sun still up
    const night = sandbox('2026-06-21T20:30:00Z');
    const msg = night('al-night', { payload: count(1, 'trafficFlow, lane1, anyVehicle', 100) }) as Record<string, unknown>;
    expect(msg).toMatchObject({ segment: { site: 'S1', coordinates: [4.8357, 45.764] }, query: { idPattern: '^urn:ngsi-ld:TrafficFlowObserved:eclor:S1:' } });
    expect(night('al-night', { payload: count(2, 'trafficFlow, lane2, anyVehicle', 100) })).toBeNull();
    const noPlace = sandbox('2026-01-15T22:00:00Z', {}, null);
    expect(noPlace('al-night', { payload: count(1, 'x', 1) })).toBeNull();
    expect(noPlace('al-night', { payload: count(2, 'x', 1) })).toBeNull();
    expect(noPlace.warnings).toEqual([expect.stringMatching(/no "location"/)]); // said once, not per entity
  });

  it('a DATEX II elaborated location (no index, no description) is one segment of its own, its flow the whole traffic, near its geometry', () => {
    const night = sandbox('2026-06-21T20:30:00Z');
    const line = { type: 'LineString', coordinates: [[4.83, 45.76], [4.84, 45.77]] };
    const link = (id: string) => ({ id: `urn:ngsi-ld:TrafficFlowObserved:eclor:${id}`, type: 'TrafficFlowObserved', intensity: P(900, { observedAt: '2026-06-21T20:25:00Z' }), location: { type: 'GeoProperty', value: line } });
    const msg = night('al-night', { payload: link('LINK-200991') }) as { segment: object; query: { idPattern: string } };
    expect(msg.segment).toMatchObject({ site: 'LINK-200991', geometry: 'LineString', coordinates: line.coordinates });
    expect(new RegExp(msg.query.idPattern).test(link('LINK-200991').id)).toBe(true);
    expect(new RegExp(msg.query.idPattern).test(link('LINK-2009910').id)).toBe(false); // that location alone
    expect(night('al-night', { payload: link('LINK-7') })).not.toBeNull(); // another location, the same minute: its own segment
    const out = night('al-class', { payload: [link('LINK-200991')], segment: msg.segment }) as { lighting: object; query: object };
    expect(out.lighting).toMatchObject({ site: 'LINK-200991', vehPerHour: 900 });
    expect(out.query).toMatchObject({ geometry: 'LineString', coordinates: line.coordinates });
  });

  it('a site without location is said once, not for each lane at each measurement; once located, again if it loses it', () => {
    const night = sandbox('2026-06-21T20:30:00Z');
    const unlocated = (index: number) => ({ ...count(index, 'x', 1), location: undefined });
    for (const i of [1, 2, 1, 2]) expect(night('al-night', { payload: unlocated(i) })).toBeNull();
    expect(night.warnings).toEqual(['site S1 has no location (urn:ngsi-ld:TrafficFlowObserved:eclor:S1:1): send its DATEX II measurement site table']);
    expect(night('al-night', { payload: count(1, 'x', 1) })).not.toBeNull();
    night('al-night', { payload: unlocated(1) });
    expect(night.warnings).toHaveLength(2);
  });

  it.each([
    [900, 'M3', 1], [810, 'M3', 1], [800, 'M4', 0.75], [270, 'M4', 0.75], [260, 'M5', 0.5], [126, 'M5', 0.5], [120, 'M6', 0.3], [0, 'M6', 0.3],
  ])('%i veh/h of 1800 → %s, level %d (all-vehicle lanes summed, length classes and speeds left out)', (total, mClass, level) => {
    const run = sandbox('2026-01-15T22:00:00Z');
    const site = [count(1, 'trafficFlow, lane1, anyVehicle, period 60 s', total / 2), count(2, 'trafficFlow, lane2, anyVehicle, period 60 s', total / 2), count(3, 'trafficFlow, lane1, length lessThan 5.6 m', 999), count(4, 'trafficSpeed, lane1, anyVehicle', 50)];
    const out = run('al-class', { payload: site, segment: { site: 'S1', coordinates: [4.8357, 45.764] } }) as { lighting: object; query: object };
    expect(out.lighting).toMatchObject({ vehPerHour: total, mClass, level });
    expect(out.query).toEqual({ georel: 'near;maxDistance==150', geometry: 'Point', coordinates: [4.8357, 45.764] });
  });

  it('a site capacity of CAPACITY_BY_SITE wins; no all-vehicle count → a warning', () => {
    const run = sandbox('2026-01-15T22:00:00Z', { CAPACITY_BY_SITE: { S1: 4000 } });
    const out = run('al-class', { payload: [count(1, 'trafficFlow, lane1, anyVehicle', 900)], segment: { site: 'S1', coordinates: [0, 0] } }) as { lighting: object };
    expect(out.lighting).toMatchObject({ share: 0.225, mClass: 'M4' });
    expect(run('al-class', { payload: [count(3, 'trafficFlow, lane1, length lessThan 5.6 m', 9)], segment: { site: 'S1' } })).toBeNull();
    expect(run('al-class', { payload: [count(3, 'trafficFlow, lane1, length lessThan 5.6 m', 9)], segment: { site: 'S1' } })).toBeNull();
    expect(run.warnings).toEqual([expect.stringMatching(/no all-vehicle flow/)]); // once per site, not at every measurement
  });

  it('writes only the lights whose level changes, never a light held by a water leak, with a fresh observedAt', () => {
    const run = sandbox('2026-01-15T22:00:00Z');
    run.global.lightHolds = { 'urn:l:held': { previous: 0.5, alerts: ['urn:a'] } };
    const lights = [{ id: 'urn:l:same', illuminanceLevel: P(0.5) }, { id: 'urn:l:held', illuminanceLevel: P(1) }, { id: 'urn:l:new' }, { id: 'urn:l:other', illuminanceLevel: P(1) }];
    const out = run('al-changed', { payload: lights, lighting: { level: 0.5 } }) as { payload: Array<{ id: string; illuminanceLevel: object }> };
    expect(out.payload.map((l) => l.id)).toEqual(['urn:l:new', 'urn:l:other']);
    expect(out.payload[0].illuminanceLevel).toEqual({ type: 'Property', value: 0.5, observedAt: '2026-01-15T22:00:00.000Z' });
    expect(run('al-changed', { payload: [lights[0]], lighting: { level: 0.5 } })).toBeNull();
  });
});

describe('rule 2 · water leak', () => {
  const alert = (kind: string, validFrom?: string, validTo?: string) => ({
    id: `urn:ngsi-ld:Alert:eclor:W1:${kind}`, type: 'Alert', data: P({ kind, meterId: 'W1' }),
    ...(validFrom ? { validFrom: P(validFrom) } : {}),
    ...(validTo ? { validTo: P(validTo) } : {}),
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [4.8, 45.7] } },
  });

  it('fires once per episode (open = validFrom and no validTo, or validTo < validFrom), releases on close, ignores backflow', () => {
    const run = sandbox('2026-01-15T22:00:00Z');
    expect(run('wl-episode', { payload: alert('backflow', '2026-01-15T21:00:00Z') })).toBeNull();
    expect(run('wl-episode', { payload: alert('leak', undefined, '2026-01-15T20:00:00Z') })).toBeNull(); // closed, never seen open
    const opened = run('wl-episode', { payload: alert('leak', '2026-01-15T21:00:00Z', '2026-01-15T20:00:00Z') }) as Msg[];
    expect(opened[0]).toMatchObject({ query: { georel: 'near;maxDistance==50', coordinates: [4.8, 45.7] } });
    expect(run('wl-episode', { payload: alert('leak', '2026-01-15T21:00:00Z', '2026-01-15T20:00:00Z') })).toBeNull(); // an update
    expect(run('wl-episode', { payload: alert('leak', '2026-01-15T20:50:00Z', '2026-01-15T20:00:00Z') })).toBeNull(); // a late frame moved its start
    // a later start while still open: a new episode whose previous close was missed (lost in a crash)
    expect((run('wl-episode', { payload: alert('leak', '2026-01-15T21:30:00Z') }) as Msg[])[0]).toMatchObject({ query: { georel: 'near;maxDistance==50' } });
    expect(run('wl-episode', { payload: alert('leak', '2026-01-15T21:30:00Z') })).toBeNull();
    const closed = run('wl-episode', { payload: alert('leak', '2026-01-15T21:30:00Z', '2026-01-15T21:45:00Z'), topic: 'urn:ngsi-ld:Alert:eclor:W1:leak' }) as Msg[];
    expect(closed[2]).toMatchObject({ episode: { lights: [] } });
    expect(run('wl-episode', { payload: alert('burst', '2026-01-15T22:00:00Z') })).toHaveLength(3);
  });

  it('two alerts hold a light: it is restored to its level before the first, once both have closed', () => {
    const run = sandbox('2026-01-15T22:00:00Z');
    const light = { id: 'urn:l:1', illuminanceLevel: P(0.3) };
    const a = alert('leak', '2026-01-15T21:00:00Z');
    const b = alert('burst', '2026-01-15T21:05:00Z');
    run.flow.episodes = { [a.id]: { lights: [] }, [b.id]: { lights: [] } };
    const [writes, call] = run('wl-hold', { payload: [light], alert: a }) as Array<{ payload: unknown }>;
    expect(writes.payload).toEqual([{ id: 'urn:l:1', type: 'Streetlight', illuminanceLevel: P(1, { observedAt: '2026-01-15T22:00:00.000Z' }) }]);
    expect(call.payload).toMatchObject({ event: 'waterAlertOpened', kind: 'leak', lightsOn: ['urn:l:1'] });
    expect((run('wl-hold', { payload: [{ ...light, illuminanceLevel: P(1) }], alert: b }) as Msg[])[0]).toBeNull();
    expect(run('wl-release', { topic: a.id, episode: { lights: ['urn:l:1'] } })).toBeNull();
    expect(run('wl-release', { topic: b.id, episode: { lights: ['urn:l:1'] } })).toMatchObject({ payload: [{ id: 'urn:l:1', illuminanceLevel: { value: 0.3 } }] });
    expect(run.global.lightHolds).toEqual({});
  });

  it('OPERATOR_WEBHOOK_URL unset: a warning, no call', () => {
    const run = sandbox('2026-01-15T22:00:00Z', { OPERATOR_WEBHOOK_URL: undefined });
    expect(run('wl-webhook', { payload: {} })).toBeNull();
    expect(run.warnings).toEqual(['OPERATOR_WEBHOOK_URL is not set: the operator is not called']);
    expect(sandbox('2026-01-15T22:00:00Z', { OPERATOR_WEBHOOK_URL: 'http://ops/hook' })('wl-webhook', { payload: {} })).toMatchObject({ url: 'http://ops/hook' });
  });
});

describe('rule 3 · lighting energy', () => {
  const cabinet = (id: string, kWh: number | undefined, commune: string) => ({ id, ...(kWh === undefined ? {} : { energyConsumed: P(kWh) }), address: P({ addressLocality: commune }) });
  const lamp = (id: string, kWh: number, more: object = {}) => ({ id, lifetimePowerConsumption: P(kWh), ...more });

  it('first readings are baselines; then Σ of the increases per commune; a lamp behind a metered cabinet is not added; a meter that went back counts 0', () => {
    const run = sandbox('2026-01-15T22:15:00Z');
    const ref = (c: string) => ({ refStreetlightControlCabinet: { type: 'Relationship', object: c } });
    const round = (c1: number, unmetered: number, l1: number, l2: number, l3: number) => ({
      cabinets: [cabinet('C1', c1, 'Lyon'), cabinet('C2', undefined, 'Bron')],
      payload: [lamp('L1', l1, ref('C1')), lamp('L2', l2, { ...ref('C2'), areaServed: P('Bron') }), lamp('L3', l3), lamp('L4', unmetered, { address: P({ addressLocality: 'Lyon' }) })],
    });
    expect(run('en-sum', round(1000, 5, 10, 20, 30))).toBeNull();
    const out = run('en-sum', round(1010, 6, 11, 22.5, 25)) as { payload: Array<{ id: string; kpiValue: { value: number } }> };
    expect(Object.fromEntries(out.payload.map((k) => [k.id, k.kpiValue.value]))).toEqual({
      'urn:ngsi-ld:KeyPerformanceIndicator:eclor:lighting-energy:Lyon': 11, // C1 +10 (L1 inside it), L4 +1
      'urn:ngsi-ld:KeyPerformanceIndicator:eclor:lighting-energy:Bron': 2.5, // C2 has no meter: L2 counts
      'urn:ngsi-ld:KeyPerformanceIndicator:eclor:lighting-energy:eclor': 0, // L3: no commune → the territory; went back 30 → 25
    });
    expect(run.flow.readings).toMatchObject({ L3: 25 });
  });
});

describe('rule 4 · car park full', () => {
  const park = (occupancy: number, free: number) => ({ id: 'urn:ngsi-ld:OffStreetParking:eclor:P1', occupancy: P(occupancy), availableSpotNumber: P(free) });

  it('hysteresis: full above 0.9, free again below 0.85; the sign is written only when its text changes', () => {
    const run = sandbox('2026-01-15T22:00:00Z');
    const step = (o: number, free: number) => (run('pk-hysteresis', { payload: park(o, free) }) as Array<{ payload: Record<string, { value?: unknown }> } | null>).map((m) => m && m.payload);
    expect(step(0.5, 50)).toEqual([null, null, expect.objectContaining({ message: expect.objectContaining({ value: '50 FREE SPACES' }) })]);
    expect(step(0.5, 50)).toEqual([null, null, null]);
    expect(step(0.9, 10)[0]).toBeNull();
    const [opened, , full] = step(0.91, 9);
    expect(opened).toMatchObject({ id: 'urn:ngsi-ld:Alert:eclor:parking:P1', category: { value: 'traffic' }, validFrom: { value: '2026-01-15T22:00:00.000Z' } });
    expect(full).toMatchObject({ id: 'urn:ngsi-ld:VariableMessageSign:eclor:P1', message: { value: 'FULL' }, status: { value: 'full' } });
    expect(step(0.86, 14)).toEqual([null, null, null]);
    const [, closed, free] = step(0.84, 16);
    expect(closed).toEqual({ id: 'urn:ngsi-ld:Alert:eclor:parking:P1', type: 'Alert', validTo: P('2026-01-15T22:00:00.000Z') });
    expect(free).toMatchObject({ message: { value: '16 FREE SPACES' }, status: { value: 'spacesAvailable' } });
  });
});
