/** HTTP tests of Query Entities (clause 5.7.2; GET /entities and POST /entityOperations/query). */
import { testApp, type TestApp } from '../../../test/support/app';

let t: TestApp;
const N = 30;
beforeAll(async () => {
  t = await testApp();
  const entities = [];
  for (let i = 0; i < N; i++) {
    entities.push({
      id: `urn:ngsi-ld:TrafficFlowObserved:q:${String(i).padStart(3, '0')}`,
      type: i % 3 === 0 ? 'OffStreetParking' : 'TrafficFlowObserved',
      intensity: { type: 'Property', value: i * 10, observedAt: `2024-05-01T${String(i % 24).padStart(2, '0')}:00:00Z` },
      laneDirection: i % 2 === 0 ? 'forward' : 'backward',
      congested: i % 5 === 0,
      refRoad: { type: 'Relationship', object: `urn:ngsi-ld:Road:${i % 4}` },
      details: { type: 'JsonProperty', json: { lanes: (i % 3) + 1 } },
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [6 + i * 0.01, 49.5] } },
    });
  }
  const res = await t.app.inject({ method: 'POST', url: '/ngsi-ld/v1/entityOperations/create', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(entities) });
  expect(res.statusCode).toBe(201);
});
afterAll(async () => t.close());

async function query(qs: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities?${qs}`, headers });
  return { res, body: JSON.parse(res.body) };
}
const nums = (body: Array<{ id: string }>) => body.map((e) => Number(e.id.split(':').pop()));

describe('GET /entities', () => {
  it.each([
    ['type=OffStreetParking&limit=100', (i: number) => i % 3 === 0],
    ['type=OffStreetParking,TrafficFlowObserved&limit=100', () => true],
    ['type=(OffStreetParking|TrafficFlowObserved)&q=intensity<50', (i: number) => i < 5],
    ['type=TrafficFlowObserved&q=intensity>=100;intensity<150', (i: number) => i % 3 !== 0 && i >= 10 && i < 15],
    ['type=TrafficFlowObserved&q=intensity==50..90', (i: number) => i % 3 !== 0 && i >= 5 && i <= 9],
    ['idPattern=.*:00[0-4]$', (i: number) => i <= 4],
    ['id=urn:ngsi-ld:TrafficFlowObserved:q:001,urn:ngsi-ld:TrafficFlowObserved:q:002', (i: number) => i === 1 || i === 2],
    ['type=TrafficFlowObserved&q=laneDirection=="forward"&limit=100', (i: number) => i % 3 !== 0 && i % 2 === 0],
    ['type=TrafficFlowObserved&q=congested==true', (i: number) => i % 3 !== 0 && i % 5 === 0],
    ['type=TrafficFlowObserved&q=refRoad==urn:ngsi-ld:Road:1', (i: number) => i % 3 !== 0 && i % 4 === 1],
    ['type=TrafficFlowObserved&q=details[lanes]==3', (i: number) => i % 3 === 2],
    ['type=OffStreetParking&q=details[lanes]==1&limit=100', (i: number) => i % 3 === 0],
    ['type=TrafficFlowObserved&q=intensity.observedAt>=2024-05-01T20:00:00Z', (i: number) => i % 3 !== 0 && i % 24 >= 20],
    ['type=TrafficFlowObserved&q=laneDirection~="^for"&limit=100', (i: number) => i % 3 !== 0 && i % 2 === 0],
    ['type=TrafficFlowObserved&q=intensity==10,20,30', (i: number) => i % 3 !== 0 && [1, 2, 3].includes(i)],
    ['type=TrafficFlowObserved&q=(intensity<20|intensity>280)&limit=100', (i: number) => i % 3 !== 0 && (i < 2 || i > 28)],
    ['type=TrafficFlowObserved&q=intensity!=10&limit=100', (i: number) => i % 3 !== 0 && i !== 1],
    ['q=missingAttr', () => false],
    ['attrs=intensity&limit=100', () => true],
    ['type=TrafficFlowObserved&georel=near;maxDistance==2000&geometry=Point&coordinates=[6.0,49.5]', (i: number) => i % 3 !== 0 && i <= 2],
    ['georel=within&geometry=Polygon&coordinates=[[[6.045,49.4],[6.095,49.4],[6.095,49.6],[6.045,49.6],[6.045,49.4]]]', (i: number) => i >= 5 && i <= 9],
  ])('%s', async (qs, expected) => {
    const { res, body } = await query(qs);
    expect(res.statusCode).toBe(200);
    const want = [...Array(N).keys()].filter(expected);
    expect(nums(body)).toEqual(want.slice(0, qs.includes('limit=100') ? 100 : 20));
  });

  it('projects attrs', async () => {
    const { body } = await query('type=OffStreetParking&attrs=intensity&limit=1');
    expect(Object.keys(body[0]).sort()).toEqual(['id', 'intensity', 'type']);
  });

  it('pages in a stable order with count', async () => {
    const pages: number[] = [];
    for (let offset = 0; offset < N; offset += 7) {
      const { res, body } = await query(`type=OffStreetParking,TrafficFlowObserved&limit=7&offset=${offset}&count=true`);
      expect(res.headers['ngsild-results-count']).toBe(String(N));
      pages.push(...nums(body));
    }
    expect(pages).toEqual([...Array(N).keys()]);
    const { res, body } = await query('type=OffStreetParking&limit=0&count=true');
    expect(body).toEqual([]);
    expect(res.headers['ngsild-results-count']).toBe('10');
  });

  it('gives prev/next pagination links beside the @context link', async () => {
    const { res } = await query('type=OffStreetParking&limit=4&offset=4');
    const link = String(res.headers.link);
    expect(link).toContain('</ngsi-ld/v1/entities?type=OffStreetParking&limit=4&offset=0>; rel="prev"');
    expect(link).toContain('</ngsi-ld/v1/entities?type=OffStreetParking&limit=4&offset=8>; rel="next"');
    expect(link).toContain('rel="http://www.w3.org/ns/json-ld#context"');
    const last = await query('type=OffStreetParking&limit=4&offset=8');
    expect(last.body).toHaveLength(2);
    expect(String(last.res.headers.link)).not.toContain('rel="next"');
  });

  it('answers keyValues and GeoJSON', async () => {
    const { body } = await query('id=urn:ngsi-ld:TrafficFlowObserved:q:001&options=keyValues');
    expect(body[0]).toMatchObject({ intensity: 10, laneDirection: 'backward', refRoad: 'urn:ngsi-ld:Road:1' });
    const { res, body: fc } = await query('type=OffStreetParking&limit=2', { accept: 'application/geo+json' });
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(2);
    expect(fc.features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Point' } });
  });

  it.each([
    ['', 'BadRequestData', 400],
    ['type=T&limit=1001', 'TooManyResults', 403],
    ['type=T&limit=-1', 'BadRequestData', 400],
    ['type=T&q=a===1', 'BadRequestData', 400],
    ['type=T&q=a~="("', 'BadRequestData', 400],
    ['type=T&georel=near&geometry=Point&coordinates=[1,2]', 'BadRequestData', 400],
    ['type=T&georel=within&geometry=Polygon&coordinates=[[1,2]]', 'BadRequestData', 400],
    ['type=T&foo=bar', 'BadRequestData', 400],
    ['id=not-a-uri', 'BadRequestData', 400],
    ['idPattern=(', 'BadRequestData', 400],
    ['type=T&options=bogus', 'BadRequestData', 400],
  ])('rejects %s', async (qs, error, status) => {
    const { res, body } = await query(qs);
    expect(res.statusCode).toBe(status);
    expect(body.type).toBe(`https://uri.etsi.org/ngsi-ld/errors/${error}`);
  });
});

describe('POST /entityOperations/query', () => {
  const post = (body: unknown, qs = '') =>
    t.app.inject({ method: 'POST', url: `/ngsi-ld/v1/entityOperations/query${qs}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  it('runs selectors (ORed), q, attrs and geoQ', async () => {
    const res = await post({
      type: 'Query',
      entities: [{ type: 'OffStreetParking' }, { type: 'TrafficFlowObserved', id: 'urn:ngsi-ld:TrafficFlowObserved:q:001' }],
      q: 'intensity<40',
      attrs: ['intensity'],
      geoQ: { georel: 'near;maxDistance==50000', geometry: 'Point', coordinates: [6, 49.5] },
    });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(nums(body)).toEqual([0, 1, 3]);
    expect(Object.keys(body[0]).sort()).toEqual(['id', 'intensity', 'type']);
  });
  it('rejects a body that is not a Query', async () => {
    expect((await post({ type: 'Nope' })).statusCode).toBe(400);
    expect((await post({ type: 'Query', entities: 'x' })).statusCode).toBe(400);
  });
});
