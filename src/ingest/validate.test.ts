import { fullFormats } from 'ajv-formats/dist/formats';
import { createEntityValidator, isRfc3339DateTime } from './validate';

const reference = fullFormats['date-time'] as { validate: (s: string) => boolean };

it('checks RFC 3339 date-times exactly as ajv-formats does', () => {
  const samples = [
    '2026-09-02T23:09:34.000Z', '2026-09-02t23:09:34z', '2026-09-02 23:09:34Z', '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z',
    '2000-02-29T12:00:00+02:00', '1900-02-29T12:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '2026-01-01T23:59:60Z', '2026-01-01T23:59:60+01:00',
    '2026-01-02T00:59:60+01:00', '2026-01-01T22:59:60-01:00', '2026-01-01T23:59:61Z', '2026-01-01T12:00:00', '2026-01-01T12:00:00+0200',
    '2026-01-01T12:00:00+02', '2026-01-01T12:00:00+24:00', '2026-01-01T12:00:00+02:60', '2026-01-01T12:00:00.123456789-05:30',
    '2026-01-01T12:00:00.Z', '2026-01-01T12:00Z', '2026-1-01T12:00:00Z', '26-01-01T12:00:00Z', 'not a date', '', '2026-01-01X12:00:00Z',
    '2026-01-01T12:00:00ZZ', '2026-01-01T12:00:00+02:00:00', '0000-02-29T00:00:00Z',
  ];
  for (const s of samples) expect([s, isRfc3339DateTime(s)]).toEqual([s, reference.validate(s)]);
});

it('validates the times of an emitted entity with it', () => {
  const validate = createEntityValidator();
  const device = {
    id: 'urn:ngsi-ld:Device:eclor:0101010101010101', type: 'Device',
    deviceCategory: { type: 'Property', value: ['meter'] },
    controlledProperty: { type: 'Property', value: ['waterConsumption'] },
    supportedProtocol: { type: 'Property', value: ['lora'] },
    serialNumber: { type: 'Property', value: 'W1-0001' },
    rssi: { type: 'Property', value: -97, unitCode: 'DBM', observedAt: '2026-09-02T23:10:02.123Z' },
  };
  expect(validate(device)).toBeUndefined();
  expect(validate({ ...device, rssi: { ...device.rssi, observedAt: '2026-02-30T23:10:02.123Z' } })).toMatch(/rssi\/observedAt: must match format "date-time"/);
});
