/**
 * The Things Stack v3 `normalized_payload` (pure): the LoRaWAN Device Repository's common schema
 * (https://schema.thethings.network/devicerepository/1/payload/schema, `lib/payload.json` of
 * TheThingsNetwork/lorawan-devices), produced by a repository codec's `normalizeUplink()`. It is an
 * array of measurements; the water-metering ones carry `metering.water.total` ("Total volume (L)"),
 * an optional `time` (RFC 3339) and an optional `water.leak` (boolean, or a leak kind as a string;
 * absent: the leak flag is not reported).
 */
import { deviceTime, isObject, type Json } from '../payload';
import { leakOf, type NetworkReading } from './decoded-payload';

/** The measurement holding the water total: the latest by `time`, else the last one. */
export function waterMeasurement(normalized: unknown): Json | undefined {
  const list = Array.isArray(normalized) ? normalized : [normalized];
  let best: Json | undefined;
  let bestTime = -Infinity;
  for (const m of list) {
    if (!isObject(m) || !isObject(m.metering) || !isObject(m.metering.water)) continue;
    const total = m.metering.water.total;
    if (typeof total !== 'number' || !Number.isFinite(total) || total < 0 || !Number.isSafeInteger(Math.round(total))) continue;
    const t = deviceTime(m.time);
    const at = t === undefined ? -Infinity : Date.parse(t);
    if (best === undefined || at >= bestTime) [best, bestTime] = [m, at];
  }
  return best;
}

/**
 * A measurement from waterMeasurement() → a reading (litres, the measurement's time or the network time).
 * @example readNormalized({ metering: { water: { total: 1234 } }, water: { leak: 'medium' } }, '2026-09-03T00:00:00.000Z').flags.leak // true
 */
export function readNormalized(m: Json, receivedAt: string): NetworkReading {
  const water = (m.metering as { water: { total: number } }).water;
  const time = deviceTime(m.time);
  // `water.leak` is optional in the schema: without it, the measurement says nothing of leaks
  const leak = isObject(m.water) && m.water.leak !== undefined && m.water.leak !== null ? leakOf(m.water.leak) : undefined;
  return {
    time: time ?? receivedAt,
    volumeLitres: Math.round(water.total),
    flags: leak === undefined ? {} : { leak },
    source: 'normalized_payload.metering.water.total',
    timeSource: time === undefined ? 'network' : 'meter',
  };
}
