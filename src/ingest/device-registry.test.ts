import { loadTerritory, territoryFrom } from './device-registry';

describe('territory file', () => {
  test('defaults: territory eclor, no time zone, no devices', () => {
    const t = loadTerritory(undefined);
    expect([t.territory, t.timeZone, t.devices.get('0101010101010101')]).toEqual(['eclor', undefined, undefined]);
  });

  test('a time zone is checked at start', () => {
    expect(territoryFrom({ timeZone: 'Europe/Paris' }).timeZone).toBe('Europe/Paris');
    expect(() => territoryFrom({ timeZone: 'Europe/Nowhere' }, 'terr.json')).toThrow('terr.json: timeZone must be an IANA time zone such as Europe/Paris');
    expect(() => territoryFrom({ timeZone: 1 })).toThrow(/timeZone must be/);
  });

  test("a device's meterClock is utc or local, and local needs the territory's time zone", () => {
    const device = { devEui: '0101010101010101', meterId: 'M-1' };
    expect(territoryFrom({ timeZone: 'Europe/Paris', devices: [{ ...device, meterClock: 'local' }] }).devices.get(device.devEui)?.meterClock).toBe('local');
    expect(territoryFrom({ devices: [{ ...device, meterClock: 'utc' }] }).devices.get(device.devEui)?.meterClock).toBe('utc');
    expect(territoryFrom({ devices: [device] }).devices.get(device.devEui)).not.toHaveProperty('meterClock');
    expect(() => territoryFrom({ devices: [{ ...device, meterClock: 'local' }] }, 'terr.json')).toThrow("terr.json: devices[0].meterClock 'local' needs the territory's timeZone");
    expect(() => territoryFrom({ timeZone: 'Europe/Paris', devices: [{ ...device, meterClock: 'CET' }] }, 'terr.json')).toThrow('terr.json: devices[0].meterClock must be utc or local');
  });
});
