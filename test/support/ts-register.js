// Lets a child process `require()` our TypeScript sources without a build (tests only):
// node -r ./test/support/ts-register.js script.ts
const fs = require('fs');
const ts = require('typescript');

require.extensions['.ts'] = function register(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
