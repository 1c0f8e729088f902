/** Implements ETSI GS CIM 009 v1.8 clause 5.8.5 Delete Subscription (HTTP binding 6.11.3.3: DELETE /subscriptions/{subscriptionId}). */
import type { Operation } from '../request';
import { addressedSubscription } from './retrieve-subscription';

export const deleteSubscription: Operation = async (broker, req) => {
  const s = await addressedSubscription(broker, req);
  broker.subscriptions.delete(req.tenant, s.doc.id);
  return { status: 204 };
};
