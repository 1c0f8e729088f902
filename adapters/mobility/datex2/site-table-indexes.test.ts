/** Site-table indexes: only measured types ECLOR translates give entities; every vehicle class of an index is described. */
import { handle } from '../test-support.fixture';

const V2 = 'xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const index = (i: number, type: string | undefined, vehicles = '') => `<measurementSpecificCharacteristics index="${i}"><measurementSpecificCharacteristics><period>60</period>`
  + `${type === undefined ? '' : `<specificMeasurementValueType>${type}</specificMeasurementValueType>`}`
  + `${vehicles ? `<specificVehicleCharacteristics>${vehicles}</specificVehicleCharacteristics>` : ''}</measurementSpecificCharacteristics></measurementSpecificCharacteristics>`;
const site = (id: string, ...indexes: string[]) => `<measurementSiteRecord id="${id}"><measurementSiteName><values><value>${id}</value></values></measurementSiteName>${indexes.join('')}`
  + '<measurementSiteLocation xsi:type="Point"><locationForDisplay><latitude>52.35</latitude><longitude>4.83</longitude></locationForDisplay></measurementSiteLocation></measurementSiteRecord>';
const table = (...sites: string[]) => `<d2LogicalModel ${V2}><payloadPublication xsi:type="MeasurementSiteTablePublication"><measurementSiteTable id="T">${sites.join('')}</measurementSiteTable></payloadPublication></d2LogicalModel>`;
const v = (type: string) => `<vehicleType>${type}</vehicleType>`;

describe('indexes measuring types ECLOR does not translate', () => {
  it('give no entity (a travel-time site gives none); traffic types and an index without type do', () => {
    const t = handle(table(site('TT', index(1, 'travelTimeInformation')), site('S', index(1, 'trafficFlow'), index(2, 'trafficStatusInformation'), index(3, 'trafficHeadway'), index(4, undefined))));
    expect(t.entities.map((e) => e.id)).toEqual(['urn:ngsi-ld:TrafficFlowObserved:demo:S:1', 'urn:ngsi-ld:TrafficFlowObserved:demo:S:3', 'urn:ngsi-ld:TrafficFlowObserved:demo:S:4']);
  });
  it('a table of travel-time sites only is ignored', () => {
    expect(handle(table(site('TT', index(1, 'travelTimeInformation'))))).toMatchObject({ entities: [], ignored: expect.stringContaining('MeasurementSiteTable') });
  });
});

describe('vehicle classes of an index', () => {
  const entities = handle(table(site('S', index(1, 'trafficFlow', v('bus') + v('minibus')), index(2, 'trafficFlow', v('lorry')), index(3, 'trafficFlow', v('bus') + v('articulatedVehicle'))))).entities;
  it('several classes: the description lists every one, vehicleType is left out', () => {
    expect(entities[0].description).toEqual({ type: 'Property', value: 'trafficFlow, bus or minibus, period 60 s' });
    expect(entities[0]).not.toHaveProperty('vehicleType');
    expect(entities[2].description).toMatchObject({ value: 'trafficFlow, bus or articulatedVehicle, period 60 s' });
    expect(entities[2]).not.toHaveProperty('vehicleType');
  });
  it('one class known to SDM: vehicleType holds it', () => {
    expect(entities[1]).toMatchObject({ vehicleType: { value: 'lorry' }, description: { value: 'trafficFlow, lorry, period 60 s' } });
  });
});
