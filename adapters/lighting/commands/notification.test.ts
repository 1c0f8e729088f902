import { reportMark } from '../talq/report-marker';
import { deviceFromEntityId, lampOf, readNotification } from './notification';

const T = '2025-01-15T03:12:44.000Z';
const LAMP = 'urn:ngsi-ld:Streetlight:eclor:e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21';
const reported = { type: 'Property', value: 0.8, unitCode: 'C62', observedAt: T, talqReport: { type: 'Property', value: reportMark(0.8, T) } };
const addressing = {
  talqAddress: { type: 'Property', value: 'e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21/lampActuator1' },
  talqGateway: { type: 'Property', value: '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40' },
};
const notification = (...data: unknown[]) => ({ id: 'urn:ngsi-ld:Notification:1', type: 'Notification', subscriptionId: 's', notifiedAt: T, data });

describe('readNotification', () => {
  it('a level the lamp reported is the adapter\'s own write: no target', () => {
    expect(readNotification(notification({ id: LAMP, type: 'Streetlight', illuminanceLevel: reported, ...addressing }))).toEqual({ id: 'urn:ngsi-ld:Notification:1', targets: [], reported: [LAMP] });
  });

  it('a level replaced by a flow is a target, with the lamp addressing', () => {
    const r = readNotification(notification({ id: LAMP, type: 'Streetlight', illuminanceLevel: { type: 'Property', value: 0.3 }, ...addressing }));
    expect(r.targets).toEqual([{
      entityId: LAMP, entityType: 'Streetlight', level: 0.3, fingerprint: '{"type":"Property","value":0.3}',
      lamp: { entityId: LAMP, device: 'e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21', functionId: 'lampActuator1', gateway: '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40' },
    }]);
  });

  it('a level merged by a flow (the mark kept along) is a target', () => {
    const r = readNotification(notification({ id: LAMP, type: 'Streetlight', illuminanceLevel: { ...reported, value: 0.3 } }));
    expect(r.targets.map((t) => t.level)).toEqual([0.3]);
    expect(r.targets[0].lamp).toEqual({ entityId: LAMP, device: 'e1d2c3b4-a596-4877-9a8b-7c6d5e4f3a21', functionId: undefined, gateway: undefined });
  });

  it('a group target lists its members', () => {
    const r = readNotification(notification({ id: 'urn:ngsi-ld:StreetlightGroup:eclor:zone-nord', type: 'StreetlightGroup', illuminanceLevel: { type: 'Property', value: 0 }, refStreetlight: { type: 'Relationship', object: [LAMP, 'urn:ngsi-ld:Streetlight:eclor:d-2'] } }));
    expect(r.targets).toMatchObject([{ entityType: 'StreetlightGroup', level: 0, members: [LAMP, 'urn:ngsi-ld:Streetlight:eclor:d-2'] }]);
  });

  it('reads the default instance of a multi-attribute, expanded names and types; skips other entities and bodies', () => {
    const r = readNotification(notification(
      { id: LAMP, type: 'https://smartdatamodels.org/dataModel.Streetlighting/Streetlight', 'https://smartdatamodels.org/dataModel.Streetlighting/illuminanceLevel': [{ type: 'Property', value: 0.9, datasetId: 'urn:x' }, { type: 'Property', value: 0.4 }] },
      { id: 'urn:ngsi-ld:StreetlightControlCabinet:eclor:c', type: 'StreetlightControlCabinet', illuminanceLevel: { type: 'Property', value: 0.3 } },
      { id: 'urn:ngsi-ld:Streetlight:eclor:no-level', type: 'Streetlight' },
      'junk',
    ));
    expect(r.targets.map((t) => [t.entityId, t.level])).toEqual([[LAMP, 0.4]]);
    expect(readNotification('nope')).toEqual({ id: undefined, targets: [], reported: [] });
  });
});

describe('lamp addressing', () => {
  it('decodes the TALQ address back from a sanitized entity id', () => {
    expect(deviceFromEntityId('urn:ngsi-ld:Streetlight:eclor:zone%20nord%2F1')).toBe('zone nord/1');
    expect(lampOf({ id: 'urn:ngsi-ld:Streetlight:eclor:d%3A1' })).toEqual({ entityId: 'urn:ngsi-ld:Streetlight:eclor:d%3A1', device: 'd:1', functionId: undefined, gateway: undefined });
  });
});
