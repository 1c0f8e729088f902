import { runCase } from '../test-support.fixture';
import { isReportedLevel, reportMark } from './report-marker';

const T = '2025-01-15T03:12:44.000Z';
const reported = { type: 'Property', value: 0.8, unitCode: 'C62', observedAt: T, talqReport: { type: 'Property', value: reportMark(0.8, T) } };

describe('the talqReport mark', () => {
  it('is on every illuminanceLevel the log-report adapter writes, which it recognises', () => {
    const lamp = runCase('lamp-failure').entities[0];
    expect(lamp.illuminanceLevel).toEqual(reported);
    expect(isReportedLevel(lamp.illuminanceLevel)).toBe(true);
  });

  it('gives the Streetlight its LampActuator address and its gateway', () => {
    const lamp = runCase('lamp-failure').entities[0];
    expect(lamp.talqAddress).toEqual({ type: 'Property', value: 'e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21/lampActuator1' });
    expect(lamp.talqGateway).toEqual({ type: 'Property', value: '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40' });
  });

  it.each([
    ['as the adapter wrote it', reported, true],
    ['observedAt written in another form by the broker', { ...reported, observedAt: '2025-01-15T03:12:44Z' }, true],
    ['replaced by a flow (no mark)', { type: 'Property', value: 0.3 }, false],
    ['merged by a flow: new value, mark and observedAt kept', { ...reported, value: 0.3 }, false],
    ['merged by a flow: same value, new observedAt', { ...reported, observedAt: '2025-01-15T20:00:00Z' }, false],
    ['merged by a flow: same value and no observedAt (the broker keeps the old one): taken as reported', { ...reported }, true],
    ['a flow copying another lamp\'s mark', { ...reported, value: 0.5, talqReport: { type: 'Property', value: reportMark(0.8, T) } }, false],
    ['a mark that is not a string', { ...reported, talqReport: { type: 'Property', value: 0.8 } }, false],
    ['a mark without a time', { ...reported, talqReport: { type: 'Property', value: '0.8' } }, false],
    ['not an attribute', 0.8, false],
  ])('%s → reported %p', (_label, attr, expected) => {
    expect(isReportedLevel(attr)).toBe(expected);
  });
});
