import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTerritory, registryLocation, territoryFrom, watchDevices } from './device-registry';

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

describe('assets: places of devices that are not LoRaWAN devices, by their feed address', () => {
  const UUID = 'E1D2C3B4-A596-4877-9A8B-7C6D5E4F3A21';
  test('looked up case-insensitively; a DevEUI of the devices list comes first', () => {
    const t = territoryFrom({
      devices: [{ devEui: '0101010101010101', meterId: 'M-1', location: [4.8, 45.7] }],
      assets: [{ address: UUID, location: [4.835, 45.764] }, { address: '0101010101010101', location: [1, 1] }, { address: ' zone-nord ', location: [4.83, 45.77] }, { address: 'cab-1', location: [4.8, 45.7], group: ' zone-nord ' }, { address: 'cab-2', location: [4.8, 45.7], group: ['zone-nord', ' zone-sud'] }],
    });
    expect(t.devices.asset?.('CAB-1')).toEqual({ address: 'cab-1', location: [4.8, 45.7], groups: ['zone-nord'] });
    expect(t.devices.asset?.('cab-2')?.groups).toEqual(['zone-nord', 'zone-sud']);
    expect(t.devices.asset?.(UUID.toLowerCase())).toEqual({ address: UUID, location: [4.835, 45.764] });
    expect(registryLocation(t.devices, UUID.toLowerCase())).toEqual([4.835, 45.764]);
    expect(registryLocation(t.devices, 'ZONE-NORD')).toEqual([4.83, 45.77]);
    expect(registryLocation(t.devices, '0101010101010101')).toEqual([4.8, 45.7]);
    // a UUID written as a URN or in braces, in the file or in the feed, is the UUID
    const shapes = territoryFrom({ assets: [{ address: `urn:uuid:${UUID}`, location: [1, 2] }, { address: '{0F0E0D0C-0B0A-4908-8706-050403020100}', location: [3, 4] }] });
    expect(registryLocation(shapes.devices, UUID.toLowerCase())).toEqual([1, 2]);
    expect(registryLocation(shapes.devices, `{${UUID}}`)).toEqual([1, 2]);
    expect(registryLocation(shapes.devices, '0f0e0d0c-0b0a-4908-8706-050403020100')).toEqual([3, 4]);
    expect(() => territoryFrom({ assets: [{ address: UUID, location: [1, 2] }, { address: `URN:UUID:${UUID}`, location: [1, 2] }] })).toThrow(/assets\[1\]\.address .* is listed twice/);
    expect(registryLocation(t.devices, 'elsewhere')).toBeUndefined();
    expect(registryLocation({ get: () => undefined }, UUID)).toBeUndefined(); // a registry without assets
  });

  test.each([
    [{ assets: {} }, 'terr.json: assets must be an array'],
    [{ assets: [{ location: [4.8, 45.7] }] }, 'terr.json: assets[0].address must be a feed address of 1-256 characters'],
    [{ assets: [{ address: '  ', location: [4.8, 45.7] }] }, 'terr.json: assets[0].address must be'],
    [{ assets: [{ address: 'a' }] }, 'terr.json: assets[0].location must be [longitude, latitude]'],
    [{ assets: [{ address: 'a', location: [45.7, 200] }] }, 'terr.json: assets[0].location must be [longitude, latitude]'],
    [{ assets: [{ address: 'a', location: [4.8, 45.7] }, { address: 'A', location: [4.8, 45.7] }] }, "terr.json: assets[1].address 'A' is listed twice"],
    [{ assets: [{ address: 'a', location: [4.8, 45.7], lcoation: [0, 0] }] }, 'terr.json: assets[0] has unknown members (lcoation): an asset is { address, location, group? }'],
    [{ assets: [{ address: 'a', location: [4.8, 45.7], group: 7 }] }, 'terr.json: assets[0].group must be a TALQ group address of 1-256 characters, or a non-empty list of them'],
    [{ assets: [{ address: 'a', location: [4.8, 45.7], group: [] }] }, 'terr.json: assets[0].group must be a TALQ group address of 1-256 characters, or a non-empty list of them'],
    [{ assets: [{ address: 'a', location: [4.8, 45.7], group: ['z', ' '] }] }, 'terr.json: assets[0].group must be a TALQ group address of 1-256 characters, or a non-empty list of them'],
    [{ assets: [{ address: 'a', location: [4.8, 45.7], group: ['z', 'z '] }] }, 'terr.json: assets[0].group lists a group twice'],
    [{ devices: [{ devEui: '0101010101010101', meterId: 'M-1', location: [4.8, '45.7'] }] }, 'terr.json: devices[0].location must be [longitude, latitude]'],
  ])('%j is refused at start', (doc, message) => {
    expect(() => territoryFrom(doc, 'terr.json')).toThrow(message);
  });
});

