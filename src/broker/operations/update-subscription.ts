/**
 * Implements ETSI GS CIM 009 v1.8 clause 5.8.2 Update Subscription (HTTP binding 6.11.3.2:
 * PATCH /subscriptions/{subscriptionId}): the fragment's members replace the subscription's. Names in
 * the fragment are read with the request's @context and stored as terms of the subscription's own.
 */
import type { Operation } from '../request';
import { remapFragment } from '../subscriptions/compile';
import { parseMembers, patchSubscription } from '../subscriptions/parse-subscription';
import { addressedSubscription } from './retrieve-subscription';

export const updateSubscription: Operation = async (broker, req) => {
  const s = await addressedSubscription(broker, req);
  const now = broker.now();
  let fragment = parseMembers(req.body, now);
  if (req.ctx.key !== s.ctx.key) fragment = remapFragment(fragment, req.ctx, s.ctx);
  await broker.subscriptions.replace(req.tenant, patchSubscription(s.doc, fragment, now));
  return { status: 204 };
};
