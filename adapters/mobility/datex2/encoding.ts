/**
 * The character encoding of a DATEX II document, for buffered bodies (`decodeBody`) and streamed ones
 * alike. Which encoding, first found of:
 * 1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE): the bytes cannot be read otherwise;
 * 2. the `encoding` of the XML declaration: written by the serializer that wrote the bytes;
 * 3. the `charset` of the Content-Type header (a document that declares none, e.g. `<?xml version="1.0"?>`
 *    sent as `text/xml; charset=ISO-8859-1`);
 * 4. UTF-8.
 * RFC 7303 §3.2 ranks the charset parameter above the declaration; we rank it below: a server's label
 * is the more frequent error (a default charset added to every response, `text/*` once defaulting to
 * ISO-8859-1), and a single-byte charset never fails, so a wrong label would garble names silently.
 * Bytes that are not valid in the encoding chosen are refused (FeedError decode 400), never replaced
 * by U+FFFD; an encoding the runtime does not know is a FeedError 415.
 */
import { TextDecoder } from 'node:util';
import { FeedError } from '../../../src/ingest/types';

/** The `encoding` of an XML declaration (matched once per document, on its first bytes). */
const DECLARED_ENCODING = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
/** Bytes enough to hold an XML declaration. */
export const HEAD_BYTES = 256;

/**
 * The `charset` parameter of a Content-Type header value, unquoted.
 * @example charsetOf('text/xml; charset="ISO-8859-1"') // 'ISO-8859-1'
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)"?/i);
  return m ? m[1] : undefined;
}

/** A decoder for one document that refuses invalid bytes, saying which encoding and where it came from. */
export class DocumentDecoder {
  private readonly decoder: TextDecoder;
  private offset = 0;

  constructor(readonly label: string, readonly from: string) {
    try {
      this.decoder = new TextDecoder(label, { fatal: true });
    } catch {
      throw new FeedError('decode', `unsupported document encoding ${label} (${from})`, 415);
    }
  }

  /** The WHATWG name of the encoding (`ISO-8859-1` is read as `windows-1252`). */
  get encoding(): string {
    return this.decoder.encoding;
  }

  /** Decodes the next bytes (`stream`: more follow); throws FeedError 400 on bytes invalid in the encoding. */
  decode(bytes: Uint8Array = new Uint8Array(0), stream = false): string {
    try {
      const text = this.decoder.decode(bytes, { stream });
      this.offset += bytes.byteLength;
      return text;
    } catch {
      const where = this.offset === 0 && !stream ? '' : ` between bytes ${this.offset} and ${this.offset + bytes.byteLength}`;
      throw new FeedError('decode', `the document is not valid ${this.encoding} (${this.from})${where}: bytes that are not characters in it`, 400);
    }
  }
}

/**
 * The decoder for a document, from its first bytes (at least HEAD_BYTES, or the whole document) and
 * the `charset` of its Content-Type header, in the order of the module comment.
 * @example documentDecoder(Buffer.from('<?xml version="1.0"?><a/>'), 'ISO-8859-1').encoding // 'windows-1252'
 */
export function documentDecoder(head: Uint8Array, charset?: string): DocumentDecoder {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return new DocumentDecoder('utf-8', 'byte-order mark');
  if (head[0] === 0xff && head[1] === 0xfe) return new DocumentDecoder('utf-16le', 'byte-order mark');
  if (head[0] === 0xfe && head[1] === 0xff) return new DocumentDecoder('utf-16be', 'byte-order mark');
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, HEAD_BYTES)).toString('latin1');
  const declared = DECLARED_ENCODING.exec(text)?.[1];
  if (declared) return new DocumentDecoder(declared, 'the XML declaration');
  if (charset) return new DocumentDecoder(charset, 'the Content-Type charset');
  return new DocumentDecoder('utf-8', 'the default');
}

/**
 * A whole buffered body → text, as `Adapter.decodeBody` (the request headers give the charset).
 * @example decodeDocument(Buffer.from([0x3c, 0x61, 0x3e, 0xdf, 0x3c, 0x2f, 0x61, 0x3e]), { 'content-type': 'text/xml; charset=ISO-8859-1' }) // '<a>ß</a>'
 */
export function decodeDocument(bytes: Buffer, headers?: Record<string, string | undefined>): string {
  return documentDecoder(bytes, charsetOf(headers?.['content-type'])).decode(bytes);
}
