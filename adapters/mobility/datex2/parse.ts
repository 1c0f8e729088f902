/**
 * Streaming DATEX II parser on saxes. Accepts:
 * - v2 (`http://datex2.eu/schema/2/2_0`): `d2LogicalModel/payloadPublication[@xsi:type]`, also inside a
 *   SOAP 1.1/1.2 envelope (with or without an operation wrapper), and publications wrapped in a
 *   `GenericPublication` (every child of `genericPublicationExtension` is a publication:
 *   `parkingStatusPublication`, `parkingFacilityTableStatusPublication` …; unknown ones are skipped);
 * - v3 (`http://datex2.eu/schema/3/…`): `d2:payload[@xsi:type]`, `messageContainer/payload` (one or
 *   more), or a `…Publication` root element.
 * Publications: MeasurementSiteTable, MeasuredData, ElaboratedData, ParkingTable (also the MDM
 * `parkingFacilityTablePublication`), ParkingStatus (also the MDM `parkingFacilityTableStatusPublication`).
 * Only the current site record is held in memory (an element tree of a few kB); records are emitted as
 * soon as their element closes.
 *
 * Errors are FeedErrors at stage 'decode': malformed or truncated XML → 400 with line and column;
 * a document that is not DATEX II, or a publication we do not translate → 422; an unknown declared
 * encoding → 415.
 */
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FeedError } from '../../../src/ingest/types';
import { parkingStatusInformation } from './parking-status-information';
import { elaboratedData, measurementSite, parkingAreaSites, parkingFacilityStatus, parkingSite, parkingStatus, siteMeasurements, toUtc } from './records';
import type { Datex2Record, Datex2Version, ParsedRecord, Publication, PublicationType } from './types';
import type { XmlNode } from './xml-tree';

const V2_NS = 'http://datex2.eu/schema/2/';
const V3_NS = 'http://datex2.eu/schema/3/';
const SOAP_NS = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** DATEX II publication class → what we translate it as. */
const PUBLICATIONS: Record<string, PublicationType> = {
  MeasurementSiteTablePublication: 'MeasurementSiteTable',
  MeasuredDataPublication: 'MeasuredData',
  ElaboratedDataPublication: 'ElaboratedData',
  ParkingTablePublication: 'ParkingTable',
  ParkingFacilityTablePublication: 'ParkingTable',
  ParkingStatusPublication: 'ParkingStatus',
  // German MDM v2 profile (Frankfurt, Wuppertal, Aachen …; also Tampere): `parkingFacilityStatus` records.
  ParkingFacilityTableStatusPublication: 'ParkingStatus',
};

/** Record element (local name) → its publication and extractor. */
const RECORDS: Record<string, { type: PublicationType; extract: (n: XmlNode) => Datex2Record | Datex2Record[] | undefined }> = {
  measurementSiteRecord: { type: 'MeasurementSiteTable', extract: measurementSite },
  measurementSite: { type: 'MeasurementSiteTable', extract: measurementSite },
  siteMeasurements: { type: 'MeasuredData', extract: siteMeasurements },
  elaboratedData: { type: 'ElaboratedData', extract: elaboratedData },
  parkingRecord: { type: 'ParkingTable', extract: parkingSite },
  parkingFacility: { type: 'ParkingTable', extract: parkingSite },
  parkingArea: { type: 'ParkingTable', extract: parkingAreaSites },
  parkingRecordStatus: { type: 'ParkingStatus', extract: parkingStatus },
  parkingFacilityStatus: { type: 'ParkingStatus', extract: parkingFacilityStatus },
  // DATEX II v3.4 and later (facilities-based parking model)
  parkingStatusInformation: { type: 'ParkingStatus', extract: parkingStatusInformation },
};

/** The publication class whose records a record element belongs to (a v3 generic payload carrying records directly). */
const CLASS_OF_TYPE: Record<PublicationType, string> = {
  MeasurementSiteTable: 'MeasurementSiteTablePublication',
  MeasuredData: 'MeasuredDataPublication',
  ElaboratedData: 'ElaboratedDataPublication',
  ParkingTable: 'ParkingTablePublication',
  ParkingStatus: 'ParkingStatusPublication',
};

/** Bounds on one record, so a hostile document cannot grow memory through a single element. */
const MAX_RECORD_NODES = 20_000;
const MAX_TEXT = 65_536;

