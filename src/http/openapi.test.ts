/**
 * openapi.yaml is the HTTP contract: these tests check that it agrees with the code — the route table
 * (src/broker/routes.ts), the error catalogue (src/ngsi-ld/errors.ts) and the NGSI-LD types
 * (src/ngsi-ld/types.ts) — and that it is a structurally valid OpenAPI 3.0 document (every $ref
 * resolves, objects use only OpenAPI 3.0 fields). Each check returns the list of disagreements, so a
 * failure says exactly what differs; the last block feeds the checks broken documents to prove they bite.
 */
import { API_BASE } from '../broker/routes';
import { checkErrors, checkLimits, checkMediaTypes, checkParams, checkRefs, checkRoutes, checkStructure, checkTypes, load, type Obj } from './openapi-checks.fixture';

// ---------------------------------------------------------------- the tests

describe('openapi.yaml', () => {
  const doc = load();

  it('is OpenAPI 3.0.3 titled "ECLOR NGSI-LD API"', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.title).toBe('ECLOR NGSI-LD API');
  });

  it('has every $ref resolving', () => {
    expect(checkRefs(doc)).toEqual([]);
  });

  it('is structurally valid OpenAPI 3.0', () => {
    expect(checkStructure(doc)).toEqual([]);
  });

  it('documents exactly the routes of routes.ts (with their operationIds) plus the platform endpoints', () => {
    expect(checkRoutes(doc)).toEqual([]);
  });

  it("documents exactly each route's query parameters, and the NGSILD-Tenant and Link headers", () => {
    expect(checkParams(doc)).toEqual([]);
  });

  it('documents every error of ERROR_CATALOGUE, and error responses as ProblemDetails with ETSI type URIs', () => {
    expect(checkErrors(doc)).toEqual([]);
  });

  it('has the attribute kinds and geometry types of types.ts', () => {
    expect(checkTypes(doc)).toEqual([]);
  });

  it("documents each route's produces and consumes media types", () => {
    expect(checkMediaTypes(doc)).toEqual([]);
  });

  it('documents the limits of the code (tenant names, limit, batch size)', () => {
    expect(checkLimits(doc)).toEqual([]);
  });
});

describe('the openapi.yaml checks catch disagreements', () => {
  const fresh = (): Obj => load();
  const entities = API_BASE + '/entities';

  it('a missing route, a renamed operationId and an undocumented path', () => {
    const d = fresh();
    delete d.paths[API_BASE + '/entityOperations/merge'];
    d.paths[entities].get.operationId = 'queryEntity';
    d.paths[API_BASE + '/csourceRegistrations'] = { get: { operationId: 'queryCSourceRegistrations', responses: {} } };
    expect(checkRoutes(d)).toEqual(
      expect.arrayContaining([
        'POST /entityOperations/merge (batchMerge): missing in openapi.yaml (expected paths[\'/ngsi-ld/v1/entityOperations/merge\'].post)',
        "GET /entities (queryEntities): openapi.yaml has operationId 'queryEntity', routes.ts has 'queryEntities'",
        'GET /ngsi-ld/v1/csourceRegistrations (queryCSourceRegistrations): documented in openapi.yaml but not in routes.ts ROUTES',
      ]),
    );
  });

  it('a missing and an extra query parameter', () => {
    const d = fresh();
    d.paths[entities].get.parameters = d.paths[entities].get.parameters.filter((p: Obj) => p.$ref !== '#/components/parameters/q');
    d.paths[entities].post.parameters.push({ $ref: '#/components/parameters/limit' });
    expect(checkParams(d)).toEqual([
      'GET /entities (queryEntities): query parameters: in routes.ts but not in openapi.yaml: q',
      'POST /entities (createEntity): query parameters: in openapi.yaml but not in routes.ts: limit',
    ]);
  });

  it('an undocumented error type and a wrong example', () => {
    const d = fresh();
    delete d.components['x-error-types'].NonexistentTenant;
    d.components.responses.AlreadyExists.content['application/json'].examples.AlreadyExists.value.status = 400;
    const out = checkErrors(d);
    expect(out).toContain('error NonexistentTenant: not documented in components.x-error-types');
    expect(out.some((m) => m.includes('409: example AlreadyExists has status 400'))).toBe(true);
  });

  it('an attribute kind or geometry type missing', () => {
    const d = fresh();
    d.components.schemas.Attribute.oneOf.pop();
    delete d.components.schemas.Attribute.discriminator.mapping.VocabProperty;
    d.components.schemas.Geometry.oneOf.shift();
    const out = checkTypes(d);
    expect(out).toContain("schema Attribute oneOf 'type' values: in types.ts but not in openapi.yaml: VocabProperty");
    expect(out).toContain('schema Attribute discriminator mapping: in types.ts but not in openapi.yaml: VocabProperty');
    expect(out).toContain("schema Geometry oneOf 'type' values: in types.ts but not in openapi.yaml: Point");
  });

  it('a media type missing', () => {
    const d = fresh();
    delete d.components.responses.EntityList.content['application/geo+json'];
    delete d.paths[entities + '/{entityId}'].patch.requestBody.content['application/merge-patch+json'];
    const out = checkMediaTypes(d);
    expect(out).toContain('GET /entities (queryEntities) 200 content: in routes.ts produces but not in openapi.yaml: application/geo+json');
    expect(out).toContain('PATCH /entities/{entityId} (mergeEntity) requestBody content: in routes.ts consumes but not in openapi.yaml: application/merge-patch+json');
  });

  it('a dangling $ref and a JSON-Schema-only construct', () => {
    const d = fresh();
    d.components.schemas.Entity.allOf[0].$ref = '#/components/schemas/Entiti';
    d.components.schemas.Position.type = ['array', 'null'];
    expect(checkRefs(d)).toEqual(['#/components/schemas/Entity/allOf/0: $ref #/components/schemas/Entiti does not resolve']);
    expect(checkStructure(d)).toContain('#/components/schemas/Position: type ["array","null"] is not an OpenAPI 3.0 type');
  });
});
