/**
 * Where Node-RED finds our nodes (`settings.nodesDir`). Node-RED loads a node set from a `<name>.js`
 * with its `<name>.html` beside it, by `import()`.
 * - Built (`npm start`, production): dist/src/flows/nodes/<name>/<name>.js from tsc, and the .html
 *   copied next to it by scripts/copy-node-red-html.js (the `build` script).
 * - From the TypeScript sources (`node -r ./test/support/ts-register.js src/main.ts`, the e2e tests):
 *   Node-RED cannot import a .ts file, so one-line shims `<name>.js` → `require('<name>.ts')` (compiled
 *   by the process's TypeScript hook) and copies of the .html are written into `shimDir`.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The folder of our node sets: src/flows/nodes (or its compiled copy in dist). */
export const NODES_DIR = path.join(__dirname, 'nodes');

/** Names of the node sets: folders `<name>/` holding `<name>.html` and `<name>.ts` (sources) or `<name>.js` (built). */
export function nodeSetNames(dir = NODES_DIR, ext = path.extname(__filename)): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, d.name + '.html')) && fs.existsSync(path.join(dir, d.name, d.name + ext)))
    .map((d) => d.name)
    .sort();
}

/**
 * The folder to give Node-RED as nodesDir.
 * @example
 * settings.nodesDir = [nodesDir(path.join(userDir, '.eclor-nodes'))];
 */
export function nodesDir(shimDir: string): string {
  if (path.extname(__filename) !== '.ts') return NODES_DIR;
  fs.rmSync(shimDir, { recursive: true, force: true });
  fs.mkdirSync(shimDir, { recursive: true });
  for (const name of nodeSetNames(NODES_DIR, '.ts')) {
    const source = path.join(NODES_DIR, name, name);
    fs.writeFileSync(path.join(shimDir, name + '.js'), `// generated from ${source}.ts (TypeScript sources run)\nmodule.exports = require(${JSON.stringify(source + '.ts')});\n`);
    fs.copyFileSync(source + '.html', path.join(shimDir, name + '.html'));
  }
  return shimDir;
}
