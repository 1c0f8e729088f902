/** Loading mappings: schema and expression errors name the pointer and the line of the node at fault. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMapping, MappingError } from './load';
import { BASE_MAPPING } from './test-support.fixture';

function errorOf(text: string): MappingError {
  try {
    parseMapping(text, 'probe.yaml');
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('mapping loaded, an error was expected');
}

const edit = (from: string, to: string) => {
  if (!BASE_MAPPING.includes(from)) throw new Error(`test table: ${from} not in BASE_MAPPING`);
  return BASE_MAPPING.replace(from, to);
};

test('the base mapping loads', () => {
  const m = parseMapping(BASE_MAPPING, 'probe.yaml');
  expect(m).toMatchObject({ name: 'probe', path: '/ingest/mapping/probe', source: { kind: 'http', path: '/ingest/mapping/probe' }, mode: 'merge' });
  expect(m.entity.context).toHaveLength(1);
  expect(m.attributes.map((a) => [a.name, a.line, a.expr.line])).toEqual([
    ['fillingLevel', 10, 11],
    ['temperature', 14, 15],
  ]);
  expect(m.location).toEqual({ kind: 'fixed', coordinates: [4.83, 45.75], line: 19 });
});

test('an MQTT source is exposed; QoS 1 unless told', () => {
  const m = parseMapping(edit('  http: {}', '  mqtt:\n    topic: sensors/+/up\n    qos: 0'));
  expect(m.source).toEqual({ kind: 'mqtt', topic: 'sensors/+/up', qos: 0 });
  expect(m.path).toBe('/ingest/mapping/probe');
  expect(parseMapping(edit('  http: {}', '  mqtt: { topic: sensors/+/up }')).source).toEqual({ kind: 'mqtt', topic: 'sensors/+/up', qos: 1 });
});

describe('schema errors report the pointer and the line', () => {
  test.each<[string, string, string, string, number, RegExp]>([
    ['bad name', 'name: probe', 'name: Probe_1', '/name', 1, /must match pattern/],
    ['missing deviceId', 'deviceId: payload.id\n', '', '', 1, /missing field "deviceId"/],
    ['unknown top-level field', 'location:', 'locaton:', '/locaton', 18, /unknown field "locaton"/],
    ['unknown attribute field', '    unitCode: CEL', '    unitcode: CEL', '/attributes/temperature/unitcode', 16, /unknown field "unitcode"/],
    ['attribute without expr', '    expr: payload.t\n', '', '/attributes/temperature', 15, /missing field "expr"/],
    ['bad attribute type', '    optional: true', '    type: Text', '/attributes/temperature/type', 17, /must be one of "Property", "Relationship", "GeoProperty"/],
    ['min not a number', '    min: 0', '    min: zero', '/attributes/fillingLevel/min', 12, /must be number/],
    ['bad unitCode', 'unitCode: CEL', 'unitCode: celsius', '/attributes/temperature/unitCode', 16, /must match pattern/],
    ['bad entity type', 'type: WasteContainer', 'type: waste container', '/entity/type', 6, /must match pattern/],
    ['bad context url', 'context: https://raw', 'context: ftp://raw', '/entity/context', 8, /must/],
    ['reserved attribute name', '  temperature:', '  id:', '/attributes/id', 14, /invalid name "id"/],
    ['coordinates out of range', '[4.83, 45.75]', '[4.83, 95.75]', '/location/coordinates/1', 19, /must be <= 90/],
    ['bad mode', 'location:', 'mode: upsert\nlocation:', '/mode', 18, /must be one of "merge", "replace"/],
    ['two sources', '  http: {}', '  http: {}\n  mqtt: { topic: a }', '/source', 3, /must NOT have more than 1 properties/],
    ['mqtt without topic', '  http: {}', '  mqtt: { qos: 1 }', '/source/mqtt', 3, /missing field "topic"/],
  ])('%s', (_label, from, to, pointer, line, reason) => {
    const e = errorOf(edit(from, to));
    expect({ file: e.file, pointer: e.pointer, line: e.line }).toEqual({ file: 'probe.yaml', pointer, line });
    expect(e.reason).toMatch(reason);
    expect(e.message).toContain(`probe.yaml:${line}:`);
  });
});

describe('semantic errors', () => {
  test.each<[string, string, string, string, number, RegExp]>([
    ['unknown placeholder', '{territory}:{deviceId}', '{commune}:{deviceId}', '/entity/idTemplate', 7, /unknown placeholder \{commune\}/],
    ['not an MQTT topic filter', '  http: {}', "  mqtt: { topic: 'x/#/y' }", '/source/mqtt/topic', 3, /is not an MQTT topic filter: '#' must be the whole last level/],
    ['id of another type', "'urn:ngsi-ld:WasteContainer:{territory}", "'urn:ngsi-ld:Container:{territory}", '/entity/idTemplate', 7, /must start with urn:ngsi-ld:WasteContainer:/],
    ['http path not fixed by the name', '  http: {}', '  http: { path: /ingest/mapping/other }', '/source/http/path', 3, /must be \/ingest\/mapping\/probe/],
    ['min above max', '    max: 1', '    max: -1', '/attributes/fillingLevel/min', 12, /min 0 is above max -1/],
    ['unitCode on a Relationship', '    optional: true', '    type: Relationship', '/attributes/temperature/type', 17, /Property attributes only/],
    ['static and attribute', 'location:', 'static:\n  temperature: 3\nlocation:', '/static/temperature', 19, /also in attributes/],
    ['static relationship not a URI', 'location:', "static:\n  refDevice: { type: Relationship, object: 'not a uri' }\nlocation:", '/static/refDevice/object', 19, /must be a URI .+got "not a uri"/],
    ['static GeoProperty not a geometry', 'location:', 'static:\n  area: { type: GeoProperty, value: 5 }\nlocation:', '/static/area/value', 19, /a GeoJSON geometry must be an object/],
    ['id template with a space', "'urn:ngsi-ld:WasteContainer:{territory}:{deviceId}'", "'urn:ngsi-ld:WasteContainer:{territory}:my bin {deviceId}'", '/entity/idTemplate', 7, /must give a URI: no spaces/],
    ['id template with a forbidden character', "'urn:ngsi-ld:WasteContainer:{territory}:{deviceId}'", "'urn:ngsi-ld:WasteContainer:{territory}:<{deviceId}>'", '/entity/idTemplate', 7, /must give a URI/],
    ['static null value', 'location:', 'static:\n  nothing: { value: null }\nlocation:', '/static/nothing/value', 19, /a value may not be null/],
    ['static empty value', 'location:', 'static:\n  nothing: { value: }\nlocation:', '/static/nothing/value', 19, /a value may not be null/],
  ])('%s', (_label, from, to, pointer, line, reason) => {
    const e = errorOf(edit(from, to));
    expect({ pointer: e.pointer, line: e.line }).toEqual({ pointer, line });
    expect(e.reason).toMatch(reason);
  });
});

test('a static relationship may be templated: checked with its placeholders filled', () => {
  const m = parseMapping(edit('location:', "static:\n  refDevice: { type: Relationship, object: 'urn:ngsi-ld:Device:{territory}:{deviceId}' }\nlocation:"));
  expect(m.static.refDevice).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:Device:{territory}:{deviceId}' });
});

describe('jexl expressions are compiled when the mapping loads', () => {
  test.each<[string, string, string, string, number, RegExp]>([
    ['unexpected end', 'payload.level | percent', 'payload.level +', '/attributes/fillingLevel/expr', 11, /Unexpected end of expression/],
    ['bad token', 'payload.t\n', 'payload.t ** 2\n', '/attributes/temperature/expr', 15, /unexpected/],
    ['unknown transform', 'payload.level | percent', 'payload.level | pct', '/attributes/fillingLevel/expr', 11, /unknown transform \|pct/],
    ['function call', 'deviceId: payload.id', 'deviceId: eval("1")', '/deviceId', 4, /function eval\(\) is not available/],
    ['location expression', 'location:\n  coordinates: [4.83, 45.75]', 'location:\n  lon: payload.lon\n  lat: payload.lat[', '/location/lat', 20, /Unexpected end/],
    ['misspelled root', 'payload.t\n', 'paylaod.t\n', '/attributes/temperature/expr', 15, /unknown name "paylaod" \(an expression starts from payload, deviceId, device, territory, receivedAt\)/],
    ['deviceId from device', 'deviceId: payload.id', 'deviceId: device.meterId', '/deviceId', 4, /device is not known yet in the deviceId expression/],
    ['a filter inside a filter', 'payload.t\n', "payload.l[.x == payload.l[.x == 5][0].x][0].x\n", '/attributes/temperature/expr', 15, /a filter inside the filter of payload\.l is not allowed/],
    ['a keyword as a field name', 'payload.t\n', 'payload.counts.in\n', '/attributes/temperature/expr', 15, /write the field with brackets, e\.g\. payload\.x\['in'\]/],
  ])('%s', (_label, from, to, pointer, line, reason) => {
    const e = errorOf(edit(from, to));
    expect({ pointer: e.pointer, line: e.line }).toEqual({ pointer, line });
    expect(e.reason).toMatch(/^expression /);
    expect(e.reason).toMatch(reason);
  });
});

test('YAML syntax errors and duplicate keys give their line', () => {
  expect(errorOf(edit('    min: 0', '    min: [0'))).toMatchObject({ line: expect.any(Number), reason: expect.stringMatching(/^YAML: /) });
  const dup = errorOf(edit('    unitCode: CEL', '    unitCode: CEL\n    unitCode: KEL'));
  expect(dup.reason).toMatch(/unique/i);
  expect(dup.line).toBe(17);
});

test('aliases that expand too much ("billion laughs"): an error with the file and the line', () => {
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
  const e = errorOf(`${BASE_MAPPING}${laughs}\n`);
  expect(e.message).toMatch(/^probe\.yaml:21: \/: YAML: .*alias/i);
});

test('two contexts defining a name: warned when the entity type context does not come last', () => {
  const WASTE = 'https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld';
  const DEVICE = 'https://raw.githubusercontent.com/smart-data-models/dataModel.Device/master/context.jsonld';
  const withContexts = (list: string[]) => parseMapping(edit(`  context: ${WASTE}\n`, `  context: [${list.join(', ')}]\n`), 'probe.yaml');
  expect(withContexts([WASTE, DEVICE]).warnings).toEqual([
    'attribute temperature is defined by the WasteManagement and Device contexts: the later one wins, so it is stored as https://smartdatamodels.org/dataModel.Device/temperature; list the WasteContainer context (WasteManagement) last',
  ]);
  expect(withContexts([DEVICE, WASTE]).warnings).toEqual([]);
  expect(parseMapping(BASE_MAPPING, 'probe.yaml').warnings).toEqual([]);
  expect(withContexts([WASTE, 'https://example.org/unknown.jsonld']).warnings).toEqual([]); // no built-in copy: not checked
});

test('a document that is not a mapping', () => {
  expect(errorOf('- a\n- b\n')).toMatchObject({ pointer: '', line: 1, reason: 'must be object' });
  expect(errorOf('')).toMatchObject({ line: 1 });
});

test('the annotated mapping of README.md loads', () => {
  const md = readFileSync(join(__dirname, 'README.md'), 'utf8');
  const m = parseMapping(md.split('```yaml\n')[1].split('```')[0], 'README.md');
  expect(m.attributes.map((a) => a.name)).toEqual(['fillingLevel', 'dateLastEmptying', 'refDevice']);
  expect(m.warnings).toEqual([]); // the entity type's own context comes last
  // SDM WasteContainer's refDevice is a list
  expect(m.attributes.find((a) => a.name === 'refDevice')?.expr.evaluate({ payload: {}, territory: 'eclor', receivedAt: '', deviceId: 'd1' })).toEqual(['urn:ngsi-ld:Device:eclor:d1']);
  expect(Object.keys(m.static)).toEqual(['storedWasteKind', 'binCapacity', 'refWasteContainerIsle']);
});
