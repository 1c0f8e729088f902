/**
 * The TALQ request of one lighting command (pure): a `targetLightCommand` of the lamp's LampActuator
 * function, set through the gateway API operation `partialUpdateAttribute`:
 *
 *   PATCH {gateway}/devices/{deviceAddress}/{functionId}/targetLightCommand?clientAddress={cms}&talqRequestId={uuid}
 *   talq-api-version: 2.7.1
 *   { "type": "AttributeCommand", "timestamp": "…Z",
 *     "value": { "state": { "name": "LevelState", "value": 30 }, "reason": "override",
 *                "cmsRefId": "<entity id>", "rampToLevelTime": 2, "expiration": "…Z" } }
 *
 * TALQ 2.7.1: the body is an `Attribute` (here `AttributeCommand`) whose value is a `Command`; a
 * `LevelState` carries a `DimLevel`, an integer percentage 0..100. `reason` 'override' (a manual or
 * rule-driven override of the control program); `expiration` ends the override (absent: it lasts
 * until the next command); `rampToLevelTime` is the fade in seconds. The gateway answers 200 (done)
 * or 202 (accepted for processing): both acknowledge the command.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayConfig, LightingConfig } from './config';

/** A lamp as the commands address it. */
export interface LampAddress {
  /** TALQ device address. */
  device: string;
  /** The LampActuator function id. */
  functionId: string;
}

export interface TalqCommandRequest {
  url: string;
  headers: Record<string, string>;
  body: {
    type: 'AttributeCommand';
    timestamp: string;
    value: { state: { name: 'LevelState'; value: number }; reason: 'override'; cmsRefId: string; rampToLevelTime?: number; expiration?: string };
  };
}

/**
 * An NGSI-LD level (fraction 0..1) → TALQ DimLevel (integer percent 0..100); undefined when out of range.
 * @example
 * levelPercent(0.305); // 31
 * levelPercent(1.2);   // undefined
 */
export function levelPercent(level: unknown): number | undefined {
  if (typeof level !== 'number' || !Number.isFinite(level) || level < 0 || level > 1) return undefined;
  return Math.round(level * 100);
}

/**
 * The request that sets `level` on a lamp.
 * @example
 * const r = talqCommandRequest({ lighting, gateway, lamp: { device: 'd-1', functionId: 'lampActuator1' }, level: 0.3,
 *   cmsRefId: 'urn:ngsi-ld:Streetlight:eclor:d-1', now: new Date('2025-01-15T20:00:00Z') });
 * r.url;  // 'http://gw/devices/d-1/lampActuator1/targetLightCommand?clientAddress=…&talqRequestId=…'
 * r.body.value.state; // { name: 'LevelState', value: 30 }
 */
export function talqCommandRequest(o: {
  lighting: Pick<LightingConfig, 'cmsAddress' | 'talqApiVersion' | 'commands'>;
  gateway: GatewayConfig;
  lamp: LampAddress;
  level: number;
  cmsRefId: string;
  now: Date;
  requestId?: string;
}): TalqCommandRequest {
  const percent = levelPercent(o.level);
  if (percent === undefined) throw new RangeError(`level ${o.level} is not in 0..1`);
  const { rampSeconds, overrideMinutes } = o.lighting.commands;
  const query = new URLSearchParams({ clientAddress: o.lighting.cmsAddress, talqRequestId: o.requestId ?? randomUUID() });
  const path = `/devices/${encodeURIComponent(o.lamp.device)}/${encodeURIComponent(o.lamp.functionId)}/targetLightCommand`;
  return {
    url: `${o.gateway.url}${path}?${query.toString()}`,
    headers: { 'content-type': 'application/json', accept: 'application/json', 'talq-api-version': o.lighting.talqApiVersion, ...o.gateway.headers },
    body: {
      type: 'AttributeCommand',
      timestamp: o.now.toISOString(),
      value: {
        state: { name: 'LevelState', value: percent },
        reason: 'override',
        cmsRefId: o.cmsRefId,
        ...(rampSeconds !== undefined ? { rampToLevelTime: rampSeconds } : {}),
        ...(overrideMinutes !== undefined ? { expiration: new Date(o.now.getTime() + overrideMinutes * 60000).toISOString() } : {}),
      },
    },
  };
}
