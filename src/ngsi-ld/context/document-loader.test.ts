import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NgsiError } from '../errors';
import { createDocumentLoader, parseContextDocument } from './document-loader';

describe('parseContextDocument', () => {
  test.each<[string, unknown]>([
    ['{"@context": "https://example.org/other.jsonld"}', 'https://example.org/other.jsonld'],
    ['{"@context": ["a", {"b": "http://x/b"}]}', ['a', { b: 'http://x/b' }]],
    ['{"@context": {"b": "http://x/b"}, "other": 1}', { b: 'http://x/b' }],
  ])('%s', (text, ctx) => {
    expect(parseContextDocument('u', text)).toEqual(ctx);
  });

  test.each([
    ['not json', /not valid JSON/],
    ['[1]', /no @context member/],
    ['{"@context": null}', /got null/],
    ['{"@context": 1}', /got a number/],
  ])('%s → BadRequestData', (text, message) => {
    expect(() => parseContextDocument('u', text)).toThrow(NgsiError);
    expect(() => parseContextDocument('u', text)).toThrow(message);
  });
});

describe('createDocumentLoader', () => {
  test('memory hit, then peek without I/O', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return new Response('{"@context":{"a":"http://x/a"}}', { status: 200 });
    }) as typeof fetch;
    const loader = createDocumentLoader({ fetchImpl, timeoutMs: 1000, maxBytes: 1000, cacheSize: 4 });
    expect(loader.peek('http://x/ctx')).toBeUndefined();
    await loader.load('http://x/ctx');
    await loader.load('http://x/ctx');
    expect(loader.peek('http://x/ctx')).toEqual({ a: 'http://x/a' });
    expect(calls).toBe(1);
  });

  test('a disk write failure is only a warning', async () => {
    const fetchImpl = (async () => new Response('{"@context":{}}', { status: 200 })) as typeof fetch;
    const warnings: object[] = [];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-loader-'));
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const loader = createDocumentLoader({
      fetchImpl,
      timeoutMs: 1000,
      maxBytes: 1000,
      cacheSize: 4,
      cacheDir: path.join(file, 'cache'), // a file where a directory should be
      log: { warn: (o) => warnings.push(o) },
    });
    expect(await loader.load('http://x/ctx')).toEqual({});
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
