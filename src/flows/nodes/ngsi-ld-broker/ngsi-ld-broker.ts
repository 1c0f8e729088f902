/**
 * `ngsi-ld-broker` config node: which NGSI-LD broker the other nodes talk to — this process's
 * embedded broker (RED.settings.eclor.brokerUrl), or one by URL (Orion-LD, Scorpio, Stellio, another
 * ECLOR) with its flavour — and the tenant and @context of their calls. It owns the one client (kept-
 * alive connections, retries) its users share.
 */
import { createNgsiLdClient, type Flavour } from '../../../client';
import type { BrokerNode } from '../lib/broker';
import type { NodeAPI } from '../lib/red';
import { trackClient } from '../lib/tracked-client';

export interface BrokerConfig {
  id: string;
  name?: string;
  mode?: 'embedded' | 'url';
  url?: string;
  flavour?: Flavour;
  tenant?: string;
  context?: string;
  /** Retries of a call on 5xx/429/network errors (default 2). */
  retries?: number | string;
  /** Deadline of one attempt, ms (default 5000). */
  timeoutMs?: number | string;
}

function num(v: unknown, dflt: number): number {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isFinite(n) || n < 0 ? dflt : n;
}

/** Registers the `ngsi-ld-broker` type (Node-RED calls this when it loads the node set). */
export default function register(RED: NodeAPI): void {
  function NgsiLdBrokerNode(this: BrokerNode & { describe: string }, config: BrokerConfig) {
    RED.nodes.createNode(this, config);
    const embedded = config.mode !== 'url';
    const baseUrl = embedded ? RED.settings.eclor?.brokerUrl : config.url?.trim();
    const flavour: Flavour = embedded ? 'standard' : (config.flavour ?? 'standard');
    this.context = config.context?.trim() || undefined;
    this.describe = `${embedded ? 'embedded' : flavour} ${baseUrl ?? '(no URL)'}${config.tenant ? ` tenant ${config.tenant}` : ''}`;
    if (!baseUrl || !/^https?:\/\/\S+$/.test(baseUrl)) {
      this.error(embedded ? 'no embedded broker: RED.settings.eclor.brokerUrl is not set' : `broker URL ${JSON.stringify(config.url ?? '')} is not an http(s) URL`);
      return;
    }
    const tracked = trackClient(
      createNgsiLdClient({
        baseUrl,
        flavour,
        tenant: config.tenant?.trim() || undefined,
        retries: num(config.retries, 2),
        timeoutMs: num(config.timeoutMs, 5000),
        log: { warn: (obj, msg) => this.warn(`${msg ?? ''} ${JSON.stringify(obj)}`.trim()) },
      }),
    );
    this.client = tracked.client;
    this.on('close', (_removed, done) => {
      void tracked.close().then(done, done);
    });
  }
  RED.nodes.registerType('ngsi-ld-broker', NgsiLdBrokerNode);
}
