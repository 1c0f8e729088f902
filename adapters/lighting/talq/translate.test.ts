import { env, GATEWAY, logReportMessage } from '../test-support.fixture';
import { decodeLogReport } from './decode';
import { translateGroups, translateLogReport } from './translate';

const DEV = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const attr = (name: string, value: unknown, type = 'AttributeFloat', ts = '2025-01-15T05:00:00Z', src = `${DEV}/f1`) =>
  ({ type: 'AttributeLogData', srcAddress: src, timestamp: ts, attributeName: name, attributeValue: { type, value } });
const level = (v: number, ts?: string) => attr('actualLightState', { name: 'LevelState', value: v }, 'AttributeLevelState', ts);

function translate(...data: unknown[]) {
  const msg = logReportMessage(JSON.stringify({ entries: data.map((d) => ({ data: d })) }));
  return translateLogReport(decodeLogReport(msg), env, msg.receivedAt);
}

describe('translateLogReport', () => {
  it.each([
    ['level above 100 %', level(120), /actualLightState: level 120 % is out of range 0\.\.100 %/],
    ['negative level', level(-1), /level -1 %/],
    ['negative power', attr('activePower', -3.5), /activePower: -3\.5 is out of range 0\.\.∞/],
    ['negative energy', attr('activeEnergy', -1), /activeEnergy/],
    ['power factor above 1', attr('powerFactor', 1.2), /powerFactor: 1\.2 is out of range -1\.\.1/],
    ['negative percent THD', attr('phase1VoltageTHD', -4), /phase1VoltageTHD: -4 % is out of range 0\.\.∞ %/],
    ['latitude out of range', attr('location', { latitude: 95, longitude: 4 }, 'AttributeLocation'), /location: latitude 95/],
    ['a string where a power is expected', attr('activePower', 'high', 'VendorPower'), /activePower: expected a number/],
    ['a non-boolean lamp failure', attr('lampFailure', 'sometimes', 'VendorFlag'), /lampFailure: expected a boolean/],
  ])('%s → its device refused (422 part), the others written', (_n, data, reason) => {
    const other = attr('activePower', 12, 'AttributeFloat', '2025-01-15T05:00:00Z', 'c0c0c0c0-0000-4000-8000-000000000001/lampMonitor1');
    const { translation } = translate(data, other);
    expect(translation.entities.map((e) => e.id)).toEqual(['urn:ngsi-ld:Streetlight:eclor:c0c0c0c0-0000-4000-8000-000000000001']);
    expect(translation.refused).toEqual([{ reason: expect.stringMatching(reason), entityId: expect.stringContaining(DEV), at: 'entries[0]', payload: expect.stringContaining(`"attributeName":"${(data as { attributeName: string }).attributeName}"`) }]);
    expect(translation.refused![0].reason).toMatch(new RegExp(`^${(data as { attributeName: string }).attributeName}`)); // its place is \`at\`, not in the reason
  });

  it('keeps the latest value per attribute (by observedAt, then report order) and reports the superseded ones', () => {
    const { translation, notes } = translate(
      level(100, '2025-01-15T04:00:00Z'), level(40, '2025-01-15T06:00:00+01:00'), level(70, '2025-01-15T04:30:00Z'), level(10, '2025-01-15T05:00:00Z'),
    );
    const e = translation.entities[0];
    expect(e.illuminanceLevel).toEqual({ type: 'Property', value: 0.1, unitCode: 'C62', observedAt: '2025-01-15T05:00:00.000Z', talqReport: { type: 'Property', value: '0.1@2025-01-15T05:00:00.000Z' } });
    expect(notes.superseded.filter((s) => s.attribute === 'illuminanceLevel').map((s) => s.observedAt).sort())
      .toEqual(['2025-01-15T04:00:00.000Z', '2025-01-15T04:30:00.000Z', '2025-01-15T05:00:00.000Z']);
  });

  it('maps the level to powerState: 0 off, 1..99 low, 100 on', () => {
    for (const [v, s] of [[0, 'off'], [1, 'low'], [99, 'low'], [100, 'on']] as const) {
      expect((translate(level(v)).translation.entities[0].powerState as { value: string }).value).toBe(s);
    }
  });

  it("prefers the attribute's timestamp (when it was measured) to the log data's (when the log entry was created)", () => {
    const both = { ...attr('activePower', 5), attributeValue: { type: 'AttributeFloat', value: 5, timestamp: '2025-01-15T04:40:00Z' } };
    expect((translate(both).translation.entities[0].powerConsumption as { observedAt: string }).observedAt).toBe('2025-01-15T04:40:00.000Z');
  });

  it('reads a signed power factor as its magnitude (TALQ carries the sense apart)', () => {
    expect(translate(attr('powerFactor', -0.9)).translation.entities[0].powerFactor).toMatchObject({ value: 0.9, unitCode: 'C62' });
  });

  it('skips a current THD above 100 % (real, but past the SDM attribute), saying why; the rest of the report stays', () => {
    const { translation, notes } = translate(attr('phase2CurrentTHD', 112.4), attr('phase1CurrentTHD', 12), attr('totalPower', 3));
    expect(translation.entities[0]).toMatchObject({ type: 'StreetlightControlCabinet', thdrIntensityR: { value: 0.12 }, totalActivePower: { value: 3 } });
    expect(translation.entities[0].thdrIntensityS).toBeUndefined();
    expect(notes.skipped.map((x) => x.reason)).toEqual(['phase2CurrentTHD 112.4 % has no thdrIntensityS (the SDM attribute is at most 1)']);
  });

  it('localOverride: ON or OFF (the switch forces the lights) is manual, NONE automatic; the event starts and ends it', () => {
    const mode = (data: unknown) => (translate(data).translation.entities[0].workingMode as { value: string }).value;
    const override = (value: string) => attr('localOverride', value, 'AttributeLocalOverride');
    expect([mode(override('ON')), mode(override('OFF')), mode(override('NONE')), mode(override('none'))]).toEqual(['manual', 'manual', 'automatic', 'automatic']);
    const ev = (startEndFlag: boolean) => ({ type: 'EventLogData', srcAddress: `${DEV}/segmentMonitor1`, timestamp: '2025-01-15T05:00:00Z', eventType: 'localOverride', startEndFlag });
    expect([mode(ev(true)), mode(ev(false))]).toEqual(['manual', 'automatic']);
  });

  it('writes the gateway address as the device addresses are: a UUID in lower case', () => {
    const msg = logReportMessage(JSON.stringify({ entries: [{ data: attr('activePower', 5) }] }), { query: { clientAddress: `urn:uuid:${GATEWAY.toUpperCase()}`, talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5' } });
    expect(translateLogReport(decodeLogReport(msg), env, msg.receivedAt).translation.entities[0].talqGateway).toEqual({ type: 'Property', value: GATEWAY });
  });

  it('uses the attribute timestamp, then the arrival time, when the log data has none', () => {
    const noTs = { ...attr('activePower', 5), timestamp: undefined };
    expect((translate(noTs).translation.entities[0].powerConsumption as { observedAt: string }).observedAt).toBe('2025-01-15T09:45:00.000Z');
    const attrTs = { ...noTs, attributeValue: { type: 'AttributeFloat', value: 5, timestamp: '2025-01-15T01:00:00-02:00' } };
    expect((translate(attrTs).translation.entities[0].powerConsumption as { observedAt: string }).observedAt).toBe('2025-01-15T03:00:00.000Z');
  });

  it('lampFailure events: start → defectiveLamp, end → ok, no flag → defectiveLamp', () => {
    const ev = (flag?: boolean) => ({ type: 'EventLogData', srcAddress: DEV, timestamp: '2025-01-15T05:00:00Z', eventType: 'lampFailure', ...(flag === undefined ? {} : { startEndFlag: flag }) });
    const status = (flag?: boolean) => (translate(ev(flag)).translation.entities[0].status as { value: string }).value;
    expect([status(true), status(false), status(undefined)]).toEqual(['defectiveLamp', 'ok', 'defectiveLamp']);
  });

  it('a device reporting cabinet data gets shared names as StreetlightControlCabinet; both kinds give two entities', () => {
    const cab = translate(attr('totalPower', 3), attr('supplyVoltage', 230), attr('installationDate', '2020-01-01T00:00:00Z', 'AttributeDateTime')).translation.entities;
    expect(cab.map((e) => e.type)).toEqual(['StreetlightControlCabinet']);
    expect(Object.keys(cab[0])).toEqual(['id', 'type', 'dateServiceStarted', 'totalActivePower', 'workingMode']);
    const both = translate(attr('totalPower', 3), attr('activePower', 40)).translation.entities;
    expect(both.map((e) => e.type).sort()).toEqual(['Streetlight', 'StreetlightControlCabinet']);
  });

  it('skips data of the gateway itself, commands and unmapped names, saying why', () => {
    const { translation, notes } = translate(
      { type: 'EventLogData', srcAddress: GATEWAY, eventType: 'deviceReset' },
      attr('targetLightCommand', { state: { name: 'LevelState', value: 50 } }, 'AttributeCommand'),
      { type: 'EventLogData', srcAddress: DEV, eventType: 'dimmingFailure', startEndFlag: true },
      { ...attr('activePower', 1), attributeValue: { type: 'AttributeFloat' } },
    );
    expect(translation.entities).toEqual([]);
    expect(notes.skipped.map((s) => s.reason)).toEqual([
      'data of the gateway itself (EventLogData deviceReset)',
      'no Streetlight attribute for TALQ AttributeLogData targetLightCommand',
      'no Streetlight attribute for TALQ EventLogData dimmingFailure',
      'activePower has no value',
    ]);
    expect(translation.ignored).toMatch(/^no Streetlight or StreetlightControlCabinet data: data of the gateway itself/);
  });

  it('builds URN-safe, distinct ids from arbitrary addresses', () => {
    const ids = translate(attr('activePower', 1, undefined, undefined, 'lum:1/x'), attr('activePower', 1, undefined, undefined, 'lum%3A1'), attr('activePower', 1, undefined, undefined, 'Lampadaire é'))
      .translation.entities.map((e) => e.id);
    expect(ids).toEqual(['urn:ngsi-ld:Streetlight:eclor:Lampadaire%20%C3%A9', 'urn:ngsi-ld:Streetlight:eclor:lum%253A1', 'urn:ngsi-ld:Streetlight:eclor:lum%3A1']);
  });

  it('answers merge mode and the Streetlighting context', () => {
    const { translation } = translate(attr('activePower', 1));
    expect(translation.mode).toBe('merge');
    expect(translation.context).toEqual(['https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld']);
  });
});

it("a lamp whose gateway gives no location is placed by the territory's assets, by its TALQ address", () => {
  const located = { ...env, devices: { get: () => undefined, asset: (a: string) => (a === DEV ? { address: DEV, location: [4.83, 45.76] as [number, number] } : undefined) } };
  const msg = logReportMessage(JSON.stringify({ entries: [{ data: level(50) }] }));
  const t = translateLogReport(decodeLogReport(msg), located, msg.receivedAt).translation;
  expect(t.entities[0].location).toEqual({ type: 'GeoProperty', value: { type: 'Point', coordinates: [4.83, 45.76] } });
  expect(t.fallback).toEqual([{ id: t.entities[0].id, attribute: 'location' }, { id: t.entities[0].id, attribute: 'status' }]); // not over a location the broker holds
  // a location the lamp reports wins
  const own = logReportMessage(JSON.stringify({ entries: [{ data: level(50) }, { data: attr('location', { latitude: 45.7, longitude: 4.8 }, 'AttributeLocation') }] }));
  expect(translateLogReport(decodeLogReport(own), located, own.receivedAt).translation.entities[0].location).toMatchObject({ value: { coordinates: [4.8, 45.7] } });
});

describe('translateGroups', () => {
  it('expands nested groups of the same list and cuts cycles', () => {
    const t = translateGroups([
      { address: 'a', ownerCMS: 'c', members: [{ resource: 'devices', address: 'd1' }, { resource: 'groups', address: 'b' }, { resource: 'groups', address: 'unknown' }] },
      { address: 'b', ownerCMS: 'c', members: [{ resource: 'devices', address: 'd2/lampActuator1' }, { resource: 'groups', address: 'a' }] },
      { address: 'empty', ownerCMS: 'c', members: [] },
    ], env);
    expect(t.entities).toEqual([
      { id: 'urn:ngsi-ld:StreetlightGroup:eclor:a', type: 'StreetlightGroup', refStreetlight: { type: 'Relationship', object: ['urn:ngsi-ld:Streetlight:eclor:d1', 'urn:ngsi-ld:Streetlight:eclor:d2'] } },
      { id: 'urn:ngsi-ld:StreetlightGroup:eclor:b', type: 'StreetlightGroup', refStreetlight: { type: 'Relationship', object: ['urn:ngsi-ld:Streetlight:eclor:d2', 'urn:ngsi-ld:Streetlight:eclor:d1'] } },
      { id: 'urn:ngsi-ld:StreetlightGroup:eclor:empty', type: 'StreetlightGroup' },
    ]);
    // a group without members loses the ones it had; one the registry cannot place loses its place
    const removed = (id: string, attribute: string) => ({ id: `urn:ngsi-ld:StreetlightGroup:eclor:${id}`, attribute, context: expect.stringContaining('Streetlighting') });
    expect(t.remove).toEqual([removed('a', 'location'), removed('b', 'location'), removed('empty', 'location'), removed('empty', 'refStreetlight')]);
    expect(translateGroups([], env).ignored).toBe('empty TALQ group list');
  });

  it("is placed where the registry puts it, else at its registered lamps (a MultiPoint of several), else nowhere", () => {
    const places: Record<string, [number, number]> = { 'zone-ouest': [4.80, 45.75], d1: [4.81, 45.76], d2: [4.82, 45.77], d3: [4.81, 45.76] };
    const located = { ...env, devices: { get: () => undefined, asset: (a: string) => (places[a] ? { address: a, location: places[a] } : undefined) } };
    const group = (address: string, ...devices: string[]) => ({ address, ownerCMS: 'c', members: devices.map((d) => ({ resource: 'devices', address: d })) });
    const t = translateGroups([group('zone-ouest', 'd1'), group('g1', 'd1', 'd2', 'd3', 'unknown'), group('g2', 'd2'), group('g3', 'unknown')], located);
    expect(t.entities.map((e) => e.location?.value)).toEqual([
      { type: 'Point', coordinates: [4.80, 45.75] }, // its own place
      { type: 'MultiPoint', coordinates: [[4.81, 45.76], [4.82, 45.77]] }, // d3 stands where d1 does: once
      { type: 'Point', coordinates: [4.82, 45.77] },
      undefined,
    ]);
    // placed by the registry, always: a place it cannot give any more goes (not the old members')
    expect(t.remove).toEqual([{ id: 'urn:ngsi-ld:StreetlightGroup:eclor:g3', attribute: 'location', context: expect.stringContaining('Streetlighting') }]);
  });

  it('expands a chain of 5,000 nested groups without overflowing the stack', () => {
    const n = 5000;
    const chain = Array.from({ length: n }, (_, i) => ({
      address: `g${i}`,
      ownerCMS: 'c',
      members: i === n - 1 ? [{ resource: 'devices', address: 'd-last' }] : [{ resource: 'groups', address: `g${i + 1}` }],
    }));
    const t = translateGroups(chain, env);
    expect(t.entities).toHaveLength(n);
    for (const e of [t.entities[0], t.entities[n - 1]]) expect(e.refStreetlight).toEqual({ type: 'Relationship', object: ['urn:ngsi-ld:Streetlight:eclor:d-last'] });
  });
});

it('a lamp without a failure condition in the report is ok, a cabinet without a local override automatic: fallbacks without observedAt', () => {
  const msg = logReportMessage(JSON.stringify({ entries: [{ data: level(50) }, { data: attr('totalPower', 3, 'AttributeFloat', undefined, 'c0ffee00-0000-4000-8000-000000000001/meter1') }] }));
  const t = translateLogReport(decodeLogReport(msg), env, msg.receivedAt).translation;
  const lamp = t.entities.find((e) => e.type === 'Streetlight')!;
  const cabinet = t.entities.find((e) => e.type === 'StreetlightControlCabinet')!;
  expect(lamp.status).toEqual({ type: 'Property', value: 'ok' });
  expect(cabinet.workingMode).toEqual({ type: 'Property', value: 'automatic' });
  expect(t.fallback).toEqual([{ id: lamp.id, attribute: 'status' }, { id: cabinet.id, attribute: 'workingMode' }]);
  // a condition the report gives is written as reported, not as a fallback
  const failed = logReportMessage(JSON.stringify({ entries: [{ data: attr('lampFailure', true, 'AttributeBoolean') }] }));
  const f = translateLogReport(decodeLogReport(failed), env, failed.receivedAt).translation;
  expect(f.entities[0].status).toMatchObject({ value: 'defectiveLamp', observedAt: expect.any(String) });
  expect(f.fallback).toBeUndefined();
});
