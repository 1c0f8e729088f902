/**
 * Test and bench helper (excluded from the build): a synthetic NDW-like DATEX II v2
 * MeasuredDataPublication in a SOAP envelope, generated lazily so that tens of MB never sit in memory.
 * Each site has 12 values (6 TrafficFlow, 6 TrafficSpeed, every third speed −1), ≈ 3 kB per site:
 * 50 MB ≈ 17,000 sites.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?><SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/"><SOAP:Body>'
  + '<d2LogicalModel xmlns="http://datex2.eu/schema/2/2_0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" modelBaseVersion="2">'
  + '<exchange><supplierIdentification><country>nl</country><nationalIdentifier>NLNDW</nationalIdentifier></supplierIdentification></exchange>'
  + '<payloadPublication xsi:type="MeasuredDataPublication" lang="nl"><publicationTime>2025-08-15T21:49:42.016Z</publicationTime>'
  + '<publicationCreator><country>nl</country><nationalIdentifier>NLNDW</nationalIdentifier></publicationCreator>'
  + '<measurementSiteTableReference id="NDW01_MT" version="1648" targetClass="MeasurementSiteTable"/>'
  + '<headerInformation><confidentiality>noRestriction</confidentiality><informationStatus>real</informationStatus></headerInformation>\n';
const TAIL = '</payloadPublication></d2LogicalModel></SOAP:Body></SOAP:Envelope>\n';

/** Number of values per generated site, and how many of them carry data (speeds at −1 carry none). */
export const VALUES_PER_SITE = 12;
export const VALUES_WITH_DATA_PER_SITE = 10;

function site(n: number): string {
  const values: string[] = [];
  for (let i = 1; i <= 6; i++) {
    values.push(`<measuredValue index="${i}"><measuredValue><basicData xsi:type="TrafficFlow"><vehicleFlow><vehicleFlowRate>${(n * 7 + i * 60) % 1800}</vehicleFlowRate></vehicleFlow></basicData></measuredValue></measuredValue>`);
  }
  for (let i = 7; i <= 12; i++) {
    const speed = i % 3 === 0 ? -1 : 40 + ((n + i) % 80);
    values.push(`<measuredValue index="${i}"><measuredValue><basicData xsi:type="TrafficSpeed"><averageVehicleSpeed numberOfInputValuesUsed="${speed < 0 ? 0 : 2}"><speed>${speed}</speed></averageVehicleSpeed></basicData></measuredValue></measuredValue>`);
  }
  return `<siteMeasurements><measurementSiteReference id="SYN01_MST_${String(n).padStart(6, '0')}" version="1" targetClass="MeasurementSiteRecord"/>`
    + `<measurementTimeDefault>2025-08-15T21:48:00Z</measurementTimeDefault>${values.join('')}</siteMeasurements>\n`;
}

/**
 * A lazily generated publication of about `bytes` bytes (at least one site), as a Readable of strings.
 * `sites()` tells how many sites were generated once the stream has ended.
 * @example const { stream } = bigPublication(5e6); for await (const r of parseDatex2Stream(stream)) n++;
 */
export function bigPublication(bytes: number): { stream: Readable; sites: () => number } {
  let count = 0;
  function* chunks(): Generator<string> {
    let size = HEAD.length + TAIL.length;
    yield HEAD;
    let chunk = '';
    do {
      const s = site(++count);
      chunk += s;
      size += s.length;
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    } while (size < bytes);
    yield chunk + TAIL;
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), sites: () => count };
}

/**
 * Writes a synthetic publication of about `bytes` bytes to `path` (for benches).
 * @example await writeBigPublication('/tmp/datex2-50mb.xml', 50 * 1024 * 1024) // { bytes: 52430000, sites: 17000 }
 */
export async function writeBigPublication(path: string, bytes: number): Promise<{ path: string; sites: number }> {
  const { stream, sites } = bigPublication(bytes);
  await pipeline(stream, createWriteStream(path));
  return { path, sites: sites() };
}
