/**
 * Traffic record extraction: one element tree of a site record (see xml-tree.ts) → one typed record.
 * Names are DATEX II local names shared by v2 and v3 (v3 moved `measuredValue` to `physicalQuantity`
 * and `measurementSiteRecord` to `measurementSite`; both are read). Missing or unusable values are
 * left out, never guessed: a speed of −1 (or `n/a`), a negative flow or a `dataError` flag means "no
 * data". A record naming no site is refused (a dead letter of its own). Parking records:
 * parking-records.ts.
 */
import { geometryOf } from './location';
import type { ElaboratedDataRecord, MeasuredValue, MeasurementCharacteristic, MeasurementSiteRecord, Publication, RefusedRecord, SiteMeasurementsRecord } from './types';
import { measurement, multilingual, nonNegativeInt, refused, timeAt, toUtc } from './values';
import { child, children, find, findAll, findText, textAt, toNumber, type XmlNode } from './xml-tree';

/** `index` attribute, else the 1-based position among its siblings. */
function indexOf(node: XmlNode, position1: number): number {
  return nonNegativeInt(node.attrs.index) ?? position1;
}

function characteristic(outer: XmlNode, i: number): MeasurementCharacteristic {
  const inner = child(outer, 'measurementSpecificCharacteristics') ?? outer;
  const lengths = findAll(inner, 'lengthCharacteristic').map((l) => `${findText(l, 'comparisonOperator') ?? ''} ${findText(l, 'vehicleLength') ?? ''} m`.trim());
  return {
    index: indexOf(outer, i + 1),
    lane: findText(inner, 'specificLane'),
    valueType: findText(inner, 'specificMeasurementValueType'),
    vehicleTypes: [...new Set(findAll(inner, 'vehicleType').map((v) => v.text.trim()).filter((v) => v !== ''))],
    period: toNumber(findText(inner, 'period')),
    lengths,
  };
}

/** `measurementSiteRecord` (v2) / `measurementSite` (v3) → record; refused without an id. */
export function measurementSite(node: XmlNode, pub?: Publication): MeasurementSiteRecord | RefusedRecord {
  const id = node.attrs.id?.trim();
  if (!id) return refused(node, `${node.name} without an id: its measurement indexes belong to no site`);
  return {
    kind: 'measurementSite',
    id,
    version: node.attrs.version,
    name: multilingual(child(node, 'measurementSiteName'), pub?.lang),
    numberOfLanes: nonNegativeInt(textAt(node, 'measurementSiteNumberOfLanes')),
    side: textAt(node, 'measurementSide'),
    geometry: geometryOf(child(node, 'measurementSiteLocation')),
    characteristics: children(node, 'measurementSpecificCharacteristics').map(characteristic),
  };
}

/** The text of `name` below `node`, or of `node` itself when it is a leaf (DATEX II v2.0 `vehicleFlow` carried the number). */
function valueOf(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  return node.children.length === 0 ? textAt(node) : findText(node, name);
}

/**
 * One measured value (v2 `measuredValue`, v3 `physicalQuantity`): its `basicData` by what it carries,
 * whatever its `xsi:type` says — TrafficFlow `vehicleFlow/vehicleFlowRate`, TrafficSpeed
 * `averageVehicleSpeed/speed` (no data when computed from no vehicle: `numberOfInputValuesUsed="0"`),
 * TrafficConcentration `occupancy/percentage`, TrafficHeadway `averageTimeHeadway/duration`.
 */
function measuredValue(node: XmlNode, i: number): MeasuredValue {
  const index = indexOf(node, i + 1);
  if (findText(node, 'dataError') === 'true') return { index };
  const basic = find(node, 'basicData') ?? node;
  const mt = find(node, 'measurementOrCalculationTime');
  const value: MeasuredValue = { index, time: toUtc(textAt(mt) ?? findText(mt, 'timeValue')) };
  const flowNode = find(basic, 'vehicleFlow');
  const flow = measurement(flowNode ? valueOf(flowNode, 'vehicleFlowRate') : findText(basic, 'vehicleFlowRate'), false);
  if (flow !== undefined) value.flow = flow;
  const speedNode = find(basic, 'averageVehicleSpeed');
  const speed = speedNode && speedNode.attrs.numberOfInputValuesUsed !== '0' ? measurement(valueOf(speedNode, 'speed')) : undefined;
  if (speed !== undefined) value.speed = speed;
  const occupancy = measurement(valueOf(find(basic, 'occupancy'), 'percentage'));
  if (occupancy !== undefined && occupancy <= 100) value.occupancyPercent = occupancy;
  const headway = measurement(valueOf(find(basic, 'averageTimeHeadway'), 'duration'));
  if (headway !== undefined) value.headway = headway;
  if (value.time === undefined) delete value.time;
  return value;
}

/** The site a `siteMeasurements` is about: `measurementSiteReference/@id` (v2.0 also as its text). */
const SITE_REFERENCES = ['measurementSiteReference', 'measurementSiteRecordReference', 'measurementSiteRecordVersionedReference'];

/** `siteMeasurements` → record; refused without a site reference id (its values would belong to no site). */
export function siteMeasurements(node: XmlNode): SiteMeasurementsRecord | RefusedRecord {
  let ref: XmlNode | undefined;
  for (const name of SITE_REFERENCES) ref ??= child(node, name);
  const siteId = ref && (ref.attrs.id?.trim() || textAt(ref));
  if (!ref || !siteId) return refused(node, `siteMeasurements without a ${ref ? `${ref.name} id` : 'measurementSiteReference'}: its values belong to no site`);
  const values = [...children(node, 'measuredValue'), ...children(node, 'physicalQuantity')].map(measuredValue);
  return { kind: 'siteMeasurements', siteId, siteVersion: ref.attrs.version, time: timeAt(node, 'measurementTimeDefault'), values };
}

/**
 * `elaboratedData` → record; undefined unless its `pertinentLocation` references a predefined location
 * (the only key a later publication shares). The value is read as a measured value's. A forecast
 * (`forecast` true) is no observation and gives no record: TrafficFlowObserved holds observed values.
 */
export function elaboratedData(node: XmlNode): ElaboratedDataRecord | undefined {
  const forecast = textAt(node, 'forecast');
  if (forecast === 'true' || forecast === '1') return undefined;
  const where = find(node, 'pertinentLocation');
  const locationId = find(where, 'predefinedLocationReference')?.attrs.id?.trim();
  if (!locationId) return undefined;
  const { index: _index, ...value } = measuredValue(node, 0);
  return { kind: 'elaboratedData', locationId, geometry: geometryOf(where), value };
}
