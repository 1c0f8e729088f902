/**
 * Bench data: normalized NGSI-LD entities shaped like the Smart Data Models TrafficFlowObserved (the
 * 10,000-entity base set that GET, update and query run against) and Streetlight (the extra entities of
 * the batch-create scenario, a different type so `type=TrafficFlowObserved&q=bucket==N` keeps selecting
 * exactly 20 of 10,000 = 0.2 %).
 */

export const BASE_TYPE = 'TrafficFlowObserved';
export const BATCH_TYPE = 'Streetlight';
export const BASE_COUNT = 10_000;
export const BUCKETS = 500;
export const BATCH_SIZE = 100;

export const baseId = (i: number): string => `urn:ngsi-ld:${BASE_TYPE}:bench:${i}`;

const ts = (): string => new Date().toISOString();

function point(i: number): { type: 'GeoProperty'; value: { type: 'Point'; coordinates: [number, number] } } {
  // spread over ~10 × 10 km around Montpellier, deterministic per index
  const lon = 3.82 + ((i * 7919) % 1000) / 10_000;
  const lat = 43.56 + ((i * 104_729) % 1000) / 10_000;
  return { type: 'GeoProperty', value: { type: 'Point', coordinates: [Number(lon.toFixed(6)), Number(lat.toFixed(6))] } };
}

/** Base entity number `i`: 8 attributes, `bucket` = i % 500. */
export function trafficFlow(i: number): Record<string, unknown> {
  const observedAt = ts();
  return {
    id: baseId(i),
    type: BASE_TYPE,
    bucket: { type: 'Property', value: i % BUCKETS },
    intensity: { type: 'Property', value: 100 + (i % 400), observedAt },
    averageVehicleSpeed: { type: 'Property', value: 30 + (i % 70) + 0.5, unitCode: 'KMH', observedAt },
    occupancy: { type: 'Property', value: (i % 100) / 100, unitCode: 'C62', observedAt },
    laneDirection: { type: 'Property', value: i % 2 ? 'forward' : 'backward' },
    laneId: { type: 'Property', value: 1 + (i % 3) },
    refRoadSegment: { type: 'Relationship', object: `urn:ngsi-ld:RoadSegment:bench:${Math.floor(i / 10)}` },
    location: point(i),
  };
}

/** A Streetlight of the batch-create scenario; `key` must be unique over the whole bench run. */
export function streetlight(key: string, n: number): Record<string, unknown> {
  const observedAt = ts();
  return {
    id: `urn:ngsi-ld:${BATCH_TYPE}:bench:${key}`,
    type: BATCH_TYPE,
    status: { type: 'Property', value: 'ok', observedAt },
    powerState: { type: 'Property', value: n % 4 ? 'on' : 'off', observedAt },
    illuminanceLevel: { type: 'Property', value: (n % 100) / 100, unitCode: 'P1', observedAt },
    powerConsumption: { type: 'Property', value: 40 + (n % 60), unitCode: 'WTT', observedAt },
    lanternHeight: { type: 'Property', value: 10, unitCode: 'MTR' },
    circuit: { type: 'Property', value: `C-${n % 50}` },
    refStreetlightGroup: { type: 'Relationship', object: `urn:ngsi-ld:StreetlightGroup:bench:${n % 200}` },
    location: point(n),
  };
}

/** Body of a PATCH /entities/{id}/attrs changing two Property values. */
export function updateBody(n: number): string {
  const observedAt = ts();
  return JSON.stringify({
    intensity: { type: 'Property', value: n % 1000, observedAt },
    averageVehicleSpeed: { type: 'Property', value: 20 + (n % 90), unitCode: 'KMH', observedAt },
  });
}

export const randomIndex = (n: number): number => Math.floor(Math.random() * n);
