/**
 * Node-RED's log messages into our pino logger (a Node-RED `logging` handler): same levels, the node's
 * type/id/name as fields; the start banner's decoration dropped and its "Unsupported version of
 * Node.js" box (Node-RED 5 asks for Node.js ≥ 22.9) reduced to one warn line.
 */
import type { Logger } from 'pino';

/** What Node-RED hands a log handler. */
export interface NodeRedLogMessage {
  level: number;
  msg?: unknown;
  type?: string;
  id?: string;
  name?: string;
  z?: string;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVELS: Record<number, Level> = { 10: 'fatal', 20: 'error', 30: 'warn', 40: 'info', 50: 'debug', 60: 'trace' };
const NAMES = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/**
 * Node-RED's level name for a pino level ('silent' → 'off').
 * @example
 * nodeRedLevel('debug'); // 'debug'
 */
export function nodeRedLevel(pinoLevel: string): string {
  if (pinoLevel === 'silent') return 'off';
  return NAMES.has(pinoLevel) ? pinoLevel : 'info';
}

function text(msg: unknown): string {
  if (msg instanceof Error) return msg.message;
  if (typeof msg === 'string') return msg.trim();
  try {
    return JSON.stringify(msg) ?? '';
  } catch {
    return String(msg);
  }
}

/**
 * A Node-RED log handler writing to `log`.
 * @example
 * settings.logging = { eclor: { level: 'info', metrics: false, audit: false, handler: () => createLogBridge(log) } };
 */
export function createLogBridge(log: Logger): (m: NodeRedLogMessage) => void {
  return (m) => {
    const level = LEVELS[m.level];
    if (!level) return; // audit and metric events
    const t = text(m.msg);
    if (!t || /^[*=\-\s]+$/.test(t) || t.startsWith('Welcome to Node-RED')) return;
    if (/Unsupported version of Node\.js/.test(t)) {
      log.warn({ node: process.version }, 'Node-RED 5 asks for Node.js >= 22.9; it runs on this version but Node.js 22 is advised');
      return;
    }
    const fields: Record<string, unknown> = m.type ? { node: { type: m.type, id: m.id, name: m.name || undefined, flow: m.z } } : {};
    if (m.msg instanceof Error) fields.err = m.msg;
    log[level](fields, t);
  };
}
