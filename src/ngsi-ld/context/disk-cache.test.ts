import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheFilePath, readCachedDocument, writeCachedDocument } from './disk-cache';

describe('disk cache', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-disk-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const url = 'https://example.org/ctx.jsonld';

  test('file name is the sha256 of the URL', () => {
    expect(cacheFilePath('/c', url)).toBe(path.join('/c', `${createHash('sha256').update(url).digest('hex')}.jsonld`));
  });

  test('write creates the directory, replaces atomically and leaves no temporary file', async () => {
    const dir = path.join(tmp, 'a', 'b');
    expect(await readCachedDocument(dir, url)).toBeUndefined();
    await writeCachedDocument(dir, url, '{"@context":{}}');
    await writeCachedDocument(dir, url, '{"@context":{"x":"http://x/"}}');
    expect(await readCachedDocument(dir, url)).toBe('{"@context":{"x":"http://x/"}}');
    expect(fs.readdirSync(dir)).toEqual([path.basename(cacheFilePath(dir, url))]);
  });

  test('a failed write removes its temporary file and rejects', async () => {
    const dir = path.join(tmp, 'blocked');
    fs.mkdirSync(path.join(dir, path.basename(cacheFilePath(dir, url))), { recursive: true }); // target is a directory
    await expect(writeCachedDocument(dir, url, '{}')).rejects.toThrow();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('read errors other than a missing file are reported', async () => {
    const dir = path.join(tmp, 'blocked');
    await expect(readCachedDocument(dir, url)).rejects.toThrow(/EISDIR/);
  });
});
