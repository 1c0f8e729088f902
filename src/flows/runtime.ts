/**
 * The embedded Node-RED: editor and admin API at /node-red, the flows' HTTP nodes under
 * /node-red/api, user dir DATA_DIR/node-red, flows from FLOWS_DIR (one file per tab), our NGSI-LD
 * nodes from ./nodes. Node-RED's apps are mounted on an Express 4 app (see node-red-deps.ts) that the
 * server's dispatcher hands every `/node-red` request. Node-RED keeps module-level state: one
 * embedded runtime per process, not restartable after stop().
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { credentialSecret } from './credential-secret';
import { express4 } from './node-red-deps';
import { nodesDir } from './nodes-dir';
import { ADMIN_ROOT, NODE_ROOT, nodeRedSettings } from './settings';
import { createFlowsStorage } from './storage';

export interface NodeRedOptions {
  config: Config;
  log: Logger;
}

export interface NodeRedHandle {
  /** The request listener of `/node-red` paths (503 until started, or if the start failed). */
  readonly handle: http.RequestListener;
  /** Starts Node-RED on the listening server; a failure is logged, the platform runs on without flows. */
  start(o: { server: http.Server; port: number; localUrl?: string }): Promise<void>;
  /** Stops the flows (nodes close: subscriptions deleted) and the editor's websocket. */
  stop(): Promise<void>;
}

/** DATA_DIR/node-red, or a temporary folder when DATA_DIR is ':memory:'. */
function userDirOf(config: Config): string {
  const dir = config.dataDir === ':memory:' ? fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-node-red-')) : path.join(config.dataDir, 'node-red');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Creates the embedded Node-RED (not started).
 * @example
 * const nodeRed = createNodeRed({ config, log });
 * const app = await createApp({ …, nodeRed: nodeRed.handle });
 * await app.listen({ port: 1026 });
 * await nodeRed.start({ server: app.server, port: 1026 });
 * // at shutdown, before closing the server (nodes delete their subscriptions over HTTP):
 * await nodeRed.stop();
 */
export function createNodeRed(opts: NodeRedOptions): NodeRedHandle {
  const log = opts.log.child({ module: 'node-red' });
  const mount = express4();
  mount.disable('x-powered-by');
  let state: 'idle' | 'starting' | 'running' | 'failed' | 'stopped' = 'idle';
  let red: typeof import('node-red') | undefined;
  const memory = opts.config.dataDir === ':memory:';
  let userDir: string | undefined;

  const handle: http.RequestListener = (req, res) => {
    if (state === 'running') return mount(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
    res.end(JSON.stringify({ title: 'Node-RED unavailable', detail: `Node-RED is ${state === 'failed' ? 'not running (see the log)' : state}` }));
  };

  return {
    handle,
    async start({ server, port, localUrl }) {
      if (state !== 'idle') throw new Error(`Node-RED already ${state}: one embedded runtime per process`);
      state = 'starting';
      try {
        userDir = userDirOf(opts.config);
        const settings = nodeRedSettings({
          config: opts.config,
          log,
          port,
          localUrl,
          userDir,
          nodesDir: nodesDir(path.join(userDir, '.eclor-nodes')),
          storage: createFlowsStorage({ dir: opts.config.flowsDir, log }),
          credentialSecret: credentialSecret(opts.config.nodeRedCredentialSecret, userDir),
        });
        red = await import('node-red');
        red.init(server, settings);
        mount.use(NODE_ROOT, red.httpNode);
        mount.use(ADMIN_ROOT, red.httpAdmin);
        await red.start();
        state = 'running';
        if (!settings.adminAuth) log.warn('the Node-RED editor at /node-red is open to anyone who reaches this port: set NODE_RED_USER and NODE_RED_PASSWORD');
        log.info({ flowsDir: opts.config.flowsDir, userDir }, `Node-RED editor at ${ADMIN_ROOT}, HTTP nodes under ${NODE_ROOT}`);
      } catch (err) {
        state = 'failed';
        log.error({ err }, 'Node-RED did not start: the platform runs without flows');
      }
    },
    async stop() {
      const running = state === 'running';
      state = 'stopped';
      if (running && red) await red.stop();
      if (memory && userDir) fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}
