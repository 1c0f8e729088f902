/** The base path of the NGSI-LD API (as Orion-LD): every route of routes.ts lives under it. */
export const API_BASE = '/ngsi-ld/v1';
