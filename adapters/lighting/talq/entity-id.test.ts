import { deviceAddressOf, entityId, sanitizeAddress } from './entity-id';

describe('entity ids from TALQ addresses', () => {
  it.each([
    ['3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60', '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60'],
    ['urn:talq:lum/1', 'urn%3Atalq%3Alum%2F1'],
    ['100%', '100%25'],
    ['rue de l’Église', 'rue%20de%20l%E2%80%99%C3%89glise'],
  ])('%s → %s', (address, local) => expect(sanitizeAddress(address)).toBe(local));

  it('is injective on tricky pairs', () => {
    const pairs = [['a:b', 'a%3Ab'], ['a/b', 'a%2Fb'], ['A', 'a']];
    for (const [x, y] of pairs) expect(sanitizeAddress(x)).not.toBe(sanitizeAddress(y));
  });

  it('keeps the device part of a function address', () => {
    expect(deviceAddressOf('d-1/lampMonitor1')).toBe('d-1');
    expect(deviceAddressOf('d-1')).toBe('d-1');
    expect(entityId('Streetlight', 'eclor', 'd-1')).toBe('urn:ngsi-ld:Streetlight:eclor:d-1');
  });
});
