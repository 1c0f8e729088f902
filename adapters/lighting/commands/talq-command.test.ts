import { COMMAND_DEFAULTS } from './config';
import { levelPercent, talqCommandRequest } from './talq-command';

const lighting = { cmsAddress: '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c', talqApiVersion: '2.7.1', commands: COMMAND_DEFAULTS };
const now = new Date('2025-01-15T20:00:00Z');

describe('levelPercent', () => {
  it.each([
    [0, 0], [1, 100], [0.3, 30], [0.305, 31], [0.004, 0], [0.995, 100],
    [-0.1, undefined], [1.01, undefined], [Number.NaN, undefined], ['0.5', undefined], [null, undefined],
  ])('%p → %p', (level, percent) => expect(levelPercent(level)).toBe(percent));
});

describe('talqCommandRequest', () => {
  it('is a PATCH of the LampActuator targetLightCommand with a LevelState in percent', () => {
    const r = talqCommandRequest({ lighting, gateway: { url: 'http://gw/talq', headers: { Authorization: 'Bearer t' } }, lamp: { device: '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60', functionId: 'lampActuator1' }, level: 0.3, cmsRefId: 'urn:ngsi-ld:Streetlight:eclor:3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60', now, requestId: '11111111-2222-4333-8444-555555555555' });
    expect(r.url).toBe('http://gw/talq/devices/3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60/lampActuator1/targetLightCommand?clientAddress=0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c&talqRequestId=11111111-2222-4333-8444-555555555555');
    expect(r.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', 'talq-api-version': '2.7.1', Authorization: 'Bearer t' });
    expect(r.body).toEqual({
      type: 'AttributeCommand',
      timestamp: '2025-01-15T20:00:00.000Z',
      value: { state: { name: 'LevelState', value: 30 }, reason: 'override', cmsRefId: 'urn:ngsi-ld:Streetlight:eclor:3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60' },
    });
  });

  it('adds the ramp time and the override expiration when configured; encodes odd addresses; new request id each time', () => {
    const o = { lighting: { ...lighting, commands: { ...COMMAND_DEFAULTS, rampSeconds: 3, overrideMinutes: 90 } }, gateway: { url: 'http://gw' }, lamp: { device: 'zone nord/1', functionId: 'la 1' }, level: 1, cmsRefId: 'x', now };
    const a = talqCommandRequest(o);
    const b = talqCommandRequest(o);
    expect(a.body.value).toMatchObject({ state: { name: 'LevelState', value: 100 }, rampToLevelTime: 3, expiration: '2025-01-15T21:30:00.000Z' });
    expect(new URL(a.url).pathname).toBe('/devices/zone%20nord%2F1/la%201/targetLightCommand');
    expect(new URL(a.url).searchParams.get('talqRequestId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(new URL(a.url).searchParams.get('talqRequestId')).not.toBe(new URL(b.url).searchParams.get('talqRequestId'));
  });

  it('refuses a level out of 0..1', () => {
    expect(() => talqCommandRequest({ lighting, gateway: { url: 'http://gw' }, lamp: { device: 'd', functionId: 'f' }, level: 2, cmsRefId: 'x', now })).toThrow('level 2 is not in 0..1');
  });
});
