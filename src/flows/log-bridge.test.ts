/** Node-RED's log messages into pino: levels, node fields, the start banner. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogBridge, nodeRedLevel } from './log-bridge';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, bridge: createLogBridge(pino({ level: 'trace' }, stream)) };
}

it('maps the levels and keeps the node as fields; drops audit/metric and the banner decoration', () => {
  const { lines, bridge } = capture();
  bridge({ level: 40, msg: 'Started flows' });
  bridge({ level: 20, msg: 'boom', type: 'ngsi-ld query', id: 'n1', name: 'lamps', z: 't1' });
  bridge({ level: 30, msg: new Error('bad') });
  bridge({ level: 98, msg: 'audit' });
  bridge({ level: 99, msg: 'metric' });
  bridge({ level: 40, msg: '\n\nWelcome to Node-RED\n===================\n' });
  bridge({ level: 20, msg: '*****************************************************************' });
  bridge({ level: 30, msg: '------------------------------------------------------' });
  bridge({ level: 50, msg: { some: 'object' } });
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [30, 'Started flows'],
    [50, 'boom'],
    [40, 'bad'],
    [20, '{"some":"object"}'],
  ]);
  expect(lines[1].node).toEqual({ type: 'ngsi-ld query', id: 'n1', name: 'lamps', flow: 't1' });
  expect(lines[2].err).toMatchObject({ message: 'bad' });
});

it('the unsupported-version box becomes one warn line', () => {
  const { lines, bridge } = capture();
  bridge({ level: 20, msg: '*****************************************************************' });
  bridge({ level: 20, msg: '* Unsupported version of Node.js. Requires: >=18 Found: v20.20.2 *' });
  bridge({ level: 20, msg: '*****************************************************************' });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 40, node: process.version, msg: expect.stringMatching(/Node\.js >= 22\.9/) });
});

it('nodeRedLevel', () => {
  expect(['silent', 'info', 'debug', 'nonsense'].map(nodeRedLevel)).toEqual(['off', 'info', 'debug', 'info']);
});
