/** Shared value readers: multilingual texts in the publication's language. */
import { multilingual } from './values';
import type { XmlNode } from './xml-tree';

const value = (lang: string | undefined, text: string): XmlNode => ({ name: 'value', attrs: lang ? { lang } : {}, children: [], text });
const name = (...values: XmlNode[]): XmlNode => ({ name: 'measurementSiteName', attrs: {}, children: [{ name: 'values', attrs: {}, children: values, text: '' }], text: '' });

describe('multilingual', () => {
  const bilingual = name(value('br', 'Sant-Brieg'), value('fr', 'Saint-Brieuc'));
  it.each([
    ['the value in the publication language', bilingual, 'fr', 'Saint-Brieuc'],
    ['its language in another case', bilingual, 'FR', 'Saint-Brieuc'],
    ['the first value when none is in that language', bilingual, 'de', 'Sant-Brieg'],
    ['the first value when the publication says no language', bilingual, undefined, 'Sant-Brieg'],
    ['the same primary language when none is exactly it', name(value('nl', 'Brussel'), value('fr-BE', 'Bruxelles')), 'fr', 'Bruxelles'],
    ['an exact language before a regional one', name(value('fr-BE', 'Bruxelles (BE)'), value('fr', 'Bruxelles')), 'fr', 'Bruxelles'],
    ['a value with text before an empty one', name(value('fr', ' '), value('en', 'Brussels')), 'fr', 'Brussels'],
    ['plain text without values', { name: 'parkingName', attrs: {}, children: [], text: ' P1 ' }, 'fr', 'P1'],
  ])('%s', (_case, node, lang, expected) => {
    expect(multilingual(node, lang)).toBe(expected);
  });
});
