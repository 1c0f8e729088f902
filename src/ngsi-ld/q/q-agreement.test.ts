/**
 * The SQL translation (to-sql.ts on a real SQLite database) and the in-memory matcher (match.ts)
 * must select the same entities; both are checked against hand-written expectations.
 */
import Database from 'better-sqlite3';
import { indexRows } from '../../broker/store/attr-index';
import { SCHEMA_DDL } from '../../broker/store/schema';
import type { StoredAttribute, StoredEntity } from '../types';
import { matchQ } from './match';
import { parseQ } from './parse-q';
import { registerQFunctions } from './sql-functions';
import { qToSql } from './to-sql';

const X = 'https://x.org/';
const expand = (term: string): string => (term.includes(':') ? term : X + term);
const P = (value: unknown, more: Record<string, unknown> = {}): StoredAttribute => ({ type: 'Property', value, ...more });
const R = (object: string | string[], more: Record<string, unknown> = {}): StoredAttribute => ({ type: 'Relationship', object, ...more });

const fixtures: Record<string, Record<string, StoredAttribute[]>> = {
  E1: {
    temperature: [P(21.5, { observedAt: '2024-01-01T10:00:00Z', unitCode: 'CEL' })],
    status: [P('on')],
    isOpen: [P(true)],
    refRoad: [R('urn:ngsi-ld:Road:1')],
    name: [{ type: 'LanguageProperty', languageMap: { fr: 'Parc', en: 'Park' } }],
    category: [{ type: 'VocabProperty', vocab: X + 'commercial' }],
  },
  E2: {
    temperature: [P(5, { observedAt: '2024-06-01T12:00:00+02:00' })],
    status: [P('off')],
    isOpen: [P(false)],
    refRoad: [R(['urn:ngsi-ld:Road:2', 'urn:ngsi-ld:Road:3'])],
  },
  E3: { temperature: [P([1, 30])], status: [P('Parking lot')], tags: [{ type: 'ListProperty', valueList: ['a', 'b'] }] },
  E4: { temperature: [P(10, { [X + 'accuracy']: P(0.5) }), P(40, { datasetId: 'urn:ds:1' })] },
  E5: {
    config: [{ type: 'JsonProperty', json: { mode: 'eco', levels: [1, 2, 3], nested: { deep: true }, when: '2024-01-01T10:00:00Z' } }],
    address: [P({ streetAddress: 'Rue X', postalCode: '75001', number: 12 })],
  },
  E6: { status: [P(null)], date: [P({ '@type': 'DateTime', '@value': '2024-03-01T00:00:00Z' })], openingTime: [P('08:00:00Z')] },
  E7: { temperature: [P('hot')], status: [P('on')], refRoad: [{ type: 'ListRelationship', objectList: [{ object: 'urn:ngsi-ld:Road:1' }, 'urn:ngsi-ld:Road:9'] }] },
  E8: {
    temperature: [P(21.5, { [X + 'providedBy']: R('urn:Sensor:1', { [X + 'quality']: P('good') }) })],
    name: [{ type: 'LanguageProperty', languageMap: { fr: ['Bonjour', 'Salut'] } }],
  },
  E9: {},
  E10: { location: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [2.35, 48.85] } }], count: [P(0)], isOpen: [P('true')], label: [P('😀')] },
  E11: {
    level: [
      P(7, { observedAt: '2025-01-01T00:00:00Z', [X + 'accuracy']: P(1, { observedAt: '2025-02-01T00:00:00+01:00' }) }),
      P(8, { datasetId: 'urn:ds:2', observedAt: '2023-01-01T00:00:00Z' }),
    ],
  },
};

const entities: StoredEntity[] = Object.entries(fixtures).map(([id, attrs]) => ({
  id,
  types: [X + 'Thing'],
  createdAt: '2024-01-01T00:00:00.000Z',
  modifiedAt: '2024-01-01T00:00:00.000Z',
  attrs: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [expand(k), v])),
}));

