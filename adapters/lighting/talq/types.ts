/**
 * The TALQ 2.7.1 structures this adapter reads, as the data model (talq-data-model-2-7-1-online.json,
 * components/schemas) defines them: a `LogReport` posted by a gateway to the CMS
 * (`POST /log-reports`), its three kinds of log data, and `Group`. Only the members we use are typed;
 * unknown members are tolerated (TALQ minor versions add optional members).
 */

/** A TALQ `Attribute` value: `type` is the discriminator (AttributeFloat, AttributeLevelState …). */
export interface TalqAttribute {
  /** '' when the gateway sent none (the attribute name still decides the mapping). */
  type: string;
  /** Time of measurement / change, optional; ISO 8601 UTC after decode. */
  timestamp?: string;
  /** Shape depends on `type`; checked by decode for the standard attribute types. */
  value?: unknown;
}

/** A TALQ `State` (LevelState, BooleanState …): `name` is the discriminator. */
export interface TalqState {
  name: string;
  /** LevelState: DimLevel 0..100; BooleanState: boolean; Integer/FloatState: number. */
  value?: unknown;
  /** Level* colour states carry the level here. */
  level?: unknown;
}

/** A TALQ `Command` (as in StateChangeEventLogData.command). */
export interface TalqCommand {
  state: TalqState;
  reason?: string;
}

interface LogDataBase {
  /** `{deviceAddress}` or `{deviceAddress}/{functionId}[/…]`, normalized by decode (address.ts). */
  srcAddress: string;
  /** Creation time of the log data, optional; decode normalizes it to ISO 8601 UTC (time.ts). */
  timestamp?: string;
}

export interface AttributeLogData extends LogDataBase {
  type: 'AttributeLogData';
  attributeName: string;
  attributeValue: TalqAttribute;
}

export interface EventLogData extends LogDataBase {
  type: 'EventLogData';
  eventType: string;
  /** true: the condition starts; false: it ends; absent: a one-off event. */
  startEndFlag?: boolean;
  info?: Array<{ description?: string; lang?: string }>;
  attributes?: Array<{ value: TalqAttribute; srcAddress?: string; tag?: string }>;
}

export interface StateChangeEventLogData extends LogDataBase {
  type: 'StateChangeEventLogData';
  eventType: string;
  /** Required by the schema; some gateways log only the resulting `state`, which is enough. */
  command?: TalqCommand;
  /** Logged when the resulting state differs from the command. */
  state?: TalqState;
}

export type TalqLogData = AttributeLogData | EventLogData | StateChangeEventLogData;

export interface TalqLogEntry {
  cmsRefId?: string;
  /** Optional in the schema; an entry without data carries nothing. */
  data?: TalqLogData;
  /** Why decode kept no data for this entry (e.g. a vendor log data type), for the notes. */
  ignored?: string;
  /** The entry as it was sent (what a refused device's dead letter holds, to be replayed). */
  raw?: unknown;
  /** Where it is in the body (`entries[2]`, `[1].entries[0]` in an array of reports). */
  at?: string;
  /** The `address` of the report it came in (the reports of an array may have their own). */
  address?: string;
}

/** The body of `POST /log-reports` (TALQ `LogReport`; no member is required by the schema). */
export interface TalqLogReport {
  /** Address of the LoggerConfig that recorded the entries. */
  address?: string;
  entries: TalqLogEntry[];
}

/** The request around a log report: query parameters and header of the CMS API operation `sendLogReport`. */
export interface TalqRequest {
  /** Address (UUID) of the gateway sending the report. */
  clientAddress: string;
  talqRequestId: string;
  talqOriginRequestId?: string;
  /** The `talq-api-version` header, e.g. '2.7.1'. */
  apiVersion: string;
}

export interface DecodedLogReport {
  request: TalqRequest;
  report: TalqLogReport;
}

/** A TALQ `ResourceReference`, e.g. `{ resource: 'devices', address: '<uuid>' }`. */
export interface TalqResourceReference {
  resource: string;
  address: string;
}

/** A TALQ `Group` (as the CMS API `GET /groups` returns them). */
export interface TalqGroup {
  address: string;
  ownerCMS: string;
  members: TalqResourceReference[];
  purpose?: string;
}
