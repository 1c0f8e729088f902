/** Implements ETSI GS CIM 009 v1.8 clause 5.8.3 Retrieve Subscription (HTTP binding 6.11.3.1: GET /subscriptions/{subscriptionId}). */
import { ngsiError } from '../../ngsi-ld/errors';
import { subscriptionIdOf } from '../params';
import type { Broker, Operation, RequestContext } from '../request';
import { presentSubscription } from '../subscriptions/present';
import type { CompiledSubscription } from '../subscriptions/types';

/** A subscription as response JSON: compacted with the request's @context, `@context` included for ld+json. */
export function subscriptionJson(broker: Broker, s: CompiledSubscription, req: RequestContext): string {
  const body = presentSubscription(s, req.ctx, Date.parse(broker.now()));
  return JSON.stringify(req.accept === 'application/ld+json' ? { '@context': req.responseContext, ...body } : body);
}

/** The subscription addressed by the path (tenant checked); ResourceNotFound otherwise. */
export async function addressedSubscription(broker: Broker, req: RequestContext): Promise<CompiledSubscription> {
  const id = subscriptionIdOf(req);
  broker.tenants.forRead(req.tenant);
  await broker.subscriptions.ready;
  const s = broker.subscriptions.get(req.tenant, id);
  if (!s) throw ngsiError('ResourceNotFound', `Subscription ${id} not found`);
  return s;
}

export const retrieveSubscription: Operation = async (broker, req) => {
  const s = await addressedSubscription(broker, req);
  return { status: 200, json: subscriptionJson(broker, s, req) };
};
