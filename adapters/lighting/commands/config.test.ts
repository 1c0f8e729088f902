import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { projectRoot } from '../../../src/project-root';
import { COMMAND_DEFAULTS, gatewayFor, loadLighting, parseLighting } from './config';

const CMS = '0b9c2a1e-4d3f-4e5a-8b6c-7d8e9f0a1b2c';
const GW = '6f1c2a3b-4d5e-4f60-8a71-9b0c1d2e3f40';

describe('parseLighting', () => {
  it('is absent without a lighting section or without gateways (backward compatible)', () => {
    expect(parseLighting({ territory: 'eclor', devices: [] })).toBeUndefined();
    expect(parseLighting({ lighting: { cmsAddress: CMS, gateways: [] } })).toBeUndefined();
    expect(loadLighting(undefined)).toBeUndefined();
  });

  it('reads gateways, expands ${NAME} in urls and headers, fills the defaults', () => {
    const cfg = parseLighting({
      lighting: {
        cmsAddress: CMS,
        gateways: [
          { url: 'https://gw.example/talq/', clientAddress: GW, headers: { Authorization: 'Bearer ${GW_TOKEN}' } },
          { url: 'http://${GW_HOST}:8080', addressPrefixes: ['a1'], functionId: 'lampActuator1' },
        ],
        commands: { giveUpMs: 60000, rampSeconds: 2 },
      },
    }, 'territory.json', { GW_TOKEN: 's3cret', GW_HOST: 'gw-sud' });
    expect(cfg).toEqual({
      cmsAddress: CMS,
      talqApiVersion: '2.7.1',
      gateways: [
        { url: 'https://gw.example/talq', clientAddress: GW, headers: { Authorization: 'Bearer s3cret' } },
        { url: 'http://gw-sud:8080', addressPrefixes: ['a1'], functionId: 'lampActuator1' },
      ],
      commands: { ...COMMAND_DEFAULTS, giveUpMs: 60000, rampSeconds: 2, overrideMinutes: undefined },
    });
  });

  it.each([
    [{ cmsAddress: CMS, gateways: [{ url: 'ftp://x' }] }, 'lighting.gateways[0].url: must be an http(s) URL'],
    [{ cmsAddress: 'cms', gateways: [{ url: 'http://x' }] }, 'lighting.cmsAddress: must be a UUID'],
    [{ gateways: [{ url: 'http://x' }] }, 'lighting.cmsAddress: must be a non-empty string'],
    [{ cmsAddress: CMS, gateways: [{ url: 'http://x', port: 1 }] }, 'lighting.gateways[0].port: unknown key'],
    [{ cmsAddress: CMS, gateways: [{ url: 'http://x' }], commands: { maxConcurrent: 0 } }, 'lighting.commands.maxConcurrent: must be an integer in 1..1000'],
    [{ cmsAddress: CMS, gateways: [{ url: 'http://x', headers: { A: '${NOPE}' } }] }, 'lighting.gateways[0].headers.A: environment variable NOPE is not set'],
    [{ cmsAddress: CMS, gateways: { url: 'http://x' } }, 'lighting.gateways: must be an array'],
  ])('rejects %j', (lighting, message) => {
    expect(() => parseLighting({ lighting }, 'f.json', {})).toThrow(`f.json: ${message}`);
  });

  it('loads the section from a territory file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-lighting-')), 'territory.json');
    fs.writeFileSync(file, JSON.stringify({ territory: 't', lighting: { cmsAddress: CMS, gateways: [{ url: 'http://gw' }] } }));
    expect(loadLighting(file, {})?.gateways).toEqual([{ url: 'http://gw' }]);
  });
});

describe('gatewayFor', () => {
  const gateways = [{ url: 'http://catch-all' }, { url: 'http://by-prefix', addressPrefixes: ['a1', 'b2'] }, { url: 'http://by-client', clientAddress: GW }];
  it.each([
    [{ device: 'a1-xx', gateway: GW.toUpperCase() }, 'http://by-client'],
    [{ device: 'b2-yy' }, 'http://by-prefix'],
    [{ device: 'c3-zz', gateway: 'other' }, 'http://catch-all'],
  ])('%j → %s', (lamp, url) => {
    expect(gatewayFor(gateways, lamp)?.url).toBe(url);
  });
  it('finds none when nothing matches and there is no catch-all', () => {
    expect(gatewayFor(gateways.slice(1), { device: 'c3' })).toBeUndefined();
  });
});

describe('schemas/feeds/territory.schema.json lighting section', () => {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(projectRoot(), 'schemas/feeds/territory.schema.json'), 'utf8')));
  const doc = { territory: 'eclor', lighting: { cmsAddress: CMS, gateways: [{ url: 'https://gw/talq', clientAddress: GW, headers: { Authorization: 'Bearer ${T}' } }, { url: 'http://gw2', addressPrefixes: ['a1'], functionId: 'lampActuator1' }], commands: { giveUpMs: 60000, rampSeconds: 2 } } };

  it('accepts what the loader accepts', () => {
    expect(validate(doc)).toBe(true);
    expect(parseLighting(doc, 'f', { T: 'x' })).toBeDefined();
  });

  it.each([
    [{ ...doc.lighting, cmsAddress: 'cms' }],
    [{ ...doc.lighting, gateways: [{ url: 'ftp://x' }] }],
    [{ ...doc.lighting, gateways: [{ url: 'http://x', port: 1 }] }],
    [{ ...doc.lighting, commands: { retries: 3 } }],
  ])('rejects what the loader rejects: %j', (lighting) => {
    expect(validate({ lighting })).toBe(false);
    expect(() => parseLighting({ lighting }, 'f', { T: 'x' })).toThrow();
  });
});
