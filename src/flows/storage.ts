/**
 * Node-RED's storage module: the flows come from and go back to FLOWS_DIR, one file per tab
 * (flow-files.ts); credentials (flows_cred.json, encrypted), runtime settings, editor sessions and the
 * library stay in Node-RED's user dir (DATA_DIR/node-red), handled by Node-RED's own
 * `localfilesystem` module.
 */
import { planFlowFiles, readFlowFiles, writeFlowFiles, type FlowNode, type Origins } from './flow-files';

type Fn = (...args: never[]) => Promise<unknown>;

/** Node-RED's storage module API (what `settings.storageModule` must provide). */
export interface NodeRedStorage {
  init(settings: Record<string, unknown>, runtime: unknown): Promise<unknown>;
  getFlows(): Promise<FlowNode[]>;
  saveFlows(flows: FlowNode[], user?: unknown): Promise<void>;
  getCredentials: Fn;
  saveCredentials: Fn;
  getSettings: Fn;
  saveSettings: Fn;
  getSessions: Fn;
  saveSessions: Fn;
  getLibraryEntry: Fn;
  saveLibraryEntry: Fn;
}

export interface FlowsStorageOptions {
  /** FLOWS_DIR. */
  dir: string;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Everything but the flows (default: Node-RED's localfilesystem, which uses settings.userDir). */
  local?: Omit<NodeRedStorage, 'getFlows' | 'saveFlows'>;
}

function localFileSystem(): Omit<NodeRedStorage, 'getFlows' | 'saveFlows'> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@node-red/runtime/lib/storage/localfilesystem');
}

/**
 * The storage module given to Node-RED as `settings.storageModule`.
 * @example
 * settings.storageModule = createFlowsStorage({ dir: config.flowsDir, log });
 */
export function createFlowsStorage(opts: FlowsStorageOptions): NodeRedStorage {
  const local = opts.local ?? localFileSystem();
  let origins: Origins = new Map();
  return {
    init: (settings, runtime) => local.init(settings, runtime),
    async getFlows() {
      const read = readFlowFiles(opts.dir, opts.log);
      origins = read.origins;
      opts.log.info({ dir: opts.dir, files: new Set(origins.values()).size, nodes: read.flows.length }, 'flows loaded');
      return read.flows;
    },
    async saveFlows(flows) {
      const plan = planFlowFiles(flows, origins);
      origins = writeFlowFiles(opts.dir, plan, new Set(origins.values()));
      opts.log.info({ dir: opts.dir, files: [...plan.keys()] }, 'flows saved');
    },
    getCredentials: local.getCredentials,
    saveCredentials: local.saveCredentials,
    getSettings: local.getSettings,
    saveSettings: local.saveSettings,
    getSessions: local.getSessions,
    saveSessions: local.saveSessions,
    getLibraryEntry: local.getLibraryEntry,
    saveLibraryEntry: local.saveLibraryEntry,
  };
}
