/** Every feed adapter the platform mounts under /ingest (see each folder's README). */
import type { Adapter } from '../src/ingest/types';
import { talqGroupsAdapter, talqLogReportAdapter } from './lighting';
import { datex2Adapter } from './mobility';
import { waterAdapters } from './water';

export const ADAPTERS: Adapter[] = [...waterAdapters, talqLogReportAdapter, talqGroupsAdapter, datex2Adapter];