describe('territory file on disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'territory-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const device = (eui: string, meterId: string) => ({ devEui: eui, meterId });

  test('is JSON, or YAML when named .yaml/.yml; a fault names the file', () => {
    const yaml = path.join(dir, 't.yaml');
    fs.writeFileSync(yaml, 'territory: val-sud\ntimeZone: Europe/Paris\ndevices:\n  - devEui: "0101010101010101"\n    meterId: M-1\n');
    expect(loadTerritory(yaml).devices.get('0101010101010101')?.meterId).toBe('M-1');
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, 'territory: val-sud\n');
    expect(() => loadTerritory(bad)).toThrow(`TERRITORY_FILE ${bad} is not valid JSON`);
    expect(() => loadTerritory(bad)).toThrow('(a YAML territory file must be named .yaml or .yml)');
    expect(() => loadTerritory(path.join(dir, 'none.json'))).toThrow(/TERRITORY_FILE .*none\.json cannot be read: ENOENT/);
    fs.writeFileSync(bad, '[1]');
    expect(() => loadTerritory(bad)).toThrow('must hold an object');
  });

  test('a device added to the file is known without a restart; a broken file keeps the last good registry', async () => {
    const file = path.join(dir, 'watched.json');
    const write = (doc: unknown, at: number) => {
      fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
      fs.utimesSync(file, at, at); // a distinct mtime for each version
    };
    write({ devices: [device('0101010101010101', 'M-1')] }, 1_700_000_000);
    const logged: string[] = [];
    const log = { info: (_o: object, m?: string) => logged.push(String(m)), warn: (_o: object, m?: string) => logged.push(String(m)) };
    const watched = watchDevices(file, loadTerritory(file), log, 20);
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(ok()).toBe(true);
    };
    try {
      await new Promise((r) => setTimeout(r, 200)); // the watcher's first look at the file
      write({ devices: [device('0101010101010101', 'M-1'), device('0202020202020202', 'M-2')], assets: [{ address: 'lamp-7', location: [4.8, 45.7] }] }, 1_700_000_100);
      await until(() => watched.devices.get('0202020202020202')?.meterId === 'M-2');
      expect(watched.devices.asset?.('LAMP-7')?.location).toEqual([4.8, 45.7]); // assets come with the devices
      write('{ "devices": [', 1_700_000_200);
      await until(() => logged.some((m) => m.includes('the last good device registry stays in use')));
      expect(watched.devices.get('0202020202020202')?.meterId).toBe('M-2');
      write('', 1_700_000_300);
      await until(() => logged.some((m) => m.startsWith('TERRITORY_FILE is empty')));
      write({ territory: 'other', devices: [] }, 1_700_000_400);
      await until(() => logged.some((m) => m.startsWith('TERRITORY_FILE names another territory')));
      expect(watched.devices.get('0202020202020202')?.meterId).toBe('M-2');
      write({ devices: [device('0101010101010101', 'M-1')] }, 1_700_000_500);
      await until(() => watched.devices.get('0202020202020202') === undefined);
    } finally {
      watched.close();
    }
  });
});
