/**
 * THE route table of the NGSI-LD API: verb, path (OpenAPI form), operation and the query parameters
 * each route accepts. The HTTP pipeline rejects any other parameter (400 BadRequestData), and a test
 * checks that openapi.yaml documents exactly these routes and parameters.
 */
import { appendAttributes } from './operations/append-attributes';
import { batchCreate } from './operations/batch-create';
import { batchDelete } from './operations/batch-delete';
import { batchMerge } from './operations/batch-merge';
import { batchUpdate } from './operations/batch-update';
import { batchUpsert } from './operations/batch-upsert';
import { createEntity } from './operations/create-entity';
import { createSubscription } from './operations/create-subscription';
import { deleteAttribute } from './operations/delete-attribute';
import { deleteEntity } from './operations/delete-entity';
import { deleteSubscription } from './operations/delete-subscription';
import { mergeEntity } from './operations/merge-entity';
import { partialAttributeUpdate } from './operations/partial-attribute-update';
import { queryEntities } from './operations/query-entities';
import { queryEntitiesPost } from './operations/query-entities-post';
import { querySubscriptions } from './operations/query-subscriptions';
import { replaceAttribute } from './operations/replace-attribute';
import { replaceEntity } from './operations/replace-entity';
import { retrieveEntity } from './operations/retrieve-entity';
import { retrieveSubscription } from './operations/retrieve-subscription';
import { updateAttributes } from './operations/update-attributes';
import { updateSubscription } from './operations/update-subscription';
import type { MediaType, Operation } from './request';

export { API_BASE } from './api-base';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under API_BASE, OpenAPI style (`/entities/{entityId}`). */
  path: string;
  operationId: string;
  operation: Operation;
  /** Accepted query parameters. */
  params: readonly string[];
  /** Whether a JSON body is required. */
  body: boolean;
  /** Accepted request media types when there is a body. */
  consumes?: readonly string[];
  /** Representations the route can answer with. */
  produces: readonly MediaType[];
}

const RENDER = ['attrs', 'options', 'format', 'lang', 'geometryProperty'] as const;
const JSON_IN = ['application/json', 'application/ld+json'] as const;
const MERGE_IN = ['application/json', 'application/ld+json', 'application/merge-patch+json'] as const;
const JSON_OUT: readonly MediaType[] = ['application/json', 'application/ld+json'];
const ENTITY_OUT: readonly MediaType[] = ['application/json', 'application/ld+json', 'application/geo+json'];

export const ROUTES: readonly Route[] = [
  {
    method: 'GET', path: '/entities', operationId: 'queryEntities', operation: queryEntities, body: false, produces: ENTITY_OUT,
    params: ['type', 'id', 'idPattern', 'q', 'georel', 'geometry', 'coordinates', 'geoproperty', 'limit', 'offset', 'count', 'local', ...RENDER],
  },
  { method: 'POST', path: '/entities', operationId: 'createEntity', operation: createEntity, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'GET', path: '/entities/{entityId}', operationId: 'retrieveEntity', operation: retrieveEntity, body: false, produces: ENTITY_OUT, params: ['type', 'local', ...RENDER] },
  { method: 'DELETE', path: '/entities/{entityId}', operationId: 'deleteEntity', operation: deleteEntity, body: false, produces: JSON_OUT, params: [] },
  { method: 'PUT', path: '/entities/{entityId}', operationId: 'replaceEntity', operation: replaceEntity, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'PATCH', path: '/entities/{entityId}', operationId: 'mergeEntity', operation: mergeEntity, body: true, consumes: MERGE_IN, produces: JSON_OUT, params: [] },
  { method: 'POST', path: '/entities/{entityId}/attrs', operationId: 'appendAttrs', operation: appendAttributes, body: true, consumes: JSON_IN, produces: JSON_OUT, params: ['options'] },
  { method: 'PATCH', path: '/entities/{entityId}/attrs', operationId: 'updateAttrs', operation: updateAttributes, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'PATCH', path: '/entities/{entityId}/attrs/{attrId}', operationId: 'partialAttrUpdate', operation: partialAttributeUpdate, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'PUT', path: '/entities/{entityId}/attrs/{attrId}', operationId: 'replaceAttr', operation: replaceAttribute, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'DELETE', path: '/entities/{entityId}/attrs/{attrId}', operationId: 'deleteAttr', operation: deleteAttribute, body: false, produces: JSON_OUT, params: ['datasetId', 'deleteAll'] },
  { method: 'POST', path: '/entityOperations/create', operationId: 'batchCreate', operation: batchCreate, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'POST', path: '/entityOperations/upsert', operationId: 'batchUpsert', operation: batchUpsert, body: true, consumes: JSON_IN, produces: JSON_OUT, params: ['options'] },
  { method: 'POST', path: '/entityOperations/update', operationId: 'batchUpdate', operation: batchUpdate, body: true, consumes: JSON_IN, produces: JSON_OUT, params: ['options'] },
  { method: 'POST', path: '/entityOperations/delete', operationId: 'batchDelete', operation: batchDelete, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'POST', path: '/entityOperations/merge', operationId: 'batchMerge', operation: batchMerge, body: true, consumes: MERGE_IN, produces: JSON_OUT, params: [] },
  {
    method: 'POST', path: '/entityOperations/query', operationId: 'queryBatch', operation: queryEntitiesPost, body: true, consumes: JSON_IN, produces: ENTITY_OUT,
    params: ['limit', 'offset', 'count', 'local', 'options', 'format', 'lang', 'geometryProperty'],
  },
  { method: 'POST', path: '/subscriptions', operationId: 'createSubscription', operation: createSubscription, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'GET', path: '/subscriptions', operationId: 'querySubscription', operation: querySubscriptions, body: false, produces: JSON_OUT, params: ['limit', 'offset', 'count'] },
  { method: 'GET', path: '/subscriptions/{subscriptionId}', operationId: 'retrieveSubscription', operation: retrieveSubscription, body: false, produces: JSON_OUT, params: [] },
  { method: 'PATCH', path: '/subscriptions/{subscriptionId}', operationId: 'updateSubscription', operation: updateSubscription, body: true, consumes: JSON_IN, produces: JSON_OUT, params: [] },
  { method: 'DELETE', path: '/subscriptions/{subscriptionId}', operationId: 'deleteSubscription', operation: deleteSubscription, body: false, produces: JSON_OUT, params: [] },
];
