/**
 * Test support of the NGSI-LD nodes: node-red-node-test-helper (the real Node-RED node runtime) with
 * our real application listening on 127.0.0.1 (embedded broker with its HTTP notifier, temporary DATA_DIR). The routes the
 * nodes register on the helper's RED.httpNode are served under /node-red/api through the server's
 * `/node-red` dispatch, as in production.
 */
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import helper from 'node-red-node-test-helper';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createBroker } from '../../../broker/create-broker';
import { createNotifier } from '../../../broker/subscriptions/notifier/create-notifier';
import { createNgsiLdClient, type NgsiLdClient } from '../../../client';
import { createApp } from '../../../http/server';
import { createContextResolver } from '../../../ngsi-ld/context';
import { projectRoot } from '../../../project-root';
import { NODE_ROOT } from '../../settings';
import type { EclorSettings, NodeAPI } from './red';

export type NodeModule = (RED: NodeAPI) => void;
export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface NodeTestEnv {
  /** http://127.0.0.1:<port> */
  url: string;
  app: FastifyInstance;
  /** A client of the embedded broker, to arrange and check data. */
  client: NgsiLdClient;
  /** Loads node modules and a flow into the helper's runtime. */
  load(modules: NodeModule[], flow: FlowNode[]): Promise<void>;
  unload(): Promise<void>;
  close(): Promise<void>;
}

/** Our app on 127.0.0.1:0 and the helper, with RED.settings.eclor pointing at it. */
export async function nodeTestEnv(eclor: Partial<EclorSettings> = {}): Promise<NodeTestEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-nodes-'));
  const contexts = createContextResolver({ fetchTimeoutMs: 2000 });
  const notifier = createNotifier({ retries: 1, backoffMs: 50, timeoutMs: 2000 });
  const broker = createBroker({ dataDir, contexts, notifier });
  let httpNode: http.RequestListener | undefined;
  const nodeRed: http.RequestListener = (req, res) => {
    if (!httpNode || !req.url?.startsWith(NODE_ROOT + '/')) {
      res.writeHead(404).end();
      return;
    }
    req.url = req.url.slice(NODE_ROOT.length);
    httpNode(req, res);
  };
  const app = await createApp({ broker, contexts, maxBody: 2 * 1024 * 1024, log: pino({ level: 'silent' }), root: projectRoot(), nodeRed });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const client = createNgsiLdClient({ baseUrl: url, retries: 0 });
  const settings: EclorSettings = { brokerUrl: url, notifyBaseUrl: url, httpNodeUrl: url + NODE_ROOT, territory: { name: 'test' }, ...eclor };
  helper.settings({ httpNodeRoot: NODE_ROOT, eclor: settings });
  let loaded = false;
  const unload = async () => {
    if (loaded) await helper.unload();
    loaded = false;
  };
  return {
    url,
    app,
    client,
    async load(modules, flow) {
      const capture = (m: NodeModule) => (RED: NodeAPI) => {
        httpNode = RED.httpNode as unknown as http.RequestListener;
        return m(RED);
      };
      await unload();
      loaded = true;
      await helper.load(modules.map(capture), flow);
    },
    unload,
    async close() {
      await unload();
      client.close();
      await app.close();
      broker.close();
      await notifier.close(500);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The next `n` messages a (helper) node receives, or a rejection after `ms`. */
export function nextMessages<T = Record<string, unknown>>(node: EventEmitter | null, n: number, ms = 5000): Promise<T[]> {
  if (!node) throw new Error('no such node');
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const timer = setTimeout(() => {
      node.off('input', on);
      reject(new Error(`got ${got.length} of ${n} messages in ${ms} ms`));
    }, ms);
    const on = (msg: T) => {
      got.push(msg);
      if (got.length < n) return;
      clearTimeout(timer);
      node.off('input', on);
      resolve(got);
    };
    node.on('input', on);
  });
}

type ErrorCall = { args: [unknown, Record<string, unknown> | undefined] };

/** The next error a node reports (`node.error(err, msg)`, `done(err)`) whose text matches: [error, msg]. */
export function nextError(node: EventEmitter | null, match = /./, ms = 5000): Promise<[unknown, Record<string, unknown> | undefined]> {
  if (!node) throw new Error('no such node');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.off('call:error', on);
      reject(new Error(`no error matching ${match} in ${ms} ms`));
    }, ms);
    const on = (call: ErrorCall) => {
      if (!match.test(String(call.args[0]))) return;
      clearTimeout(timer);
      node.off('call:error', on);
      resolve(call.args);
    };
    node.on('call:error', on);
  });
}

/** The statuses a node shows, as they come. */
export function statuses(node: EventEmitter | null): Array<{ fill?: string; text?: string }> {
  const seen: Array<{ fill?: string; text?: string }> = [];
  node?.on('call:status', (call: { args: [{ fill?: string; text?: string }] }) => seen.push(call.args[0]));
  return seen;
}

/** Polls `check` every 20 ms until it returns true, at most `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`condition not met in ${ms} ms`);
}
