/**
 * Streaming DATEX II parser on saxes. Accepts:
 * - v2 (`http://datex2.eu/schema/2/2_0`, and the v2.0 release candidate `http://datex2.eu/schema/2_0RC1/2_0`,
 *   whose elements are the same): `d2LogicalModel/payloadPublication[@xsi:type]`, also inside a
 *   SOAP 1.1/1.2 envelope (with or without an operation wrapper), and publications wrapped in a
 *   `GenericPublication` (every child of `genericPublicationExtension` is a publication:
 *   `parkingStatusPublication`, `parkingFacilityTableStatusPublication` …; unknown ones are skipped);
 * - v3 (`http://datex2.eu/schema/3/…`): `d2:payload[@xsi:type]`, `messageContainer/payload` (one or
 *   more; a payload we do not translate is skipped and listed in `skipped`), or a `…Publication` root.
 * Publications: MeasurementSiteTable, MeasuredData, ElaboratedData, ParkingTable (also the MDM
 * `parkingFacilityTablePublication`), ParkingStatus (also the MDM `parkingFacilityTableStatusPublication`).
 * Only the current site record is held in memory (an element tree of a few kB); records are emitted as
 * soon as their element closes.
 *
 * Errors are FeedErrors at stage 'decode': malformed or truncated XML → 400 with line and column;
 * a document that is not DATEX II (v1.0 included), or whose publications we do not translate → 422;
 * bytes invalid in the document's encoding → 400, an unknown encoding → 415 (encoding.ts).
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FeedError } from '../../../src/ingest/types';
import { CLASS_OF_TYPE, PUBLICATIONS, RECORDS, V1_NS, versionOf } from './catalogue';
import { documentDecoder, HEAD_BYTES, type DocumentDecoder } from './encoding';
import type { Datex2Version, ParsedRecord, Publication } from './types';
import { toUtc } from './values';
import type { XmlNode } from './xml-tree';

const SOAP_NS = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Bounds on one record, so a hostile document cannot grow memory through a single element. */
const MAX_RECORD_NODES = 20_000;
const MAX_TEXT = 65_536;
/** Skipped publications listed (a container of many unknown payloads lists the first ones). */
const MAX_SKIPPED = 20;

/** Header fields read as text: a publication's times (at its first level), and a v2 `exchange/keepAlive`. */
type HeaderField = 'publicationTime' | 'timeDefault' | 'keepAlive';

const stripPrefix = (qname: string): string => qname.slice(qname.indexOf(':') + 1);
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Incremental parser: feed text with `write`, finish with `close`; each call returns the records
 * completed by that chunk. Throws FeedError (see the module comment).
 * @example
 * const p = new Datex2Parser();
 * const records = [...p.write(xml.slice(0, 1000)), ...p.write(xml.slice(1000)), ...p.close()];
 * records[0].record.kind; // 'siteMeasurements'
 */
export class Datex2Parser {
  /** Publications met so far, in document order. */
  readonly publications: Publication[] = [];
  /**
   * Why publications of a v3 `messageContainer` were not translated (e.g. `unsupported DATEX II
   * publication SituationPublication at line 3, column 9`): the container's other payloads are.
   */
  readonly skipped: string[] = [];
  /**
   * Set when the document is a keep-alive message (what it is, for `ignored`): a v2 `exchange` with
   * `keepAlive` true, or a v3 `messageContainer` with `exchangeInformation`. It counts only when the
   * document holds no publication at all.
   */
  keepAlive?: string;
  /** `xsi` is bound even when undeclared: excerpts cut from a publication (NDW's single records) use `xsi:type` without the declaration. */
  private readonly sax = new SaxesParser({ xmlns: true, position: true, additionalNamespaces: { xsi: XSI_NS } });
  private out: ParsedRecord[] = [];
  private depth = 0;
  private sawRoot = false;
  /** The publication element being read, and its depth. */
  private pubDepth = -1;
  private pub?: Publication;
  private pubVersion: Datex2Version = 2;
  private pubLang?: string;
  private publicationTime?: string;
  /** The v3 `messageContainer` being read (its depth), and the publication skipped in it (its depth). */
  private containerDepth = -1;
  private skipDepth = -1;
  /**
   * The GenericPublication being read (v2), its depth, whether one of its extension's children was a
   * publication we translate, and the first one that was not. An extension may carry several
   * publications side by side (MDM: a facility table and its status table).
   */
  private genericDepth = -1;
  private genericFound = false;
  private genericUnknown?: string;
  private extensionDepth = -1;
  /** A header field being read (`publicationTime`, `timeDefault`), and its text so far. */
  private headerField?: HeaderField;
  private timeText?: string;
  /** The record being accumulated. */
  private stack: XmlNode[] = [];
  private recordNodes = 0;

