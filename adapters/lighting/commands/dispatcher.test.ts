import { createDispatcher, type Dispatcher } from './dispatcher';
import { startFakeGateway, type FakeGateway } from './gateway.fixture';
import { sendTalqCommand } from './send-command';
import { COMMAND_DEFAULTS } from './config';
import { talqCommandRequest } from './talq-command';

let gw: FakeGateway;
let d: Dispatcher;
beforeAll(async () => (gw = await startFakeGateway()));
afterAll(() => gw.close());
beforeEach(() => {
  gw.requests.length = 0;
  gw.plan = () => ({ status: 200 });
});
afterEach(async () => {
  d?.stop();
  await d?.idle();
});

const lighting = { cmsAddress: '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c', talqApiVersion: '2.7.1', commands: COMMAND_DEFAULTS };
const command = (device: string, level: number) => () =>
  sendTalqCommand(talqCommandRequest({ lighting, gateway: { url: gw.url }, lamp: { device, functionId: 'lampActuator1' }, level, cmsRefId: device, now: new Date() }), 1000);
const levelOf = (r: { body: unknown }) => (r.body as { value: { state: { value: number } } }).value.state.value;
const deviceOf = (r: { path: string }) => r.path.split('/')[2];
const make = (o: Partial<Parameters<typeof createDispatcher>[0]> = {}) => (d = createDispatcher({ maxConcurrent: 4, backoffMs: 20, maxBackoffMs: 100, giveUpMs: 5000, random: () => 0.5, ...o }));

describe('command dispatcher', () => {
  it('retries until the gateway acknowledges, with growing waits', async () => {
    gw.plan = (i) => (i < 3 ? { status: 503 } : { status: 200 });
    const retries: number[] = [];
    make({ onRetry: (_k, _n, _r, delay) => retries.push(delay) });
    await expect(d.submit('lamp-1', command('d-1', 0.5))).resolves.toEqual({ state: 'acknowledged', attempts: 4, status: 200 });
    expect(gw.requests).toHaveLength(4);
    expect(retries).toEqual([20, 40, 80]);
    expect(gw.requests[3].at - gw.requests[0].at).toBeGreaterThanOrEqual(130);
  });

  it('gives up after giveUpMs and says why', async () => {
    gw.plan = () => ({ status: 503 });
    make({ giveUpMs: 150 });
    const r = await d.submit('lamp-1', command('d-1', 0.5));
    expect(r).toMatchObject({ state: 'failed' });
    expect(r.state === 'failed' && r.reason).toMatch(/^not acknowledged after \d+ attempt\(s\) in \d+ s: HTTP 503$/);
    expect(gw.requests.length).toBeGreaterThanOrEqual(2);
    expect(gw.requests.length).toBeLessThanOrEqual(4);
  });

  it('does not retry a refusal', async () => {
    gw.plan = () => ({ status: 404, body: [{ key: 'resourceNotFound' }] });
    make();
    await expect(d.submit('lamp-1', command('d-1', 0.5))).resolves.toEqual({ state: 'failed', attempts: 1, reason: 'refused by the gateway: HTTP 404 resourceNotFound' });
    expect(gw.requests).toHaveLength(1);
  });

  it('a newer target supersedes the waiting and the retrying ones: no stale command after the fresh one', async () => {
    gw.plan = (i, r) => (levelOf(r) === 10 && i < 1 ? { status: 503, delayMs: 50 } : { status: 200 });
    make({ backoffMs: 1000, maxBackoffMs: 1000 });
    const first = d.submit('lamp-1', command('d-1', 0.1)); // fails once, then waits 1 s
    await gw.waitFor(1);
    const second = d.submit('lamp-1', command('d-1', 0.2)); // waits behind the first
    const third = d.submit('lamp-1', command('d-1', 0.3)); // supersedes the second
    await expect(second).resolves.toEqual({ state: 'superseded', attempts: 0 });
    await expect(first).resolves.toEqual({ state: 'superseded', attempts: 1 });
    await expect(third).resolves.toEqual({ state: 'acknowledged', attempts: 1, status: 200 });
    expect(gw.requests.map(levelOf)).toEqual([10, 30]);
  });

  it('keeps the order of one lamp: an attempt in flight ends before the next command goes', async () => {
    gw.plan = (_i, r) => (levelOf(r) === 10 ? { status: 200, delayMs: 200 } : { status: 200 });
    make();
    const first = d.submit('lamp-1', command('d-1', 0.1));
    await gw.waitFor(1);
    const second = d.submit('lamp-1', command('d-1', 0.2));
    await expect(first).resolves.toMatchObject({ state: 'acknowledged' });
    await expect(second).resolves.toMatchObject({ state: 'acknowledged' });
    expect(gw.requests.map(levelOf)).toEqual([10, 20]);
  });

  it('commands many lamps in parallel, never more than maxConcurrent at a time', async () => {
    let inFlight = 0;
    let most = 0;
    make({ maxConcurrent: 3 });
    const tracked = (device: string) => async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await command(device, 0.5)();
      } finally {
        inFlight--;
      }
    };
    gw.plan = () => ({ status: 200, delayMs: 30 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => d.submit(`lamp-${i}`, tracked(`d-${i}`))));
    expect(results.every((r) => r.state === 'acknowledged')).toBe(true);
    expect(new Set(gw.requests.map(deviceOf)).size).toBe(12);
    expect(most).toBe(3);
    expect(d.busy()).toBe(0);
  });

  it('stop ends retrying and waiting commands as failed', async () => {
    gw.plan = () => ({ status: 503 });
    make({ backoffMs: 5000, maxBackoffMs: 5000, giveUpMs: 60000 });
    const first = d.submit('lamp-1', command('d-1', 0.1));
    await gw.waitFor(1);
    const waiting = d.submit('lamp-1', command('d-1', 0.2));
    d.stop();
    await expect(waiting).resolves.toEqual({ state: 'failed', attempts: 0, reason: 'stopped' });
    await expect(first).resolves.toMatchObject({ state: 'superseded' });
    await expect(d.submit('lamp-2', command('d-2', 0.2))).resolves.toEqual({ state: 'failed', attempts: 0, reason: 'stopped' });
  });
});
