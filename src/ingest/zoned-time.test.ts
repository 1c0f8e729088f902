import { isTimeZone, localToUtc, zonedToUtc } from './zoned-time';

const utc = (wall: [number, number, number, number, number, number?, number?], zone: string) =>
  new Date(zonedToUtc(Date.UTC(wall[0], wall[1] - 1, wall[2], wall[3], wall[4], wall[5] ?? 0, wall[6] ?? 0), zone)).toISOString();

describe('zonedToUtc', () => {
  test.each([
    // winter (CET, +01:00) and summer (CEST, +02:00) in Paris
    [[2026, 1, 15, 8, 0], 'Europe/Paris', '2026-01-15T07:00:00.000Z'],
    [[2026, 7, 15, 8, 0, 30, 250], 'Europe/Paris', '2026-07-15T06:00:30.250Z'],
    // midnight rolls the date back
    [[2026, 3, 1, 0, 30], 'Europe/Paris', '2026-02-28T23:30:00.000Z'],
    // spring gap (29 March 2026, 02:00 → 03:00): read with the offset before the change
    [[2026, 3, 29, 2, 30], 'Europe/Paris', '2026-03-29T01:30:00.000Z'],
    [[2026, 3, 29, 3, 0], 'Europe/Paris', '2026-03-29T01:00:00.000Z'],
    // autumn overlap (25 October 2026, 03:00 → 02:00): the first 02:30 (still CEST)
    [[2026, 10, 25, 2, 30], 'Europe/Paris', '2026-10-25T00:30:00.000Z'],
    [[2026, 10, 25, 3, 0], 'Europe/Paris', '2026-10-25T02:00:00.000Z'],
    // other zones: no DST, a negative one, a quarter-hour one
    [[2026, 7, 1, 12, 0], 'UTC', '2026-07-01T12:00:00.000Z'],
    [[2026, 7, 1, 12, 0], 'America/New_York', '2026-07-01T16:00:00.000Z'],
    [[2026, 7, 1, 12, 0], 'Asia/Kathmandu', '2026-07-01T06:15:00.000Z'],
  ] as const)('%j in %s', (wall, zone, expected) => {
    expect(utc(wall as unknown as [number, number, number, number, number], zone)).toBe(expected);
  });

  test('every wall-clock minute of a year in Paris comes back to itself, except the spring gap', () => {
    const paris = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
    let gap = 0;
    for (let wall = Date.UTC(2026, 0, 1); wall < Date.UTC(2027, 0, 1); wall += 15 * 60_000) {
      const back = paris.format(zonedToUtc(wall, 'Europe/Paris')).replace(' ', 'T');
      if (back !== new Date(wall).toISOString().slice(0, 16)) gap++;
    }
    expect(gap).toBe(4); // 02:00, 02:15, 02:30, 02:45 on 29 March
  });
});

test('isTimeZone', () => {
  expect(isTimeZone('Europe/Paris')).toBe(true);
  expect(isTimeZone('Europe/Nowhere')).toBe(false);
  expect(isTimeZone('')).toBe(false);
});

describe('localToUtc', () => {
  test.each([
    ['2026-09-01T06:00:00', '2026-09-01T04:00:00.000Z'],
    ['2026-09-01 06:00', '2026-09-01T04:00:00.000Z'],
    ['2026-01-10T23:59:59.123456', '2026-01-10T22:59:59.123Z'],
    [' 2026-01-10t06:00:00.5 ', '2026-01-10T05:00:00.500Z'],
    ['2026-09-01T06:00:00Z', undefined],
    ['2026-09-01T06:00:00+02:00', undefined],
    ['2026-02-30T06:00:00', undefined],
    ['2026-09-01T24:00:00', undefined],
    ['2026-09-01', undefined],
    ['yesterday', undefined],
  ])('%j', (s, expected) => expect(localToUtc(s, 'Europe/Paris')).toBe(expected));
});
