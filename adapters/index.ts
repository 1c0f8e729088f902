/** Every feed adapter the platform mounts under /ingest (see each folder's README). */
import type { Adapter } from '../src/ingest/types';

export const ADAPTERS: Adapter[] = [];
