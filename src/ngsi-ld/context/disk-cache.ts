/**
 * On-disk cache of fetched remote @context documents: `<dir>/<sha256(url)>.jsonld`, the body exactly as
 * received, written atomically (temporary file + rename) so a reader never sees half a document.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The cache file of a URL. */
export function cacheFilePath(dir: string, url: string): string {
  return path.join(dir, `${createHash('sha256').update(url).digest('hex')}.jsonld`);
}

/**
 * The cached body for `url`, or undefined when there is none.
 *
 * @example
 * const text = await readCachedDocument('/var/cache/eclor/contexts', 'https://example.org/ctx.jsonld');
 */
export async function readCachedDocument(dir: string, url: string): Promise<string | undefined> {
  try {
    return await readFile(cacheFilePath(dir, url), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Stores the body for `url` (creates `dir` when needed). */
export async function writeCachedDocument(dir: string, url: string, text: string): Promise<void> {
  const target = cacheFilePath(dir, url);
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
