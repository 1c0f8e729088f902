/**
 * The mappings of a directory (MAPPINGS_DIR): every *.yaml / *.yml is loaded; a broken file is
 * reported while the others keep working, and a file that was good before keeps its last good
 * version in use until it is fixed (its sensors' messages are not lost while it is being edited).
 * First come, first served: a name or an MQTT topic stays with the mapping that has it, and a file
 * added later that claims it is refused (topics that merely overlap are reported as warnings).
 * The directory is watched (debounced) so a mapping added, changed or removed takes effect without
 * a restart; `reload()` does it on demand.
 * `onReload` listeners (the MQTT source, which subscribes the mappings' topics) run after each reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Adapter } from '../../src/ingest/types';
import { mappingAdapter } from './adapter';
import { filtersOverlap } from '../../src/ingest/sources/topic-filter';
import { loadMappingFile } from './load';
import type { CompiledMapping } from './types';

/** The logger subset used (pino-compatible). */
export interface MappingLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ReloadResult {
  /** The mappings in use, by name: a broken file's last good version included (its error says `kept`). */
  loaded: string[];
  /** `kept`: the name of the mapping whose last good version stays in use for that file. */
  errors: Array<{ file: string; error: string; kept?: string }>;
  /** What loads but deserves a look (overlapping MQTT topics, contexts in an order that hides terms); only when there is some. */
  warnings?: Array<{ file: string; warning: string }>;
}

type Entry = { mapping: CompiledMapping; adapter: Adapter };
const topicOf = (m: CompiledMapping) => (m.source.kind === 'mqtt' ? m.source.topic : undefined);

/** Why `m` cannot take its place beside the mappings already placed: its name or its MQTT topic is taken. */
function clash(m: CompiledMapping, placed: Map<string, Entry>): string | undefined {
  const other = placed.get(m.name);
  if (other) return `mapping name "${m.name}" is already used by ${other.mapping.file}`;
  const topic = topicOf(m);
  const same = topic === undefined ? undefined : [...placed.values()].find((e) => topicOf(e.mapping) === topic);
  if (same) return `MQTT topic '${topic}' is already read by mapping ${same.mapping.name} (${same.mapping.file})`;
  return undefined;
}

/** Warnings of the mappings placed: their own, and MQTT topics that overlap one placed before. */
function warningsOf(placed: Entry[]): Array<{ file: string; warning: string }> {
  const out = placed.flatMap((e) => e.mapping.warnings.map((warning) => ({ file: e.mapping.file, warning })));
  placed.forEach((e, j) => {
    const topic = topicOf(e.mapping);
    for (const first of placed.slice(0, j)) {
      const before = topicOf(first.mapping);
      if (topic === undefined || before === undefined || !filtersOverlap(topic, before)) continue;
      out.push({ file: e.mapping.file, warning: `MQTT topic '${topic}' overlaps '${before}' of mapping ${first.mapping.name} (${first.mapping.file}): the messages of topics both match go to ${first.mapping.name} only (it was there first)` });
    }
  });
  return out;
}

export interface MappingRegistry {
  list(): CompiledMapping[];
  /** What the last reload loaded and refused (GET /ingest/mappings). */
  status(): ReloadResult;
  /** The adapter of a mapping by name (mounted at /ingest/mapping/<name>). */
  get(name: string): Adapter | undefined;
  adapters(): Adapter[];
  reload(): ReloadResult;
  /** Calls `listener` after every reload (watch or reload()); returns a function that removes it. */
  onReload(listener: (result: ReloadResult) => void): () => void;
  close(): void;
}

export interface MappingRegistryOptions {
  /** Watch the directory (default true). */
  watch?: boolean;
  debounceMs?: number;
  /** While the directory is missing, how often to look for it again (default 2000 ms). */
  retryMs?: number;
}

const isMappingFile = (f: string) => /\.ya?ml$/i.test(f) && !f.startsWith('.');

/**
 * @example
 * const mappings = createMappingRegistry(process.env.MAPPINGS_DIR ?? 'mappings', log);
 * mappings.get('waste-bin')?.handle(message, env);
 */