  constructor() {
    this.sax.on('error', (err) => {
      const m = err.message.match(/^(\d+):(\d+): (.*)$/s);
      const where = m ? `line ${m[1]}, column ${m[2]}` : `line ${this.sax.line}, column ${this.sax.column}`;
      throw new FeedError('decode', `malformed XML at ${where}: ${m ? m[3] : err.message}`, 400);
    });
    this.sax.on('opentag', (tag) => this.open(tag));
    this.sax.on('closetag', () => this.closeTag());
    this.sax.on('text', (t) => this.text(t));
    this.sax.on('cdata', (t) => this.text(t));
  }

  /** Parses one chunk of the document; returns the records it completed. */
  write(chunk: string): ParsedRecord[] {
    this.sax.write(chunk);
    return this.drain();
  }

  /** Ends the document (a truncated one fails here); returns the last records. */
  close(): ParsedRecord[] {
    this.sax.close();
    if (this.publications.length === 0 && !(this.keepAlive && this.skipped.length === 0)) {
      throw new FeedError('decode', this.skipped.length > 0 ? this.skipped.join('; ') : 'no DATEX II publication found in the document', 422);
    }
    return this.drain();
  }

  private drain(): ParsedRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private where(): string {
    return `line ${this.sax.line}, column ${this.sax.column}`;
  }

  private open(tag: SaxesTagNS): void {
    this.depth++;
    const local = tag.local;
    if (this.stack.length > 0) {
      this.push(tag);
      return;
    }
    if (this.skipDepth >= 0) return;
    if (!this.sawRoot) {
      this.sawRoot = true;
      // a document that is one record (an excerpt such as NDW's single measurementSiteRecord, often
      // without namespace): read as a publication of that record alone (v2 when no namespace says)
      if (RECORDS[local] && (tag.uri === '' || versionOf(tag.uri) !== undefined)) {
        this.pubVersion = versionOf(tag.uri) ?? 2;
        this.publicationTime = undefined;
        this.setPublication(CLASS_OF_TYPE[RECORDS[local].type]);
        this.pubDepth = 0;
        this.push(tag);
        return;
      }
      if (tag.uri.startsWith(V1_NS)) throw new FeedError('decode', `DATEX II v1.0 (namespace ${tag.uri}) is not read: send v2 or v3`, 422);
      if (!SOAP_NS.has(tag.uri) && versionOf(tag.uri) === undefined) {
        throw new FeedError('decode', `not a DATEX II document: root element {${tag.uri}}${local}`, 422);
      }
    }
    if (this.pub) {
      if (this.depth === this.pubDepth + 1) this.readHeader(local);
      const rec = RECORDS[local];
      if (rec && rec.type === this.pub.type) this.push(tag);
      return;
    }
    if (this.genericDepth >= 0) return this.openInGeneric(tag);
    const version = versionOf(tag.uri);
    if (version === undefined) return;
    const xsiType = this.xsiType(tag);
    if (local === 'keepAlive' && version === 2) {
      this.headerField = 'keepAlive';
      this.timeText = '';
    } else if (local === 'exchangeInformation' && version === 3 && this.depth === this.containerDepth + 1) {
      this.keepAlive = 'keep-alive: a DATEX II v3 messageContainer with exchangeInformation and no payload';
    } else if (local === 'messageContainer' && version === 3) {
      this.containerDepth = this.depth;
    } else if (local === 'payloadPublication' || local === 'payload') {
      this.startPublication(version, xsiType ?? capitalize(local), tag);
    } else if (local.endsWith('Publication')) {
      this.startPublication(version, capitalize(local), tag);
    }
  }

