/**
 * Refusals in TALQ's own shape: the TALQ CMS API answers 400 and 422 with an array of
 * TALQErrorMessage (`{ key, description }`, TALQ data model 2.7.1), which a gateway reads; the
 * runtime's ProblemDetails becomes that array. Decode errors already start with their TALQ key
 * (`payloadError: …`, `headerMissing: …`); other refusals get the key their status means. The
 * description names ECLOR's dead letter, where the integrator finds the message.
 */
import type { IngestProblem } from '../../../src/ingest/types';

/** A TALQ Error Message. */
export interface TalqErrorMessage {
  key: string;
  description: string;
}

const KEYED = /^(headerMissing|headerValueNotValid|parameterMissing|parameterValueNotValid|payloadError|resourceNotFound|resourceConflict):\s*/;

/**
 * The TALQ key of a refusal without one: a conflict (a late report), a header (the media type), our
 * own failure (5xx: the broker unreachable, `genericError`, so that the gateway sends it again), else
 * the payload.
 */
const keyOf = (status: number): string =>
  status === 409 ? 'resourceConflict' : status === 415 ? 'headerValueNotValid' : status >= 500 ? 'genericError' : 'payloadError';

const kept = (deadLetter: number | undefined) => (deadLetter === undefined ? '' : ` (ECLOR dead letter ${deadLetter})`);

/**
 * @example
 * talqErrorBody({ type, title: 'Message rejected at the decode stage', status: 400, detail: 'headerMissing: header talq-api-version is required', deadLetter: 7 });
 * // [{ key: 'headerMissing', description: 'header talq-api-version is required (ECLOR dead letter 7)' }]
 */
export function talqErrorBody(p: IngestProblem): TalqErrorMessage[] {
  if (p.rejected?.length) {
    return p.rejected.map((r) => ({ key: keyOf(r.outOfOrder ? 409 : p.status), description: `${r.entityId ? `${r.entityId}: ` : ''}${r.at ? `${r.at} ` : ''}${r.reason}${kept(r.deadLetter)}` }));
  }
  const m = KEYED.exec(p.detail);
  return [{ key: m ? m[1] : keyOf(p.status), description: `${m ? p.detail.slice(m[0].length) : p.detail}${kept(p.deadLetter)}` }];
}
