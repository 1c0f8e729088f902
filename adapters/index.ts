/** Every feed adapter the platform mounts under /ingest (see each folder's README). */
import type { Adapter } from '../src/ingest/types';
import { talqGroupsAdapter, talqLogReportAdapter } from './lighting';
import { LIGHTING_NOTIFICATION_PATH } from './lighting/commands/route';
import { datex2Adapter } from './mobility';
import { waterAdapters } from './water';

/** The built-in adapters; what they emit is checked against schemas/entities at run time. */
export const ADAPTERS: Adapter[] = [...waterAdapters, talqLogReportAdapter, talqGroupsAdapter, datex2Adapter].map((a) => ({ ...a, validateEntities: true }));

/** The notification webhooks under /ingest (src/ingest/routes.ts NotificationRoute), mounted when configured. */
export const NOTIFICATION_PATHS: string[] = [LIGHTING_NOTIFICATION_PATH];
