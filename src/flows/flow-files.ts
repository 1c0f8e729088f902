/**
 * The flows as files: FLOWS_DIR holds one JSON file per tab (a Node-RED export: an array of nodes,
 * the tab and everything on it). Reading concatenates the files in name order (the editor shows the
 * tabs in that order); saving writes each tab back to the file it came from, a new tab to a new file
 * named after its label, and deletes the file of a tab deleted in the editor. Unchanged files are not
 * rewritten, so a deploy only touches the tabs that changed.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A node of a Node-RED flow (tabs, subflows and config nodes included). */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  label?: string;
  name?: string;
  [key: string]: unknown;
}

/** node id → the file (name in FLOWS_DIR) it belongs to. */
export type Origins = Map<string, string>;

/** Global config nodes that no single file uses go here. */
export const GLOBAL_FILE = 'global.json';

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Reads every `*.json` of `dir` (missing dir: no flows). A file that is not a JSON array of nodes is
 * skipped with an error (and never written over); a node id seen in an earlier file is skipped with
 * a warning.
 * @example
 * const { flows, origins } = readFlowFiles('./node-red-flows', log);
 */
export function readFlowFiles(dir: string, log: Log): { flows: FlowNode[]; origins: Origins } {
  const flows: FlowNode[] = [];
  const origins: Origins = new Map();
  if (!fs.existsSync(dir)) return { flows, origins };
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
  for (const file of files) {
    let nodes: unknown;
    try {
      nodes = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      log.error({ file, err: (err as Error).message }, 'flow file is not valid JSON: skipped');
      continue;
    }
    if (!Array.isArray(nodes) || !nodes.every((n) => n && typeof n === 'object' && typeof n.id === 'string' && typeof n.type === 'string')) {
      log.error({ file }, 'flow file is not an array of Node-RED nodes (objects with id and type): skipped');
      continue;
    }
    for (const n of nodes as FlowNode[]) {
      if (origins.has(n.id)) {
        log.warn({ file, id: n.id, first: origins.get(n.id) }, 'node id already loaded from another flow file: skipped');
        continue;
      }
      origins.set(n.id, file);
      flows.push(n);
    }
  }
  return { flows, origins };
}

/** 'Éclairage & trafic' → 'eclairage-trafic'. */
export function slug(label: string): string {
  const s = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'flow';
}

function uniqueFile(base: string, taken: Set<string>): string {
  for (let i = 1; i <= taken.size + 1; i++) {
    const name = i === 1 ? `${base}.json` : `${base}-${i}.json`;
    if (!taken.has(name)) return name;
  }
  return `${base}-${taken.size + 2}.json`;
}

/** Whether a node refers to `id` in one of its top-level properties (how nodes use config nodes). */
function refersTo(n: FlowNode, id: string): boolean {
  return Object.entries(n).some(([k, v]) => k !== 'id' && (v === id || (Array.isArray(v) && v.includes(id))));
}

/**
 * Which file each node goes to. Tabs and subflows keep their file (new ones: `<label slug>.json`),
 * nodes follow their tab or subflow (`z`), global config nodes keep their file, or go to the one file
 * whose nodes use them, else to global.json.
 * @example
 * const plan = planFlowFiles(flows, origins); // Map { 'street-lighting.json' => [tab, …] }
 */
export function planFlowFiles(flows: FlowNode[], origins: Origins): Map<string, FlowNode[]> {
  const taken = new Set(origins.values());
  const containerFile = new Map<string, string>();
  for (const n of flows) {
    if (n.type !== 'tab' && n.type !== 'subflow') continue;
    const kept = origins.get(n.id);
    const file = kept ?? uniqueFile(slug(String(n.label ?? n.name ?? n.id)), taken);
    taken.add(file);
    containerFile.set(n.id, file);
  }
  const fileOf = new Map<string, string>();
  const homeless: FlowNode[] = [];
  for (const n of flows) {
    const file = containerFile.get(n.id) ?? (n.z ? containerFile.get(n.z) : undefined) ?? origins.get(n.id);
    if (file) fileOf.set(n.id, file);
    else homeless.push(n);
  }
  for (const n of homeless) {
    const users = new Set(flows.filter((u) => fileOf.has(u.id) && refersTo(u, n.id)).map((u) => fileOf.get(u.id)!));
    fileOf.set(n.id, users.size === 1 ? [...users][0] : GLOBAL_FILE);
  }
  const plan = new Map<string, FlowNode[]>();
  for (const n of flows) {
    const file = fileOf.get(n.id)!;
    const list = plan.get(file);
    if (list) list.push(n);
    else plan.set(file, [n]);
  }
  return plan;
}

/**
 * Writes the plan into `dir` (created if missing): changed files through a temporary file and a
 * rename, `stale` files (known before, absent from the plan) deleted. Returns the new origins.
 * @example
 * origins = writeFlowFiles(dir, planFlowFiles(flows, origins), new Set(origins.values()));
 */
export function writeFlowFiles(dir: string, plan: Map<string, FlowNode[]>, stale: Set<string>): Origins {
  fs.mkdirSync(dir, { recursive: true });
  const origins: Origins = new Map();
  for (const [file, nodes] of plan) {
    const target = path.join(dir, file);
    const text = JSON.stringify(nodes, null, 2) + '\n';
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) {
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, target);
    }
    for (const n of nodes) origins.set(n.id, file);
  }
  for (const file of stale) if (!plan.has(file)) fs.rmSync(path.join(dir, file), { force: true });
  return origins;
}
