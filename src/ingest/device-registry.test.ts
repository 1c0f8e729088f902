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
});
