/**
 * Node-RED's own copies of Express 4 and bcryptjs, resolved from the node-red package. Node-RED's
 * core `http in` node reaches Express 4 internals (`app._router.stack`), so its apps must be mounted
 * on an Express 4 app, not on our Express 5; bcryptjs hashes the editor password as Node-RED checks it.
 */
import type http from 'node:http';
import path from 'node:path';

/** The subset of an Express 4 application we use. */
export interface Express4App extends http.RequestListener {
  use(path: string, handler: http.RequestListener): unknown;
  disable(setting: string): unknown;
}

function fromNodeRed<T>(id: string): T {
  const nodeRedDir = path.dirname(require.resolve('node-red/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve(id, { paths: [nodeRedDir] })) as T;
}

/**
 * A new Express 4 application (Node-RED's express).
 * @example
 * const app = express4(); app.use('/node-red', RED.httpAdmin);
 */
export function express4(): Express4App {
  return fromNodeRed<() => Express4App>('express')();
}

/**
 * bcrypt hash (cost 10) as Node-RED's adminAuth expects.
 * @example
 * const hash = bcryptHash('s3cret'); // '$2b$10$…'
 */
export function bcryptHash(password: string): string {
  return fromNodeRed<{ hashSync(s: string, rounds: number): string }>('bcryptjs').hashSync(password, 10);
}
