import { deviceAddressOf, functionAddressOf, normalizeAddress } from './address';

const U = '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60';
const GW = '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40';

describe('normalizeAddress', () => {
  it.each([
    [U, U],
    [`${U}/lampActuator1`, `${U}/lampActuator1`],
    [`${U}/lampActuator1/actualLightState`, `${U}/lampActuator1/actualLightState`],
    [U.toUpperCase(), U],
    [`{${U}}/f1`, `${U}/f1`],
    [`urn:uuid:${U}`, U],
    [`/devices/${U}/lampMonitor1`, `${U}/lampMonitor1`],
    [`devices/${U}`, U],
    [`https://gw.example:8443/talq/devices/${U.toUpperCase()}/lamp%201/?x=1`, `${U}/lamp 1`],
    [`http://gw.example/${U}/meter1`, `${U}/meter1`],
    [`/${U}/f1`, `${U}/f1`],
    [`${U}/`, U],
    ['  cabinet-7/meter1 ', 'cabinet-7/meter1'],
    ['lum:1/x', 'lum:1/x'],
    [`${GW}/${U}/f1`, `${U}/f1`],
  ])('%s → %s', (raw, out) => expect(normalizeAddress(raw, GW)).toBe(out));

  it.each(['', '/', '/lampMonitor1', 'https://gw.example/talq/lamp1', 'urn:uuid:'])('%j has no device', (raw) => expect(normalizeAddress(raw)).toBeUndefined());

  it('keeps the gateway itself as a device when no device follows it', () => {
    expect(normalizeAddress(`${GW}/gatewayFunction1`, GW)).toBe(`${GW}/gatewayFunction1`);
  });

  it('splits device and function', () => {
    expect([deviceAddressOf(`${U}/f1/a`), functionAddressOf(`${U}/f1/a`), functionAddressOf(U)]).toEqual([U, `${U}/f1`, undefined]);
  });
});