function versionOf(uri: string): Datex2Version | undefined {
  if (uri.startsWith(V2_NS)) return 2;
  if (uri.startsWith(V3_NS)) return 3;
  return undefined;
}

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
  /** `xsi` is bound even when undeclared: excerpts cut from a publication (NDW's single records) use `xsi:type` without the declaration. */
  private readonly sax = new SaxesParser({ xmlns: true, position: true, additionalNamespaces: { xsi: XSI_NS } });
  private out: ParsedRecord[] = [];
  private depth = 0;
  private sawRoot = false;
  /** The publication element being read, and its depth. */
  private pubDepth = -1;
  private pub?: Publication;
  private pubVersion: Datex2Version = 2;
  private publicationTime?: string;
  /**
   * The GenericPublication being read (v2), its depth, whether one of its extension's children was a
   * publication we translate, and the first one that was not. An extension may carry several
   * publications side by side (MDM: a facility table and its status table).
   */
  private genericDepth = -1;
  private genericFound = false;
  private genericUnknown?: string;
  private extensionDepth = -1;
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
    if (this.publications.length === 0) throw new FeedError('decode', 'no DATEX II publication found in the document', 422);
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
      if (!SOAP_NS.has(tag.uri) && versionOf(tag.uri) === undefined) {
        throw new FeedError('decode', `not a DATEX II document: root element {${tag.uri}}${local}`, 422);
      }
    }
    if (this.pub) {
      if (this.depth === this.pubDepth + 1 && local === 'publicationTime') this.timeText = '';
      const rec = RECORDS[local];
      if (rec && rec.type === this.pub.type) this.push(tag);
      return;
    }
    if (this.genericDepth >= 0) return this.openInGeneric(tag);
    const version = versionOf(tag.uri);
    if (version === undefined) return;
    const xsiType = this.xsiType(tag);
    if (local === 'payloadPublication' || local === 'payload') {
      this.startPublication(version, xsiType ?? capitalize(local));
    } else if (local.endsWith('Publication')) {
      this.startPublication(version, capitalize(local));
    }
  }

  private xsiType(tag: SaxesTagNS): string | undefined {
    for (const a of Object.values(tag.attributes)) {
      if (a.local === 'type' && a.uri === XSI_NS) return stripPrefix(a.value.trim());
    }
    return undefined;
  }

  private startPublication(version: Datex2Version, className: string): void {
    this.pubVersion = version;
    this.publicationTime = undefined;
    if (className === 'GenericPublication') {
      this.genericDepth = this.depth;
      this.genericFound = false;
      this.genericUnknown = undefined;
      return;
    }
    if (!PUBLICATIONS[className]) throw new FeedError('decode', `unsupported DATEX II publication ${className} at ${this.where()}`, 422);
    this.setPublication(className);
  }

  /** Starts a publication we translate; its element is the one just opened. */
  private setPublication(className: string): void {
    this.pubDepth = this.depth;
    this.pub = { type: PUBLICATIONS[className], version: this.pubVersion };
    if (this.publicationTime) this.pub.publicationTime = this.publicationTime;
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
      this.timeText = '';
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
    if (this.timeText !== undefined) {
      this.publicationTime = toUtc(this.timeText);
      if (this.pub && this.publicationTime) this.pub.publicationTime = this.publicationTime;
      this.timeText = undefined;
    }
    if (depth === this.extensionDepth) this.extensionDepth = -1;
    if (depth === this.pubDepth) {
      this.pub = undefined;
      this.pubDepth = -1;
    }
    if (depth === this.genericDepth) {
      if (!this.genericFound) {
        const what = this.genericUnknown ? `unsupported DATEX II publication ${this.genericUnknown} in a GenericPublication` : 'GenericPublication without a supported extension';
        throw new FeedError('decode', `${what}, ending at ${this.where()}`, 422);
      }
      this.genericDepth = -1;
    }
  }

  private emit(node: XmlNode): void {
    this.recordNodes = 0;
    const out = RECORDS[node.name]?.extract(node);
    if (!out || !this.pub) return;
    for (const record of Array.isArray(out) ? out : [out]) this.out.push({ publication: this.pub, record });
  }
}

/**
 * Parses a whole document held in memory.
 * @example parseDatex2(xml).map((r) => r.record.kind) // ['siteMeasurements', 'siteMeasurements']
 */
export function parseDatex2(xml: string): ParsedRecord[] {
  const p = new Datex2Parser();
  return [...p.write(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml), ...p.close()];
}

/** The `encoding` of an XML declaration (matched once per document, on its first bytes). */
const DECLARED_ENCODING = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
const HEAD_BYTES = 256;

/**
 * The text decoder for a document, from its first bytes: UTF-16 when it starts with a UTF-16 byte-order
 * mark, the encoding its XML declaration names (older v2 publishers send `ISO-8859-1`), else UTF-8.
 * An encoding the runtime does not know is a FeedError 415.
 * @example decoderFor(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).encoding // 'windows-1252'
 */
export function decoderFor(head: Uint8Array): TextDecoder {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le');
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be');
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, HEAD_BYTES)).toString('latin1');
  const label = DECLARED_ENCODING.exec(text)?.[1];
  if (!label) return new TextDecoder('utf-8');
  try {
    return new TextDecoder(label);
  } catch {
    throw new FeedError('decode', `unsupported document encoding ${label}`, 415);
  }
}

/**
 * Parses a document from a byte or text stream, yielding records as their elements close: memory is
 * bounded by one chunk plus one record, whatever the document size. Bytes are decoded as the document
 * declares (see `decoderFor`), UTF-8 by default.
 * @example for await (const { record } of parseDatex2Stream(fs.createReadStream('big.xml'))) count++;
 */
export async function* parseDatex2Stream(source: AsyncIterable<Buffer | Uint8Array | string>, parser = new Datex2Parser()): AsyncGenerator<ParsedRecord> {
  let decoder: TextDecoder | undefined;
  let head: Buffer[] = [];
  let headLength = 0;
  /** Picks the decoder from the bytes held so far and decodes them. */
  const start = (): string => {
    const bytes = Buffer.concat(head);
    head = [];
    decoder = decoderFor(bytes);
    return decoder.decode(bytes, { stream: true });
  };
  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else if (decoder) {
      text = decoder.decode(chunk, { stream: true });
    } else {
      // The first bytes are held until the XML declaration can be read (a chunk may be a few bytes).
      head.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      headLength += chunk.byteLength;
      if (headLength < HEAD_BYTES) continue;
      text = start();
    }
    if (text) yield* parser.write(text);
  }
  const tail = (!decoder && headLength > 0 ? start() : '') + (decoder?.decode() ?? '');
  if (tail) yield* parser.write(tail);
  yield* parser.close();
}
