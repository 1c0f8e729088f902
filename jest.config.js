/** @type {import('jest').Config} */
const fs = require('fs');
const path = require('path');

module.exports = {
  testEnvironment: 'node',
  roots: ['src', 'test', 'adapters', 'docker'].filter((p) => fs.existsSync(path.join(__dirname, p))).map((p) => `<rootDir>/${p}`),
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }],
    // light-my-request (fastify's inject) pulls the ESM-only `cookie` package: compile it to CommonJS for jest.
    '/node_modules/(.+/)?cookie/dist/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(.+/)?cookie/dist/)'],
  testTimeout: 30000,
  maxWorkers: 2,
};
