/** Which encoding a document is read in (byte-order mark, XML declaration, Content-Type charset, UTF-8), and invalid bytes. */
import { FeedError } from '../../../src/ingest/types';
import { charsetOf, decodeDocument, documentDecoder } from './encoding';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const BOM8 = Buffer.from([0xef, 0xbb, 0xbf]);

describe('charsetOf', () => {
  it.each([
    ['text/xml; charset=ISO-8859-1', 'ISO-8859-1'],
    ['application/xml;charset="utf-8"', 'utf-8'],
    ['text/xml; Charset=windows-1252; boundary=x', 'windows-1252'],
    ['application/xml', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, charset) => expect(charsetOf(header)).toBe(charset));
});

describe('documentDecoder: which encoding', () => {
  it.each([
    ['a UTF-8 byte-order mark, over the declaration and the header', Buffer.concat([BOM8, utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')]), 'ISO-8859-1', 'utf-8', 'byte-order mark'],
    ['a UTF-16LE byte-order mark', Buffer.from([0xff, 0xfe, 0x3c, 0x00]), 'ISO-8859-1', 'utf-16le', 'byte-order mark'],
    ['the XML declaration, over the header', utf8('<?xml version="1.0" encoding="UTF-8"?><a/>'), 'ISO-8859-1', 'utf-8', 'the XML declaration'],
    ['the header when the document declares none', latin1('<?xml version="1.0"?><a/>'), 'ISO-8859-1', 'windows-1252', 'the Content-Type charset'],
    ['the header for a document without declaration', latin1('<a/>'), 'windows-1252', 'windows-1252', 'the Content-Type charset'],
    ['UTF-8 by default', utf8('<a/>'), undefined, 'utf-8', 'the default'],
  ])('%s', (_case, bytes, charset, encoding, from) => {
    const d = documentDecoder(bytes, charset);
    expect([d.encoding, d.from]).toEqual([encoding, from]);
  });

  it('refuses an encoding it does not know (415), from the declaration or the header', () => {
    expect(() => documentDecoder(utf8('<?xml version="1.0" encoding="x-klingon"?><a/>'))).toThrow(expect.objectContaining({ status: 415, message: 'unsupported document encoding x-klingon (the XML declaration)' }));
    expect(() => documentDecoder(utf8('<a/>'), 'x-klingon')).toThrow(expect.objectContaining({ status: 415, message: 'unsupported document encoding x-klingon (the Content-Type charset)' }));
  });
});

describe('decodeDocument (a buffered body)', () => {
  const sonnen = latin1('<?xml version="1.0"?><name>Sonnenstraße</name>');

  it('reads ISO-8859-1 bytes as the Content-Type charset says when the document declares no encoding', () => {
    expect(decodeDocument(sonnen, { 'content-type': 'text/xml; charset=ISO-8859-1' })).toBe('<?xml version="1.0"?><name>Sonnenstraße</name>');
  });

  it('refuses bytes invalid in the encoding chosen (400), never replacing them', () => {
    const err = (() => {
      try {
        decodeDocument(sonnen, { 'content-type': 'text/xml' });
      } catch (e) {
        return e as FeedError;
      }
      throw new Error('expected a FeedError');
    })();
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({ stage: 'decode', status: 400, message: 'the document is not valid utf-8 (the default): bytes that are not characters in it' });
  });

  it('refuses invalid bytes in a declared encoding too', () => {
    expect(() => decodeDocument(latin1('<?xml version="1.0" encoding="UTF-8"?><a>\u00e9</a>'), { 'content-type': 'text/xml; charset=ISO-8859-1' }))
      .toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('not valid utf-8 (the XML declaration)') }));
  });
});

describe('DocumentDecoder over a stream', () => {
  it('says between which bytes the invalid ones are', () => {
    const d = documentDecoder(utf8('<a>'));
    expect(d.decode(utf8('<a>'), true)).toBe('<a>');
    expect(() => d.decode(Buffer.from([0x53, 0xdf, 0x65]), true)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/not valid utf-8 \(the default\) between bytes 3 and 6/) }));
  });
});