const db = new Database(':memory:');
db.exec(SCHEMA_DDL);
registerQFunctions(db);
const insEntity = db.prepare('INSERT INTO entities(rid, id, ver, doc) VALUES (?, ?, ?, ?)');
const insType = db.prepare('INSERT INTO entity_types(type, rid) VALUES (?, ?)');
const insAttr = db.prepare('INSERT INTO attr_index(rid, pos, path, dataset, kind, num, str, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const insPath = db.prepare('INSERT OR IGNORE INTO paths(path) VALUES (?)');
const pathId = db.prepare('SELECT pid FROM paths WHERE path = ?').pluck();
const pid = (path: string) => {
  insPath.run(path);
  return pathId.get(path);
};
entities.forEach((e, i) => {
  insEntity.run(i + 1, e.id, i + 1, JSON.stringify(e));
  for (const t of e.types) insType.run(t, i + 1);
  indexRows(e, false).forEach((r, pos) => insAttr.run(i + 1, pos, pid(r.path), r.dataset, r.kind, r.num, r.str, r.json));
});

const cases: Array<[string, number[]]> = [
  ['temperature', [1, 2, 3, 4, 7, 8]],
  ['!temperature', [5, 6, 9, 10, 11]],
  ['temperature>20', [1, 3, 4, 8]],
  ['temperature>=21.5', [1, 3, 4, 8]],
  ['temperature<5', [3]],
  ['temperature<=5', [2, 3]],
  ['temperature==21.5', [1, 8]],
  ['temperature!=21.5', [2, 3, 4, 7]],
  ['temperature==10..30', [1, 3, 4, 8]],
  ['temperature!=10..30', [2, 7]],
  ['temperature==5,40', [2, 4]],
  ['temperature!=5,40', [1, 3, 7, 8]],
  ['temperature=="hot"', [7]],
  ['temperature>"a"', [7]],
  ['temperature>2024-01-01', []], // 'hot' sorts after digits, but is no date
  ['status>2024-01-01T00:00:00Z', []], // nor is 'on'
  ['status==2024-01-01..2099-01-01', []],
  ['status>10:00:00', []], // nor a time
  ['status=="0"..2099-01-01', []], // the date bound decides, whichever it is
  ['temperature==true', []],
  ['status=="on"', [1, 7]],
  ['https://x.org/status=="on"', [1, 7]],
  ['status!="on"', [2, 3, 6]],
  ['status~=(?i)^park', [3]],
  ['status!~=^o', [3, 6]],
  ['isOpen==true', [1]],
  ['isOpen!=true', [2, 10]],
  ['isOpen==false', [2]],
  ['refRoad==urn:ngsi-ld:Road:1', [1, 7]],
  ['refRoad=="urn:ngsi-ld:Road:3"', [2]],
  ['refRoad==urn:ngsi-ld:Road:2,urn:ngsi-ld:Road:9', [2, 7]],
  ['refRoad~=Road:[12]$', [1, 2, 7]],
  ['temperature.observedAt>2024-03-01T00:00:00Z', [2]],
  ['temperature.observedAt==2024-01-01T11:00:00+01:00', [1]],
  ['temperature.observedAt', [1, 2]],
  ['!temperature.observedAt', [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['temperature.observedAt!=2024-01-01T10:00:00Z', [2]],
  ['temperature.observedAt~=^2024-06', [2]],
  ['temperature.observedAt==2024-01-01T10:00:00Z..2024-12-31T00:00:00Z;temperature>10', [1]],
  ['temperature.observedAt>5', []],
  ['temperature.observedAt[x]', []],
  ['!temperature.observedAt[x]', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['level.observedAt>2024-06-01', [11]],
  ['level.observedAt<2024-01-01', [11]],
  ['level.observedAt==2023-01-01T01:00:00+01:00', [11]],
  ['level.observedAt!=2023-01-01T00:00:00Z', []],
  ['level.observedAt!=2020-01-01T00:00:00Z', [11]],
  ['level.observedAt==2020-01-01,2025-01-01T00:00:00Z', [11]],
  ['level.accuracy.observedAt==2025-01-31T23:00:00Z', [11]],
  ['level.accuracy.observedAt>2025-02-01', []],
  ['level.accuracy', [11]],
  ['level.accuracy.observedAt;level.observedAt>2024-12-31|status=="on"', [1, 7, 11]],
  ['temperature.unitCode=="CEL"', [1]],
  ['temperature.accuracy<1', [4]],
  ['temperature.providedBy==urn:Sensor:1', [8]],
  ['temperature.providedBy.quality=="good"', [8]],
  ['temperature.datasetId=="urn:ds:1"', [4]],
  ['config[mode]=="eco"', [5]],
  ['config[mode]~=^ec', [5]],
  ['config[levels]==2', [5]],
  ['config[levels]>3', []],
  ['config[levels]!=2', []],
  ['config[levels]!=7', [5]],
  ['config[nested][deep]==true', [5]],
  ['config[nested]', [5]],
  ['config[missing]', []],
  ['!config[missing]', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['config[nested]=="x"', []],
  ['config[when]==2024-01-01T10:00:00Z', [5]],
  ['config[when]>2023-12-31', [5]],
  ['address[postalCode]=="75001"', [5]],
  ['address[number]>=12', [5]],
  ['address[number]==10..12', [5]],
  ['address[number]!=12', []],
  ['date>2024-02-01', [6]],
  ['date==2024-03-01T00:00:00Z', [6]],
  ['openingTime<09:00:00Z', [6]],
  ['openingTime==08:00..09:00', [6]],
  ['name=="Parc"', [1]],
  ['name[fr]=="Parc"', [1]],
  ['name[fr]=="Salut"', [8]],
  ['name[en]', [1]],
  ['tags=="b"', [3]],
  ['tags==["x","a"]', [3]],
  ['category==https://x.org/commercial', [1]],
  ['location', [10]],
  ['count==0', [10]],
  ['label=="😀"', [10]],
  ['label>"\uffff"', [10]],
  ['temperature>20;status=="on"', [1]],
  ['temperature>20|status=="off"', [1, 2, 3, 4, 8]],
  ['(status=="on"|status=="off");isOpen==true', [1]],
  ['temperature==1..5;!isOpen', [3]],
  ['status=="on",1,true', [1, 7]],
];

const sqlIds = (q: string): string[] => {
  const { sql, params } = qToSql(parseQ(q), expand);
  return (db.prepare(`SELECT e.id FROM entities e WHERE ${sql} ORDER BY e.rid`).all(...params) as Array<{ id: string }>).map((r) => r.id);
};

describe('q: SQL and in-memory matching agree', () => {
  test.each(cases)('%s', (q, expected) => {
    const ids = expected.map((i) => `E${i}`);
    expect(sqlIds(q)).toEqual(ids);
    expect(entities.filter((e) => matchQ(parseQ(q), e, expand)).map((e) => e.id)).toEqual(ids);
  });
});

describe('q: SQL uses the attr_index indexes', () => {
  const plan = (q: string): string => {
    const { sql, params } = qToSql(parseQ(q), expand);
    return (db.prepare(`EXPLAIN QUERY PLAN SELECT e.id FROM entities e WHERE ${sql}`).all(...params) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');
  };
  test.each([
    ['temperature>5', 'attr_index_num'],
    ['temperature==1..5', 'attr_index_num'],
    ['status=="on"', 'attr_index_str'],
    ['refRoad==urn:a:1,urn:a:2', 'attr_index_str'],
    ['temperature==1,"x"', 'attr_index_num'],
    ['temperature==1,"x"', 'attr_index_str'],
    ['status~=^o', 'attr_index_str'],
    ['status', 'attr_index_str'],
    ['status', 'attr_index_num'],
    ['config[mode]=="eco"', 'attr_index_str'],
  ])('%s → %s', (q, index) => {
    expect(plan(q)).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}`));
  });
});
