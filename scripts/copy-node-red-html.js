// Build step after tsc: Node-RED loads a node from <name>.js with its <name>.html beside it, so the
// editor templates of src/flows/nodes/<name>/<name>.html are copied next to the compiled
// dist/src/flows/nodes/<name>/<name>.js. Run by `npm run build`.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'src/flows/nodes');
const to = path.join(root, 'dist/src/flows/nodes');

let copied = 0;
for (const name of fs.readdirSync(from)) {
  const html = path.join(from, name, `${name}.html`);
  if (!fs.existsSync(html)) continue;
  if (!fs.existsSync(path.join(to, name, `${name}.js`))) throw new Error(`dist/src/flows/nodes/${name}/${name}.js is missing: run tsc first`);
  fs.copyFileSync(html, path.join(to, name, `${name}.html`));
  copied++;
}
process.stdout.write(`copy-node-red-html: ${copied} node templates copied to dist/src/flows/nodes\n`);
