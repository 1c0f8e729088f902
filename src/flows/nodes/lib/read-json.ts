/** Reads a JSON request body (at most `limit` bytes), unless a body parser already did. */
import type { HttpRequest } from './red';

/**
 * The parsed body; rejects on invalid JSON or a body over `limit`.
 * @example
 * const notification = await readJson(req, 8 << 20);
 */
export function readJson(req: HttpRequest, limit: number): Promise<unknown> {
  if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Object.keys(req.body).length > 0 || Array.isArray(req.body))) return Promise.resolve(req.body);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(new Error(`body is not JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}
