import { datex2Adapter } from './index';

describe('datex2Adapter.decodeBody (buffered bodies, as the webhook and the poll source read them)', () => {
  const doc = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?><d2LogicalModel><name>Gare Saint-Léon, Köln</name></d2LogicalModel>`;
  it('decodes the encoding the document declares', () => {
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('ISO-8859-1'), 'latin1'))).toContain('Saint-Léon, Köln');
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('windows-1252'), 'latin1'))).toContain('Saint-Léon, Köln');
  });
  it('reads UTF-8 (declared or not) and UTF-16 with a byte order mark', () => {
    expect(datex2Adapter.decodeBody!(Buffer.from(doc('UTF-8'), 'utf8'))).toContain('Saint-Léon, Köln');
    expect(datex2Adapter.decodeBody!(Buffer.from('<a>é</a>', 'utf8'))).toBe('<a>é</a>');
    expect(datex2Adapter.decodeBody!(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc('UTF-16'), 'utf16le')]))).toContain('Saint-Léon, Köln');
  });
  it('refuses an encoding it cannot decode (415)', () => {
    expect(() => datex2Adapter.decodeBody!(Buffer.from(doc('x-klingon'), 'latin1'))).toThrow(expect.objectContaining({ name: 'FeedError', status: 415 }));
  });
});
