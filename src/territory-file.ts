/**
 * The territory file (TERRITORY_FILE): one document, JSON or YAML (by its extension, `.yaml`/`.yml`),
 * read by the device registry, the feed sources, the lighting commands and the flows' settings. A file
 * that cannot be read or parsed stops the start with a message that names it.
 */
import fs from 'node:fs';
import YAML from 'yaml';

/**
 * The parsed document of a territory file; throws an Error naming the file and the fault.
 * @example
 * readTerritoryFile('/etc/eclor/territory.yaml').territory; // 'val-de-sambre'
 */
export function readTerritoryFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`TERRITORY_FILE ${file} cannot be read: ${(err as Error).message}`);
  }
  return parseTerritoryText(text, file);
}

/** The document of a territory file's text (`file` names the format and the faults). */
export function parseTerritoryText(text: string, file: string): Record<string, unknown> {
  const yaml = /\.ya?ml$/i.test(file);
  let doc: unknown;
  try {
    doc = yaml ? YAML.parse(text.replace(/^\uFEFF/, '')) : JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const hint = yaml ? '' : ' (a YAML territory file must be named .yaml or .yml)';
    throw new Error(`TERRITORY_FILE ${file} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}${hint}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`TERRITORY_FILE ${file} must hold an object ({ "territory": …, "devices": [ … ] })`);
  return doc as Record<string, unknown>;
}