export function createMappingRegistry(dir: string, log: MappingLog, opts: MappingRegistryOptions = {}): MappingRegistry {
  let current = new Map<string, Entry>();
  let last: ReloadResult = { loaded: [], errors: [] };
  /** The directory could not be read at the last reload. */
  let missing = false;
  let watcher: fs.FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<(result: ReloadResult) => void>();

  function reload(): ReloadResult {
    const result: ReloadResult = { loaded: [], errors: [] };
    const next = new Map<string, Entry>();
    let files: string[];
    try {
      files = fs.readdirSync(dir).filter(isMappingFile).sort();
    } catch (err) {
      // the directory is gone (being replaced, a volume not mounted yet): what was loaded stays in use,
      // and the directory is looked for again until it is back (said once, not at every look)
      if (missing) return last;
      missing = true;
      result.errors.push({ file: dir, error: `cannot read the mappings directory: ${(err as Error).message}; the mappings loaded before stay in use` });
      result.loaded = [...current.keys()];
      return finish(result);
    }
    missing = false;
    // the files in use first, in the order they came, then the new ones by file name: the first to
    // claim a name or a topic keeps it, so a file added later never takes over a running mapping
    const inUse = [...current.values()].map((e) => e.mapping.file).filter((f) => files.includes(f));
    for (const f of [...inUse, ...files.filter((f) => !inUse.includes(f))]) {
      let error: string;
      try {
        const mapping = loadMappingFile(path.join(dir, f));
        const problem = clash(mapping, next);
        if (!problem) {
          next.set(mapping.name, { mapping, adapter: mappingAdapter(mapping) });
          continue;
        }
        error = `${f}: ${problem}`;
      } catch (err) {
        error = (err as Error).message;
      }
      // the version of this file that loaded before stays in use, unless its name or topic is taken now
      const prev = [...current.values()].find((e) => e.mapping.file === f);
      const keep = prev && !clash(prev.mapping, next) ? prev : undefined;
      if (keep) next.set(keep.mapping.name, keep);
      result.errors.push({ file: f, error, ...(keep ? { kept: keep.mapping.name } : {}) });
    }
    current = next;
    // every mapping in use, a broken file's last good version included (its error says `kept`)
    result.loaded = [...next.keys()].sort();
    result.errors.sort((a, b) => a.file.localeCompare(b.file));
    const warnings = warningsOf([...next.values()]);
    if (warnings.length > 0) result.warnings = warnings;
    return finish(result);
  }

  /** Records, logs and announces a reload; keeps the directory watched. */
  function finish(result: ReloadResult): ReloadResult {
    last = result;
    watch();
    for (const e of result.errors) log.warn({ dir, ...e }, 'mapping skipped');
    for (const w of result.warnings ?? []) log.warn({ dir, ...w }, 'mapping warning');
    log.info({ dir, loaded: result.loaded, errors: result.errors.length }, 'mappings loaded');
    for (const listener of listeners) {
      try {
        listener(result);
      } catch (err) {
        log.warn({ dir, error: (err as Error).message }, 'mappings reload listener failed');
      }
    }
    return result;
  }

  /**
   * Watches the directory, again when it was replaced (another inode) or came back; while it is
   * missing, looks for it every `retryMs`.
   */
  let watched: number | undefined;
  let retry: NodeJS.Timeout | undefined;
  function watch(): void {
    if (!(opts.watch ?? true) || closed) return;
    let ino: number | undefined;
    try {
      ino = fs.statSync(dir).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== undefined && watcher && ino === watched) return;
    watcher?.close();
    watcher = undefined;
    watched = undefined;
    if (ino !== undefined) {
      try {
        watcher = fs.watch(dir, { persistent: false }, () => {
          clearTimeout(timer);
          timer = setTimeout(reload, opts.debounceMs ?? 200);
        });
        watcher.on('error', (err) => log.warn({ dir, error: err.message }, 'mappings watch failed'));
        watched = ino;
      } catch (err) {
        log.warn({ dir, error: (err as Error).message }, 'mappings directory not watched');
      }
    }
    if (watcher) {
      clearInterval(retry);
      retry = undefined;
    } else retry ??= setInterval(reload, opts.retryMs ?? 2000).unref();
  }

  let closed = false;
  reload();

  return {
    /** In the order they came (the MQTT source gives a topic two filters match to the first). */
    list: () => [...current.values()].map((e) => e.mapping),
    status: () => last,
    get: (name) => current.get(name)?.adapter,
    adapters: () => [...current.values()].map((e) => e.adapter),
    reload,
    onReload(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      clearTimeout(timer);
      clearInterval(retry);
      watcher?.close();
      watcher = undefined;
    },
  };
}