  /** Starts reading a header field of the publication when `local` is one. */
  private readHeader(local: string): void {
    if (local === 'publicationTime' || local === 'timeDefault') {
      this.headerField = local;
      this.timeText = '';
    }
  }

  private xsiType(tag: SaxesTagNS): string | undefined {
    for (const a of Object.values(tag.attributes)) {
      if (a.local === 'type' && a.uri === XSI_NS) return stripPrefix(a.value.trim());
    }
    return undefined;
  }

  private startPublication(version: Datex2Version, className: string, tag: SaxesTagNS): void {
    this.pubVersion = version;
    this.publicationTime = undefined;
    this.pubLang = Object.values(tag.attributes).find((a) => a.local === 'lang' && a.uri === '')?.value.trim() || undefined;
    if (className === 'GenericPublication') {
      this.genericDepth = this.depth;
      this.genericFound = false;
      this.genericUnknown = undefined;
      return;
    }
    if (!PUBLICATIONS[className]) return this.refuse(`unsupported DATEX II publication ${className} at ${this.where()}`);
    this.setPublication(className);
  }

  /**
   * A publication we do not translate: in a v3 `messageContainer`, skipped whole (its element is the
   * one open) and listed in `skipped`; anywhere else, the document is refused.
   */
  private refuse(reason: string): void {
    if (this.containerDepth < 0) throw new FeedError('decode', reason, 422);
    if (this.skipped.length < MAX_SKIPPED) this.skipped.push(reason);
    this.skipDepth = this.depth;
  }

  /** Starts a publication we translate; its element is the one just opened. */
  private setPublication(className: string): void {
    this.pubDepth = this.depth;
    this.pub = { type: PUBLICATIONS[className], version: this.pubVersion };
    if (this.publicationTime) this.pub.publicationTime = this.publicationTime;
    if (this.pubLang) this.pub.lang = this.pubLang;
    this.publications.push(this.pub);
    if (this.genericDepth >= 0) this.genericFound = true;
  }

  /**
   * Inside a GenericPublication: each child of `genericPublicationExtension` names a publication
   * (unknown ones are skipped whole); a v3 generic payload may carry records directly.
   */
  private openInGeneric(tag: SaxesTagNS): void {
    const local = tag.local;
    if (this.depth === this.genericDepth + 1 && local === 'publicationTime') {
      this.readHeader(local);
    } else if (this.extensionDepth < 0 && local === 'genericPublicationExtension') {
      this.extensionDepth = this.depth;
    } else if (this.extensionDepth >= 0) {
      if (this.depth !== this.extensionDepth + 1) return;
      const className = capitalize(local);
      if (PUBLICATIONS[className]) this.setPublication(className);
      else this.genericUnknown ??= className;
    } else if (RECORDS[local]) {
      this.setPublication(CLASS_OF_TYPE[RECORDS[local].type]);
      this.pubDepth = this.genericDepth;
      this.push(tag);
    }
  }

