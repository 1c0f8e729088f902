import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { COMMAND_DEFAULTS } from './config';
import { startFakeGateway, type FakeGateway } from './gateway.fixture';
import { sendTalqCommand } from './send-command';
import { talqCommandRequest } from './talq-command';

let gw: FakeGateway;
beforeAll(async () => (gw = await startFakeGateway()));
afterAll(() => gw.close());
beforeEach(() => {
  gw.requests.length = 0;
  gw.plan = () => ({ status: 200 });
});

const lighting = { cmsAddress: '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c', talqApiVersion: '2.7.1', commands: COMMAND_DEFAULTS };
const request = (url = gw.url) => talqCommandRequest({ lighting, gateway: { url, headers: { authorization: 'Bearer t' } }, lamp: { device: 'd-1', functionId: 'lampActuator1' }, level: 0.42, cmsRefId: 'urn:ngsi-ld:Streetlight:eclor:d-1', now: new Date() });

describe('sendTalqCommand against a loopback gateway', () => {
  it('sends the PATCH as TALQ says and takes 200 as an acknowledgement', async () => {
    expect(await sendTalqCommand(request(), 2000)).toEqual({ ok: true, status: 200 });
    const [r] = gw.requests;
    expect(r.method).toBe('PATCH');
    expect(r.path).toBe('/devices/d-1/lampActuator1/targetLightCommand');
    expect(r.query.clientAddress).toBe(lighting.cmsAddress);
    expect(r.headers['talq-api-version']).toBe('2.7.1');
    expect(r.headers.authorization).toBe('Bearer t');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toMatchObject({ type: 'AttributeCommand', value: { state: { name: 'LevelState', value: 42 }, reason: 'override' } });
  });

  it('takes 202 (accepted for processing) as an acknowledgement', async () => {
    gw.plan = () => ({ status: 202 });
    expect(await sendTalqCommand(request(), 2000)).toEqual({ ok: true, status: 202 });
  });

  it.each([500, 502, 503, 504, 408, 429])('retries on HTTP %i', async (status) => {
    gw.plan = () => ({ status });
    expect(await sendTalqCommand(request(), 2000)).toMatchObject({ ok: false, retry: true, status });
  });

  it.each([
    [404, [{ key: 'resourceNotFound', message: 'no device d-1' }], 'HTTP 404 resourceNotFound: no device d-1'],
    [400, [{ key: 'payloadError', message: 'value.state' }], 'HTTP 400 payloadError: value.state'],
    [422, undefined, 'HTTP 422'],
    [401, 'denied', 'HTTP 401 denied'],
  ])('does not retry a refusal (%i)', async (status, body, reason) => {
    gw.plan = () => ({ status, body });
    expect(await sendTalqCommand(request(), 2000)).toEqual({ ok: false, retry: false, status, reason });
  });

  it('retries when the gateway does not answer in time', async () => {
    gw.plan = () => ({ status: 200, delayMs: 1500 });
    expect(await sendTalqCommand(request(), 200)).toEqual({ ok: false, retry: true, reason: 'no answer within 200 ms' });
  });

  it('retries when the gateway is down (connection refused)', async () => {
    const probe = http.createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((ok) => probe.close(ok));
    const r = await sendTalqCommand(request(`http://127.0.0.1:${port}`), 2000);
    expect(r).toMatchObject({ ok: false, retry: true });
    expect(!r.ok && r.reason).toMatch(/ECONNREFUSED/);
  });
});
