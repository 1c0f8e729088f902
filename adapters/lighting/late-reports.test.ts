/**
 * Late TALQ log reports on the real runtime (fastify inject, embedded broker in memory): a gateway that
 * sends buffered logs after newer ones does not put a lamp back to an older state, and the lamp's level
 * is compared with its last report, not with a target a flow wrote since.
 */
import type { FastifyInstance } from 'fastify';
import { testApp } from '../../test/support/app';
import { talqLogReportAdapter } from './index';
import { reportedAt } from './talq/report-marker';
import { STREETLIGHTING_CONTEXT } from './talq/translate';
import { GATEWAY } from './test-support.fixture';

const LAMP = 'a7b6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c21';
const ID = `urn:ngsi-ld:Streetlight:eclor:${LAMP}`;
const LINK = `<${STREETLIGHTING_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

let app: FastifyInstance;
let close: () => Promise<void>;
beforeEach(async () => ({ app, close } = await testApp({ adapters: [talqLogReportAdapter], maxBody: 1 << 20 })));
afterEach(() => close());

/** One log of the lamp: its level (actualLightState, percent) and, optionally, its power (W). */
interface Log {
  at: string;
  level?: number;
  power?: number;
}
function report(...logs: Log[]): string {
  const entries = logs.flatMap((l) => [
    ...(l.level === undefined ? [] : [{ data: { type: 'AttributeLogData', srcAddress: `${LAMP}/lampActuator1`, timestamp: l.at, attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: l.level } } } }]),
    ...(l.power === undefined ? [] : [{ data: { type: 'AttributeLogData', srcAddress: `${LAMP}/lampMonitor1`, timestamp: l.at, attributeName: 'activePower', attributeValue: { type: 'AttributeFloat', value: l.power } } }]),
  ]);
  return JSON.stringify({ address: 'logger-1', entries });
}
const send = async (body: string, requestId = '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5') => {
  const r = await app.inject({
    method: 'POST',
    url: `/ingest/lighting/talq/log-reports?clientAddress=${GATEWAY}&talqRequestId=${requestId}`,
    headers: { 'content-type': 'application/json', 'talq-api-version': '2.7.1' },
    payload: body,
  });
  return { status: r.statusCode, body: JSON.parse(r.body) as unknown };
};
const lamp = async () => {
  const r = await app.inject({ method: 'GET', url: `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}`, headers: { link: LINK, accept: 'application/json' } });
  expect(r.statusCode).toBe(200);
  return JSON.parse(r.body) as Record<string, { value?: unknown; observedAt?: string; talqReport?: { value: string } }>;
};
/** A flow writing a target level: merged (PATCH /entities/{id}, the mark kept) or replaced (PATCH …/attrs). */
const target = async (how: 'merge' | 'replace', value: number, observedAt: string) => {
  const url = `/ngsi-ld/v1/entities/${encodeURIComponent(ID)}${how === 'replace' ? '/attrs' : ''}`;
  const r = await app.inject({ method: 'PATCH', url, headers: { 'content-type': 'application/json', link: LINK }, payload: JSON.stringify({ illuminanceLevel: { type: 'Property', value, observedAt } }) });
  expect(r.statusCode).toBe(204);
};
const deadLetters = async () => JSON.parse((await app.inject({ method: 'GET', url: '/ingest/dead-letters' })).body) as Array<{ id: number; reason: string; stage: string; repeats: number; replays: number; payload: string }>;

describe('late TALQ log reports', () => {
  it('a report older than the last one is refused (409, a dead letter) and the lamp keeps its state', async () => {
    expect((await send(report({ at: '2025-01-15T05:00:00Z', level: 80, power: 42 }))).status).toBe(201);
    const late = await send(report({ at: '2025-01-15T04:00:00Z', level: 20, power: 11 }));
    expect(late.status).toBe(409);
    // TALQ's own error shape: the conflict with the lamp's current state, and where the report is kept
    expect(late.body).toEqual([{ key: 'resourceConflict', description: expect.stringMatching(new RegExp(`^${ID}: out of order: illuminanceLevel observed at .* \\(ECLOR dead letter 1\\)$`)) }]);
    const e = await lamp();
    expect([e.illuminanceLevel.value, e.powerConsumption.value]).toEqual([0.8, 42]);
    expect(await deadLetters()).toEqual([expect.objectContaining({ stage: 'validate', status: 409, reason: expect.stringMatching(/out of order: illuminanceLevel observed at 2025-01-15T04:00:00.000Z/) })]);
  });

  it('the same late report sent again, with the new request id a gateway gives each request, is one dead letter; replayed and refused again, it stays that one', async () => {
    await send(report({ at: '2025-01-15T05:00:00Z', level: 80 }));
    const late = report({ at: '2025-01-15T04:00:00Z', level: 20 });
    expect((await send(late, '1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b')).status).toBe(409);
    expect((await send(late, '2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c')).status).toBe(409);
    const [letter, ...others] = (await deadLetters()) as Array<{ id: number; reason: string; repeats: number }>;
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ repeats: 1, reason: expect.stringMatching(new RegExp(`^entity ${ID}: out of order`)) });
    expect((await app.inject({ method: 'POST', url: `/ingest/dead-letters/${letter.id}/replay` })).statusCode).toBe(409);
    expect((await deadLetters())[0]).toMatchObject({ id: letter.id, reason: letter.reason });
    expect((await send(late, '3a4b5c6d-7e8f-4a9b-8c1d-2e3f4a5b6c7d')).status).toBe(409);
    expect(await deadLetters()).toEqual([expect.objectContaining({ id: letter.id, repeats: 2 })]);
  });

  it("a device refused for a value out of range: its dead letter holds all its entries as a log report, and a replay refuses it again and keeps it", async () => {
    const OTHER = 'b8c7d6e5-f4a3-4b2c-8d9e-8f7a6b5c4d32';
    const body = JSON.stringify({ address: 'logger-1', entries: [
      { data: { type: 'AttributeLogData', srcAddress: `${OTHER}/lampActuator1`, timestamp: '2025-01-15T05:00:00Z', attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: 40 } } } },
      { data: { type: 'EventLogData', srcAddress: `${LAMP}/lampMonitor1`, timestamp: '2025-01-15T05:00:00Z', eventType: 'lampFailure' } },
      { data: { type: 'AttributeLogData', srcAddress: `${LAMP}/lampActuator1`, timestamp: '2025-01-15T05:00:00Z', attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: 130 } } } },
    ] });
    const sent = await send(body);
    expect(sent.status).toBe(207); // the other lamp is written
    expect(sent.body).toMatchObject({ rejected: [{ entityId: ID, at: 'entries[2]', reason: 'actualLightState: level 130 % is out of range 0..100 %' }] });
    const [letter] = (await deadLetters()) as Array<{ id: number; payload: string; reason: string }>;
    expect(letter.reason).toMatch(/^actualLightState: level 130 %/); // its place in the report is not part of it
    const kept = JSON.parse(letter.payload) as { address: string; entries: Array<{ data: { srcAddress: string } }> };
    expect(kept.address).toBe('logger-1');
    expect(kept.entries.map((e) => e.data.srcAddress)).toEqual([`${LAMP}/lampMonitor1`, `${LAMP}/lampActuator1`]);
    // replayed, the level is entries[1] of the letter's report: the same refusal, the same letter
    const replayed = await app.inject({ method: 'POST', url: `/ingest/dead-letters/${letter.id}/replay` });
    expect(replayed.statusCode).toBe(422);
    expect(await deadLetters()).toEqual([expect.objectContaining({ id: letter.id, reason: letter.reason, replays: 1, repeats: 0 })]);
    // the gateway sending the report again (a new request id) counts on it
    expect((await send(body, '4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e')).status).toBe(207);
    expect(await deadLetters()).toEqual([expect.objectContaining({ id: letter.id, replays: 1, repeats: 1 })]);
  });

  it("the device refused again in a later report: one dead letter, which keeps the earlier report's lamp failure", async () => {
    const failure = { data: { type: 'EventLogData', srcAddress: `${LAMP}/lampMonitor1`, timestamp: '2025-01-15T05:00:00Z', eventType: 'lampFailure' } };
    const level = (at: string) => ({ data: { type: 'AttributeLogData', srcAddress: `${LAMP}/lampActuator1`, timestamp: at, attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: 130 } } } });
    expect((await send(JSON.stringify({ address: 'logger-1', entries: [level('2025-01-15T05:00:00Z'), failure] }))).status).toBe(422);
    expect((await send(JSON.stringify({ address: 'logger-1', entries: [level('2025-01-15T05:15:00Z')] }), '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f')).status).toBe(422);
    const letters = (await deadLetters()) as Array<{ payload: string; repeats: number }>;
    expect(letters).toHaveLength(1);
    expect(letters[0].repeats).toBe(1);
    expect(JSON.parse(letters[0].payload)).toEqual({ address: 'logger-1', entries: [level('2025-01-15T05:00:00Z'), failure, level('2025-01-15T05:15:00Z')] });
  });

  it('in an array of reports, a refused datum is placed in its own report, and the letter has that report\'s address', async () => {
    const OTHER = 'c9d8e7f6-a5b4-4c3d-9e0f-9a8b7c6d5e43';
    const lvl = (lamp: string, v: number) => ({ data: { type: 'AttributeLogData', srcAddress: `${lamp}/lampActuator1`, timestamp: '2025-01-15T05:00:00Z', attributeName: 'actualLightState', attributeValue: { type: 'AttributeLevelState', value: { name: 'LevelState', value: v } } } });
    const sent = await send(JSON.stringify([{ address: 'logger-1', entries: [lvl(OTHER, 40)] }, { address: 'logger-2', entries: [lvl(LAMP, 130)] }]));
    expect(sent.body).toMatchObject({ rejected: [{ entityId: ID, at: '[1].entries[0]' }] });
    const [letter] = (await deadLetters()) as Array<{ payload: string }>;
    expect(JSON.parse(letter.payload)).toEqual({ address: 'logger-2', entries: [lvl(LAMP, 130)] });
  });

  it('of a report that is partly late, only the newer logs are written', async () => {
    await send(report({ at: '2025-01-15T05:00:00Z', level: 80 }, { at: '2025-01-15T05:00:00Z', power: 42 }));
    const r = await send(report({ at: '2025-01-15T04:00:00Z', level: 20 }, { at: '2025-01-15T06:00:00Z', power: 30 }));
    expect(r.status).toBe(201);
    const e = await lamp();
    expect([e.illuminanceLevel.value, e.powerConsumption.value]).toEqual([0.8, 30]);
  });

  it('a re-sent report changes nothing and is not refused', async () => {
    const body = report({ at: '2025-01-15T05:00:00Z', level: 80, power: 42 });
    expect((await send(body)).status).toBe(201);
    expect((await send(body)).status).toBe(201);
  });

  it('the level is compared with the last report, not with a target a flow merged later', async () => {
    await send(report({ at: '2025-01-15T05:00:00Z', level: 80 }));
    await target('merge', 0.3, '2025-01-15T05:10:00Z');
    // the lamp dimmed at 05:05 by its own clock, before the flow's time: a report, newer than the last one
    const r = await send(report({ at: '2025-01-15T05:05:00Z', level: 30 }));
    expect(r.status).toBe(201);
    const e = await lamp();
    expect(e.illuminanceLevel.value).toBe(0.3);
    expect(e.illuminanceLevel.talqReport?.value).toBe('0.3@2025-01-15T05:05:00.000Z');
    // still, a report older than the lamp's last one is refused
    expect((await send(report({ at: '2025-01-15T05:01:00Z', level: 80 }))).status).toBe(409);
  });

  it("a level a flow replaced (no mark) is compared with the lamp's last light-state report, not with the flow's time", async () => {
    await send(report({ at: '2025-01-15T05:00:00Z', level: 80 }));
    await target('replace', 0.5, '2025-01-15T07:00:00Z');
    expect((await send(report({ at: '2025-01-15T06:00:00Z', level: 50 }))).status).toBe(201);
    expect((await lamp()).illuminanceLevel.value).toBe(0.5);
    await target('replace', 0.7, '2025-01-15T08:00:00Z');
    // older than the lamp's last report (06:00): refused, the target stays
    expect((await send(report({ at: '2025-01-15T05:30:00Z', level: 20 }))).status).toBe(409);
    expect((await lamp()).illuminanceLevel.value).toBe(0.7);
  });
});

describe('reportedAt', () => {
  it('reads the level by its mark, else by the light state reported with it; other attributes by observedAt', () => {
    const lamp = { id: ID, type: 'Streetlight', powerState: { type: 'Property', value: 'on', observedAt: 'T1' } };
    expect(reportedAt('illuminanceLevel', { type: 'Property', value: 0.3, observedAt: 'T2', talqReport: { type: 'Property', value: '0.8@T0' } }, lamp)).toBe('T0');
    expect(reportedAt('illuminanceLevel', { type: 'Property', value: 0.3, observedAt: 'T2' }, lamp)).toBe('T1');
    expect(reportedAt('illuminanceLevel', { type: 'Property', value: 0.3, observedAt: 'T2' }, { id: ID, type: 'Streetlight' })).toBeUndefined();
    expect(reportedAt('illuminanceLevel', { type: 'Property', value: 0.3, talqReport: { type: 'Property', value: 'no time' } }, lamp)).toBeUndefined();
    expect(reportedAt('powerConsumption', { type: 'Property', value: 3, observedAt: 'T2' }, lamp)).toBe('T2');
    expect(reportedAt('powerConsumption', { type: 'Property', value: 3 }, lamp)).toBeUndefined();
  });
});