  private push(tag: SaxesTagNS): void {
    if (++this.recordNodes > MAX_RECORD_NODES) {
      throw new FeedError('decode', `record too large (over ${MAX_RECORD_NODES} elements) at ${this.where()}`, 400);
    }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.uri === XSI_NS && a.local === 'type' ? stripPrefix(a.value.trim()) : a.value;
    }
    const node: XmlNode = { name: tag.local, attrs, children: [], text: '' };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(node);
    this.stack.push(node);
  }

  private text(t: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top) {
      if (top.text.length + t.length > MAX_TEXT) throw new FeedError('decode', `text too long at ${this.where()}`, 400);
      top.text += t;
    } else if (this.timeText !== undefined) {
      this.timeText += t.slice(0, 200);
    }
  }

  private closeTag(): void {
    const depth = this.depth--;
    if (this.stack.length > 0) {
      const node = this.stack.pop() as XmlNode;
      if (this.stack.length === 0) this.emit(node);
      return;
    }
    if (this.skipDepth >= 0) {
      if (depth === this.skipDepth) this.skipDepth = -1;
      return;
    }
    if (depth === this.containerDepth) this.containerDepth = -1;
    if (this.timeText !== undefined) this.closeHeader();
    if (depth === this.extensionDepth) this.extensionDepth = -1;
    if (depth === this.pubDepth) {
      this.pub = undefined;
      this.pubDepth = -1;
    }
    if (depth === this.genericDepth) {
      this.genericDepth = -1;
      if (!this.genericFound) {
        const what = this.genericUnknown ? `unsupported DATEX II publication ${this.genericUnknown} in a GenericPublication` : 'GenericPublication without a supported extension';
        const reason = `${what}, ending at ${this.where()}`;
        if (this.containerDepth < 0) throw new FeedError('decode', reason, 422);
        if (this.skipped.length < MAX_SKIPPED) this.skipped.push(reason);
      }
    }
  }

  /** Ends a header field: the publication time, an ElaboratedDataPublication's `timeDefault`, or `keepAlive`. */
  private closeHeader(): void {
    if (this.headerField === 'keepAlive') {
      if (this.timeText?.trim() === 'true') this.keepAlive = 'keep-alive: a DATEX II v2 exchange with keepAlive true and no payload publication';
      this.timeText = undefined;
      this.headerField = undefined;
      return;
    }
    const time = toUtc(this.timeText);
    if (this.headerField === 'timeDefault') {
      if (this.pub && time) this.pub.timeDefault = time;
    } else {
      this.publicationTime = time;
      if (this.pub && time) this.pub.publicationTime = time;
    }
    this.timeText = undefined;
    this.headerField = undefined;
  }

  private emit(node: XmlNode): void {
    this.recordNodes = 0;
    if (!this.pub) return;
    const out = RECORDS[node.name]?.extract(node, this.pub);
    if (!out) return;
    if (!Array.isArray(out)) this.out.push({ publication: this.pub, record: out });
    else for (const record of out) this.out.push({ publication: this.pub, record });
  }
}

/**
 * Parses a whole document held in memory; `parser.skipped` says which publications were skipped.
 * @example parseDatex2(xml).map((r) => r.record.kind) // ['siteMeasurements', 'siteMeasurements']
 */
export function parseDatex2(xml: string, parser = new Datex2Parser()): ParsedRecord[] {
  return [...parser.write(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml), ...parser.close()];
}

/** How a stream is read: the `charset` of its Content-Type (see encoding.ts), and the parser to use. */
export interface StreamOptions {
  charset?: string;
  parser?: Datex2Parser;
}

/**
 * Parses a document from a byte or text stream, yielding records as their elements close: memory is
 * bounded by one chunk plus one record, whatever the document size. Bytes are decoded as encoding.ts
 * says (byte-order mark, XML declaration, Content-Type charset, UTF-8).
 * @example for await (const { record } of parseDatex2Stream(fs.createReadStream('big.xml'))) count++;
 */
export async function* parseDatex2Stream(source: AsyncIterable<Buffer | Uint8Array | string>, options: StreamOptions = {}): AsyncGenerator<ParsedRecord> {
  const parser = options.parser ?? new Datex2Parser();
  let decoder: DocumentDecoder | undefined;
  let head: Buffer[] = [];
  let headLength = 0;
  /** Picks the decoder from the bytes held so far and decodes them. */
  const start = (): string => {
    const bytes = Buffer.concat(head);
    head = [];
    decoder = documentDecoder(bytes, options.charset);
    return decoder.decode(bytes, true);
  };
  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else if (decoder) {
      text = decoder.decode(chunk, true);
    } else {
      // The first bytes are held until the XML declaration can be read (a chunk may be a few bytes).
      head.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      headLength += chunk.byteLength;
      if (headLength < HEAD_BYTES) continue;
      text = start();
    }
    if (text) yield* parser.write(text);
  }
  const tail = (!decoder && headLength > 0 ? start() : '') + ((decoder as DocumentDecoder | undefined)?.decode() ?? '');
  if (tail) yield* parser.write(tail);
  yield* parser.close();
}
