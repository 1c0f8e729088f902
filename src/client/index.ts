/** NGSI-LD client for any broker (see README.md in this folder). */
export { createNgsiLdClient } from './create-client';
export { createRemoteCompletenessReader, createRemoteEpisodeReader, createRemoteObservationReader, createRemoteWriter } from './remote-writer';
export { backoffDelay } from './backoff';
export { CORE_CONTEXT_V16, CORE_CONTEXT_V18 } from './payload';
export {
  NgsiLdClientError,
  type CallOptions,
  type ClientLog,
  type Flavour,
  type NgsiLdClient,
  type NgsiLdClientOptions,
  type QueryAllResult,
  type QueryParams,
  type QueryResult,
  type ReadOptions,
  type RetryInfo,
  type UpsertOptions,
  type WriteOptions,
} from './types';
