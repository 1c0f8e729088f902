/**
 * Street-lighting adapters (see README.md):
 * - `talqLogReportAdapter`: the TALQ 2.7 CMS endpoint `POST …/log-reports` a TALQ gateway sends its
 *   logged attributes and events to → Streetlight / StreetlightControlCabinet entities.
 * - `talqGroupsAdapter`: a TALQ group list (as the CMS API `GET /groups` returns it) → StreetlightGroup
 *   entities; deliberately outside the gateway's `cmsUri` tree, where `/groups` is a TALQ CMS resource.
 */
import type { Adapter } from '../../src/ingest/types';
import { decodeGroups, decodeLogReport } from './talq/decode';
import { talqErrorBody } from './talq/error-body';
import { foldTalqPart } from './talq/fold-part';
import { reportedAt } from './talq/report-marker';
import { translateGroups, translateLogReport } from './talq/translate';

/**
 * TALQ log reports in, merged Streetlight / StreetlightControlCabinet entities out; answers 201 as the
 * TALQ CMS API requires.
 *
 * @example
 * const t = talqLogReportAdapter.handle({
 *   body: JSON.stringify({ address: 'logger-1', entries: [{ data: { type: 'AttributeLogData',
 *     srcAddress: '3f6b1c2e-0a4d-4c1e-9a53-1d2c3b4a5f60/lampMonitor1', timestamp: '2025-01-15T05:00:00Z',
 *     attributeName: 'activePower', attributeValue: { type: 'AttributeFloat', value: 42.5 } } }] }),
 *   query: { clientAddress: '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40', talqRequestId: '0d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5' },
 *   headers: { 'talq-api-version': '2.7.1' },
 *   receivedAt: '2025-01-15T05:00:03Z',
 * }, { territory: 'eclor', devices: { get: () => undefined } });
 * // t.entities[0]: { id: 'urn:ngsi-ld:Streetlight:eclor:3f6b1c2e-…', type: 'Streetlight',
 * //   powerConsumption: { type: 'Property', value: 42.5, unitCode: 'WTT', observedAt: '2025-01-15T05:00:00.000Z' } }
 */
export const talqLogReportAdapter: Adapter = {
  name: 'lighting/talq',
  path: '/ingest/lighting/talq/log-reports',
  contentTypes: ['application/json'],
  successStatus: 201,
  // registry places and default conditions (a lamp `ok`, a cabinet `automatic`) are fallbacks (talq/translate.ts)
  fallbacks: true,
  errorBody: talqErrorBody,
  // a gateway names every request anew (a retry too): the same report refused again is one dead letter
  requestIds: ['talqRequestId', 'talqOriginRequestId'],
  // a device refused again keeps one dead letter holding both reports' latest entries
  foldPart: foldTalqPart,
  // a late report (a gateway sending buffered logs after newer ones) does not put a lamp back to an
  // older state; the level is compared with the lamp's last report, not with a flow's target
  ordered: true,
  reportedAt,
  handle(message, env) {
    return translateLogReport(decodeLogReport(message), env, message.receivedAt).translation;
  },
};

/**
 * A TALQ group list (JSON array of TALQ `Group`) in, StreetlightGroup entities out.
 *
 * @example
 * talqGroupsAdapter.handle({ body: '[{"address":"zone-nord","ownerCMS":"cms","members":[{"resource":"devices","address":"d-1"}]}]',
 *   query: {}, headers: {}, receivedAt: '2025-01-15T05:00:00Z' }, env).entities[0].id;
 * // 'urn:ngsi-ld:StreetlightGroup:eclor:zone-nord'
 */
export const talqGroupsAdapter: Adapter = {
  name: 'lighting/talq-groups',
  path: '/ingest/lighting/talq-groups',
  contentTypes: ['application/json'],
  handle(message, env) {
    return translateGroups(decodeGroups(message.body), env);
  },
};
