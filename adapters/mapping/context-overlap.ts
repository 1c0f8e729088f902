/**
 * The order of a mapping's contexts matters: in JSON-LD a later context overrides an earlier one for
 * a term both define, so an attribute name shared by two Smart Data Models (temperature, category,
 * refDevice …) is stored under the IRI of the LAST context that defines it. Checked offline, with the
 * built-in copies of the contexts (schemas/contexts/); a context without a built-in copy is not checked.
 */
import { loadBuiltinContexts, type BuiltinContexts } from '../../src/ngsi-ld/context/builtin';

let builtin: BuiltinContexts | undefined;

function iriIn(url: string, term: string): string | undefined {
  builtin ??= loadBuiltinContexts();
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return undefined;
  }
  const def = builtin.byUrl.get(href)?.file.terms[term];
  return typeof def === 'string' ? def : def?.['@id'];
}

const label = (url: string) => /dataModel\.([A-Za-z]+)/.exec(url)?.[1] ?? url;

/**
 * Warnings for the names that two listed contexts define differently when the one that wins (the last)
 * is not the entity type's own context (the one defining the type). Empty when the order is right.
 * @example contextWarnings([WASTE, DEVICE], 'WasteContainer', ['temperature'])
 * // ['attribute temperature is defined by the WasteManagement and Device contexts: the later one wins …']
 */
export function contextWarnings(contexts: string[], type: string, names: string[]): string[] {
  const own = contexts.filter((c) => iriIn(c, type) !== undefined).at(-1);
  const out: string[] = [];
  for (const name of names) {
    const defining = contexts.filter((c) => iriIn(c, name) !== undefined);
    const iris = new Set(defining.map((c) => iriIn(c, name)));
    const winner = defining.at(-1);
    if (iris.size < 2 || winner === undefined || winner === own) continue;
    out.push(
      `attribute ${name} is defined by the ${defining.map(label).join(' and ')} contexts: the later one wins, so it is stored as ${iriIn(winner, name)}` +
        (own ? `; list the ${type} context (${label(own)}) last` : ''),
    );
  }
  return out;
}
