/**
 * The outcome of a lighting command as it is recorded on the entity (pure): a Property
 * `lightCommand` whose value is the state and whose sub-Properties say what was asked and why.
 * Every sub-Property is always written, so a merge never leaves a stale `reason` behind.
 *
 * `lightCommand` is not watched by the lighting subscription: recording it triggers no command.
 */
import type { Entity } from '../../../src/ngsi-ld/types';

export type OutcomeState = 'pending' | 'acknowledged' | 'failed';

export interface Outcome {
  state: OutcomeState;
  /** The requested level, NGSI-LD fraction 0..1 (0 when the request was not a valid level). */
  targetLevel: number;
  attempts: number;
  reason: string;
}

/**
 * The merge fragment that records an outcome.
 * @example
 * outcomeFragment({ id: lampId, type: 'Streetlight' }, { state: 'acknowledged', targetLevel: 0.3, attempts: 1, reason: 'HTTP 200' }, '2025-01-15T20:00:01.000Z');
 * // { id, type, lightCommand: { type: 'Property', value: 'acknowledged', observedAt: '…', targetLevel: { type: 'Property', value: 0.3 }, … } }
 */
export function outcomeFragment(entity: { id: string; type: string }, o: Outcome, observedAt: string): Entity {
  const sub = (value: unknown) => ({ type: 'Property', value });
  return {
    id: entity.id,
    type: entity.type,
    lightCommand: { type: 'Property', value: o.state, observedAt, targetLevel: sub(o.targetLevel), attempts: sub(o.attempts), reason: sub(o.reason) },
  };
}
