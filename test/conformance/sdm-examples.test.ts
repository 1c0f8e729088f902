/**
 * Every Smart Data Models normalized NGSI-LD example of our domains is created as it is (with its
 * remote @context, resolved offline from the built-in term maps) and read back unchanged with that
 * context. The examples are read from ../shared/reference (present beside the checkout in CI).
 */
import fs from 'node:fs';
import path from 'node:path';
import { testApp, type TestApp } from '../support/app';

const REF = path.resolve(__dirname, '../../../shared/reference/smart-data-models');
const examples = fs.existsSync(REF)
  ? fs
      .readdirSync(REF)
      .filter((d) => fs.existsSync(path.join(REF, d, 'example-normalized.jsonld')))
      .map((d) => [d, JSON.parse(fs.readFileSync(path.join(REF, d, 'example-normalized.jsonld'), 'utf8'))] as const)
  : [];

let t: TestApp;
beforeAll(async () => {
  const offline = (() => {
    throw new Error('no network: every SDM context must be built in');
  }) as unknown as typeof fetch;
  t = await testApp({ fetchImpl: offline });
});
afterAll(async () => t.close());

it('finds the reference examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(14);
});

describe.each(examples)('%s', (_name, example) => {
  const ctx = example['@context'] as string | string[];
  const urls = Array.isArray(ctx) ? ctx : [ctx];
  const domainUrl = urls.filter((u) => !u.includes('uri.etsi.org')).pop()!;
  // createdAt/modifiedAt are system attributes (clause 4.8): a client's value is not stored. Only the
  // KeyPerformanceIndicator example (not one of our domains) uses `modifiedAt` as a plain attribute.
  const { '@context': _c, createdAt: _ca, modifiedAt: _ma, ...content } = example;

  it('is created as it is and read back unchanged (ld+json in, ld+json out)', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/ngsi-ld/v1/entities', headers: { 'content-type': 'application/ld+json' }, payload: JSON.stringify(example) });
    expect(created.statusCode).toBe(201);
    const link = `<${domainUrl}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
    const res = await t.app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(example.id)}`, headers: { accept: 'application/ld+json', link } });
    expect(res.statusCode).toBe(200);
    const { '@context': back, ...body } = JSON.parse(res.body);
    expect(back).toBe(domainUrl);
    expect(body).toEqual(content);
    const byType = await t.app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities?type=${encodeURIComponent(String(example.type))}`, headers: { link } });
    expect(JSON.parse(byType.body).map((e: { id: string }) => e.id)).toContain(example.id);
  });
});
