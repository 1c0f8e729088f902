/**
 * The part of Node-RED's node API our nodes use (Node-RED ships no TypeScript types), and the
 * `eclor` object of the runtime settings that tells them where the platform is.
 */
import type http from 'node:http';

/** `RED.settings.eclor` (and `global.get('eclor')` in function nodes). */
export interface EclorSettings {
  /** This process's NGSI-LD broker, e.g. `http://127.0.0.1:1026`. */
  brokerUrl: string;
  /** Base URL at which a broker reaches this process (NOTIFY_BASE_URL), e.g. `http://eclor:1026`. */
  notifyBaseUrl: string;
  /** Where RED.httpNode routes are reached from a broker: notifyBaseUrl + httpNodeRoot. */
  httpNodeUrl: string;
  /** The external broker the platform's feeds write to (BROKER_URL), if any. */
  platformBroker?: { url: string; flavour: 'standard' | 'orion-ld' };
  /** The territory: its name (entity ids) and, if the territory file gives one, its location [lon, lat]. */
  territory: { name: string; location?: [number, number] };
  /** Backoff of `ngsi-ld in` while its subscription cannot be created (default 1 s doubling to 60 s). */
  subscribeRetry?: { firstMs: number; maxMs: number };
}

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  topic?: string;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

/** A node instance (`this` in a node constructor). */
export interface RedNode {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  on(event: 'input', listener: (msg: NodeMessage, send: (msg: NodeMessage | Array<NodeMessage | null>) => void, done: (err?: Error) => void) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | Array<NodeMessage | null>): void;
  status(status: NodeStatus): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(msg: unknown): void;
  log(msg: unknown): void;
}

/** What Express hands a route handler (Node-RED's Express 4). */
export interface HttpRequest extends http.IncomingMessage {
  params: Record<string, string>;
  body?: unknown;
}
export type RouteHandler = (req: HttpRequest, res: http.ServerResponse) => void;

/** The `RED` object a node module's function receives. */
export interface NodeAPI {
  nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, constructor: (this: never, config: never) => void, opts?: object): void;
    getNode(id: string): unknown;
  };
  httpNode: { post(path: string, handler: RouteHandler): unknown };
  settings: { eclor?: EclorSettings; httpNodeRoot?: string | false };
  util: { cloneMessage<T extends NodeMessage>(msg: T): T };
}
