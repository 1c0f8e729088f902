/** Implements ETSI GS CIM 009 v1.8 clause 5.8.4 Query Subscriptions (HTTP binding 6.10.3.2: GET /subscriptions). */
import { API_BASE } from '../api-base';
import { paging } from '../params';
import type { Operation } from '../request';
import { pageLinks } from './run-query';
import { subscriptionJson } from './retrieve-subscription';

export const querySubscriptions: Operation = async (broker, req) => {
  const page = paging(req.params);
  broker.tenants.forRead(req.tenant);
  await broker.subscriptions.ready;
  const all = broker.subscriptions.list(req.tenant);
  const rows = all.slice(page.offset, page.offset + page.limit);
  const headers: Record<string, string> = {};
  if (page.count) headers['ngsild-results-count'] = String(all.length);
  const links = pageLinks(`${API_BASE}/subscriptions`, req.params, page.limit, page.offset, page.offset + page.limit < all.length);
  if (links) headers.link = links;
  return { status: 200, json: `[${rows.map((s) => subscriptionJson(broker, s, req)).join(',')}]`, headers };
};
