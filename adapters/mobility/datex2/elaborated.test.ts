/** ElaboratedData: forecasts are not observations; a location's values merge by time, not by document order. */
import { handle } from '../test-support.fixture';

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const at = (id: string) => `<pertinentLocation xsi:type="LocationByReference"><predefinedLocationReference id="${id}"/></pertinentLocation>`;
const time = (t?: string) => (t ? `<measurementOrCalculationTime>${t}</measurementOrCalculationTime>` : '');
const speed = (id: string, kmh: number, t?: string, forecast = '') => `<elaboratedData>${forecast}<basicData xsi:type="TrafficSpeed">${time(t)}${at(id)}`
  + `<averageVehicleSpeed><speed>${kmh}</speed></averageVehicleSpeed></basicData></elaboratedData>`;
const flow = (id: string, rate: number, t?: string) => `<elaboratedData><basicData xsi:type="TrafficFlow">${time(t)}${at(id)}<vehicleFlow><vehicleFlowRate>${rate}</vehicleFlowRate></vehicleFlow></basicData></elaboratedData>`;
const doc = (...data: string[]) => `<d2LogicalModel ${V2}><payloadPublication xsi:type="ElaboratedDataPublication"><publicationTime>2026-11-22T22:55:12Z</publicationTime>`
  + `<timeDefault>2026-11-22T22:50:00Z</timeDefault>${data.join('')}</payloadPublication></d2LogicalModel>`;

describe('ElaboratedData forecasts', () => {
  it.each(['true', '1'])('skips a value marked <forecast>%s</forecast>: the observed value stays', (flag) => {
    const t = handle(doc(speed('L2', 88), speed('L2', 40, '2026-11-22T23:10:00Z', `<forecast>${flag}</forecast>`)));
    expect(t.entities).toHaveLength(1);
    expect(t.entities[0]).toMatchObject({ averageVehicleSpeed: { value: 88, observedAt: '2026-11-22T22:50:00Z' }, dateObserved: { value: '2026-11-22T22:50:00Z' } });
  });
  it('keeps a value marked <forecast>false</forecast>', () => {
    expect(handle(doc(speed('L2', 40, undefined, '<forecast>false</forecast>'))).entities[0]).toMatchObject({ averageVehicleSpeed: { value: 40 } });
  });
  it('says why a publication of forecasts only gives nothing', () => {
    expect(handle(doc(speed('L2', 40, undefined, '<forecast>true</forecast>')))).toMatchObject({ entities: [], ignored: expect.stringContaining('no site with usable data') });
  });
});

describe('values of one location with different times', () => {
  const flowAt = flow('L1', 2000, '2026-11-22T22:40:00Z');
  const speedDefault = speed('L1', 95);
  it.each([['flow first', [flowAt, speedDefault]], ['speed first', [speedDefault, flowAt]]])('%s: dateObserved is the latest of the times', (_order, data) => {
    const [e] = handle(doc(...data)).entities;
    expect(e).toMatchObject({
      dateObserved: { value: '2026-11-22T22:50:00Z' },
      intensity: { value: 2000, observedAt: '2026-11-22T22:40:00Z' },
      averageVehicleSpeed: { value: 95, observedAt: '2026-11-22T22:50:00Z' },
    });
  });
  it('keeps the later value of one quantity whatever the document order (milliseconds compared as times)', () => {
    const newer = speed('L1', 60, '2026-11-22T22:45:00.500Z');
    const older = speed('L1', 70, '2026-11-22T22:45:00Z');
    for (const data of [[newer, older], [older, newer]]) {
      expect(handle(doc(...data)).entities[0]).toMatchObject({ averageVehicleSpeed: { value: 60 }, dateObserved: { value: '2026-11-22T22:45:00.500Z' } });
    }
  });
});

describe('measured values of one index with different times', () => {
  it('dateObserved is the latest of the times, whatever the order', () => {
    const value = (kind: string, body: string, t: string) => `<measuredValue index="1"><measuredValue><basicData xsi:type="${kind}">${time(t)}${body}</basicData></measuredValue></measuredValue>`;
    const f = value('TrafficFlow', '<vehicleFlow><vehicleFlowRate>600</vehicleFlowRate></vehicleFlow>', '2026-11-22T22:49:00Z');
    const s = value('TrafficSpeed', '<averageVehicleSpeed><speed>80</speed></averageVehicleSpeed>', '2026-11-22T22:48:00Z');
    for (const values of [[f, s], [s, f]]) {
      const xml = `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasuredDataPublication"><siteMeasurements><measurementSiteReference id="S"/>${values.join('')}</siteMeasurements></payloadPublication></d2LogicalModel>`;
      const t = handle(xml);
      expect(t.entities).toHaveLength(1);
      expect(t.entities[0]).toMatchObject({ dateObserved: { value: '2026-11-22T22:49:00Z' }, intensity: { value: 600 }, averageVehicleSpeed: { value: 80 } });
    }
  });
});
