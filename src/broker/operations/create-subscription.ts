/** Implements ETSI GS CIM 009 v1.8 clause 5.8.1 Create Subscription (HTTP binding 6.10.3.1: POST /subscriptions). */
import { API_BASE } from '../api-base';
import type { Operation } from '../request';
import { newSubscriptionId } from '../subscriptions/engine';
import { newSubscription } from '../subscriptions/parse-subscription';

export const createSubscription: Operation = async (broker, req) => {
  // the request's @context is stored with the subscription: it reads its terms and compacts its notifications
  const doc = newSubscription(req.body, { now: broker.now(), context: req.responseContext, newId: newSubscriptionId });
  await broker.subscriptions.create(req.tenant, doc, req.ctx);
  return { status: 201, headers: { location: `${API_BASE}/subscriptions/${encodeURIComponent(doc.id)}` } };
};
