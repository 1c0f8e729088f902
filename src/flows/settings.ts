/**
 * The settings given to the embedded Node-RED (what its settings.js would hold): paths, storage,
 * nodes, editor login, logging into pino, and the `eclor` object our nodes (RED.settings.eclor) and
 * function nodes (global.get('eclor')) read the platform's addresses from.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import suncalc from 'suncalc';
import type { Config } from '../config';
import { readTerritoryFile } from '../territory-file';
import { adminAuth } from './admin-auth';
import { createLogBridge, nodeRedLevel } from './log-bridge';
import type { EclorSettings } from './nodes/lib/red';
import type { NodeRedStorage } from './storage';

/** Editor and admin API. */
export const ADMIN_ROOT = '/node-red';
/** Routes of the flows' HTTP nodes (`http in`, the `ngsi-ld in` notification endpoints). */
export const NODE_ROOT = '/node-red/api';

export interface SettingsInput {
  config: Config;
  log: Logger;
  /** The port the server listens on (config.port may be 0). */
  port: number;
  /** This process over loopback, e.g. http://127.0.0.1:1026 (default: 127.0.0.1 and the port). */
  localUrl?: string;
  userDir: string;
  nodesDir: string;
  storage: NodeRedStorage;
  credentialSecret: string;
}

/** Name and location of the territory file (`{ "territory": "…", "location": [lon, lat], … }`). */
function territoryOf(file: string | undefined): EclorSettings['territory'] {
  if (!file || !fs.existsSync(file)) return { name: 'eclor' };
  const doc = readTerritoryFile(file) as { territory?: unknown; location?: unknown };
  const loc = doc.location;
  const location = Array.isArray(loc) && loc.length === 2 && loc.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (loc as [number, number]) : undefined;
  return { name: typeof doc.territory === 'string' ? doc.territory : 'eclor', location };
}

/** The `eclor` object: the platform's addresses, the territory, and the rules' clock. */
export interface EclorGlobal extends EclorSettings {
  /** The rules' clock: the real time shifted by CLOCK (tests and demos); rules use it instead of Date.now(). */
  now(): Date;
}

/**
 * The `eclor` settings object for this process reached at `localUrl`.
 * @example
 * eclorSettings(loadConfig(), 'http://127.0.0.1:1026').httpNodeUrl; // 'http://127.0.0.1:1026/node-red/api'
 * eclorSettings(loadConfig({ CLOCK: '+1h' }), url).now(); // one hour from now
 */
export function eclorSettings(config: Config, localUrl: string): EclorGlobal {
  const notifyBaseUrl = config.notifyBaseUrl ?? localUrl;
  const offset = config.clockOffsetMs ?? 0;
  return {
    now: () => new Date(Date.now() + offset),
    brokerUrl: localUrl,
    notifyBaseUrl,
    httpNodeUrl: notifyBaseUrl + NODE_ROOT,
    platformBroker: config.brokerUrl ? { url: config.brokerUrl, flavour: config.brokerFlavour } : undefined,
    territory: territoryOf(config.territoryFile),
  };
}

/**
 * Node-RED's settings.
 * @example
 * RED.init(server, nodeRedSettings({ config, log, port, userDir, nodesDir, storage, credentialSecret }));
 */
export function nodeRedSettings(i: SettingsInput): Record<string, unknown> {
  const eclor = eclorSettings(i.config, i.localUrl ?? `http://127.0.0.1:${i.port}`);
  return {
    uiPort: i.port,
    httpAdminRoot: ADMIN_ROOT,
    httpNodeRoot: NODE_ROOT,
    userDir: i.userDir,
    // only names the credentials file (userDir/flows_cred.json): the flows are in FLOWS_DIR
    flowFile: 'flows.json',
    storageModule: i.storage,
    nodesDir: [i.nodesDir],
    credentialSecret: i.credentialSecret,
    adminAuth: adminAuth(i.config.nodeRedUser, i.config.nodeRedPassword),
    logging: { eclor: { level: nodeRedLevel(i.log.level), metrics: false, audit: false, handler: () => createLogBridge(i.log) } },
    eclor,
    functionGlobalContext: { eclor, suncalc },
    // context kept in DATA_DIR/node-red/context, written as soon as it changes (flushInterval 0: the
    // default 30 s let a kill -9 lose a rule's memory of what it had just done, a leak's lamp holds, an
    // energy run, a full car park), so a rule's memory survives a restart; 'memory' on demand
    contextStorage: { default: 'file', file: { module: 'localfilesystem', config: { flushInterval: 0 } }, memory: { module: 'memory' } },
    // no calls home: the platform must run without network
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: {
      page: { title: 'ECLOR · Node-RED' },
      header: { title: 'ECLOR · Node-RED' },
      projects: { enabled: false },
      tours: false,
    },
  };
}
