/** Flows as one file per tab: reading FLOWS_DIR, planning and writing back (real files in a temp dir). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GLOBAL_FILE, planFlowFiles, readFlowFiles, slug, writeFlowFiles, type FlowNode } from './flow-files';
import { createFlowsStorage } from './storage';

const quiet = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eclor-flows-'));
  jest.clearAllMocks();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (file: string, nodes: unknown) => fs.writeFileSync(path.join(dir, file), typeof nodes === 'string' ? nodes : JSON.stringify(nodes, null, 2) + '\n');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as FlowNode[];
const tab = (id: string, label: string): FlowNode => ({ id, type: 'tab', label });
const lighting = [tab('t1', 'Lighting'), { id: 'n1', type: 'inject', z: 't1', wires: [['n2']] }, { id: 'n2', type: 'ngsi-ld update', z: 't1', broker: 'b1', wires: [] }, { id: 'b1', type: 'ngsi-ld-broker', mode: 'embedded' }];
const leaks = [tab('t2', 'Leaks'), { id: 'n3', type: 'debug', z: 't2' }];

describe('readFlowFiles', () => {
  it('concatenates the *.json files in name order and remembers where each node came from', () => {
    write('20-leaks.json', leaks);
    write('10-lighting.json', lighting);
    write('notes.txt', 'not a flow');
    const { flows, origins } = readFlowFiles(dir, quiet);
    expect(flows.map((n) => n.id)).toEqual(['t1', 'n1', 'n2', 'b1', 't2', 'n3']);
    expect(origins.get('b1')).toBe('10-lighting.json');
    expect(origins.get('n3')).toBe('20-leaks.json');
  });

  it('skips broken files and duplicate ids with a log line; a missing dir is no flows', () => {
    write('a.json', leaks);
    write('b.json', '[{"id": ');
    write('c.json', { id: 'x', type: 'tab' });
    write('d.json', [{ id: 'n3', type: 'debug' }, { id: 'n4', type: 'debug' }]);
    const { flows } = readFlowFiles(dir, quiet);
    expect(flows.map((n) => n.id)).toEqual(['t2', 'n3', 'n4']);
    expect(quiet.error).toHaveBeenCalledTimes(2);
    expect(quiet.warn).toHaveBeenCalledWith(expect.objectContaining({ file: 'd.json', id: 'n3' }), expect.any(String));
    expect(readFlowFiles(path.join(dir, 'absent'), quiet).flows).toEqual([]);
  });
});

describe('planFlowFiles', () => {
  it('tabs keep their file; new tabs get a file named after their label; nodes follow their tab', () => {
    const origins = new Map([...lighting.map((n) => [n.id, 'lighting.json'] as const)]);
    const flows = [...lighting, { id: 'n5', type: 'debug', z: 't1' }, tab('t3', 'Éclairage & trafic'), { id: 'n6', type: 'inject', z: 't3' }, tab('t4', 'Lighting')];
    const plan = planFlowFiles(flows, origins);
    expect([...plan.keys()]).toEqual(['lighting.json', 'eclairage-trafic.json', 'lighting-2.json']);
    expect(plan.get('lighting.json')!.map((n) => n.id)).toEqual(['t1', 'n1', 'n2', 'b1', 'n5']);
    expect(plan.get('eclairage-trafic.json')!.map((n) => n.id)).toEqual(['t3', 'n6']);
  });

  it('a new global config node goes to the one file using it, else to global.json; subflows have their own file', () => {
    const flows: FlowNode[] = [
      tab('t1', 'A'), { id: 'u1', type: 'ngsi-ld query', z: 't1', broker: 'b1' },
      tab('t2', 'B'), { id: 'u2', type: 'ngsi-ld query', z: 't2', broker: 'b2' }, { id: 'u3', type: 'ngsi-ld query', z: 't1', broker: 'b2' },
      { id: 'b1', type: 'ngsi-ld-broker' }, { id: 'b2', type: 'ngsi-ld-broker' },
      { id: 's1', type: 'subflow', name: 'Dim lamps' }, { id: 's1n', type: 'change', z: 's1' },
    ];
    const plan = planFlowFiles(flows, new Map());
    expect(plan.get('a.json')!.map((n) => n.id)).toEqual(['t1', 'u1', 'u3', 'b1']);
    expect(plan.get(GLOBAL_FILE)!.map((n) => n.id)).toEqual(['b2']);
    expect(plan.get('dim-lamps.json')!.map((n) => n.id)).toEqual(['s1', 's1n']);
  });

  it('slug', () => {
    expect(slug('  Fuite → alerte + éclairage ')).toBe('fuite-alerte-eclairage');
    expect(slug('***')).toBe('flow');
  });
});

describe('writeFlowFiles and the storage module', () => {
  it('an editor deploy writes changed tabs only, adds new tabs, deletes removed ones; a reload gives the same flows', async () => {
    write('10-lighting.json', lighting);
    write('20-leaks.json', leaks);
    fs.utimesSync(path.join(dir, '20-leaks.json'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const storage = createFlowsStorage({ dir, log: quiet, local: {} as never });
    const flows = await storage.getFlows();
    // the editor: a node added on Lighting, a new tab, Leaks untouched
    const edited = [...flows, { id: 'n9', type: 'debug', z: 't1' }, tab('t5', 'Night crew'), { id: 'n10', type: 'inject', z: 't5' }];
    await storage.saveFlows(edited);
    expect(fs.readdirSync(dir).sort()).toEqual(['10-lighting.json', '20-leaks.json', 'night-crew.json']);
    expect(read('10-lighting.json').map((n) => n.id)).toEqual(['t1', 'n1', 'n2', 'b1', 'n9']);
    expect(fs.statSync(path.join(dir, '20-leaks.json')).mtime.getFullYear()).toBe(2020);
    expect(fs.readFileSync(path.join(dir, 'night-crew.json'), 'utf8')).toMatch(/^\[\n {2}\{\n {4}"id": "t5"/);
    // Leaks deleted in the editor
    await storage.saveFlows(edited.filter((n) => n.id !== 't2' && n.z !== 't2'));
    expect(fs.readdirSync(dir).sort()).toEqual(['10-lighting.json', 'night-crew.json']);
    expect(await createFlowsStorage({ dir, log: quiet, local: {} as never }).getFlows()).toEqual(edited.filter((n) => n.id !== 't2' && n.z !== 't2'));
  });

  it('creates FLOWS_DIR on the first save; leaves files it did not load alone', () => {
    const sub = path.join(dir, 'new');
    writeFlowFiles(sub, planFlowFiles(leaks, new Map()), new Set(['other.json']));
    expect(fs.readdirSync(sub)).toEqual(['leaks.json']);
    write('broken.json', '{');
    const origins = writeFlowFiles(dir, planFlowFiles(leaks, new Map()), new Set());
    expect(fs.readdirSync(dir).sort()).toEqual(['broken.json', 'leaks.json', 'new']);
    expect(origins.get('n3')).toBe('leaks.json');
  });
});
