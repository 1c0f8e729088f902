/**
 * The declarative mapping, compiled (DESIGN.md "adapters/mapping"): a YAML file validated against
 * schemas/mapping.schema.json whose jexl expressions are compiled up front. Every compiled piece
 * keeps the line of the mapping it came from, so a message that fails names the line at fault.
 */
import type { Attribute } from '../../src/ngsi-ld/types';
import type { EvalEnv } from './evaluate';

/** The context an expression sees. `deviceId` and `device` are not set for the deviceId expression. */
export interface ExprContext {
  payload: unknown;
  territory: string;
  receivedAt: string;
  deviceId?: string;
  /** The territory device registry's entry of deviceId, when there is one. */
  device?: unknown;
}

/** A compiled jexl expression and where it is in the mapping. */
export interface CompiledExpr {
  source: string;
  /** JSON pointer in the mapping, e.g. /attributes/fillingLevel/expr. */
  pointer: string;
  /** 1-based line in the mapping file. */
  line: number;
  /** The JSON value, or a Missing (./expr-values.ts) naming the input that was missing. */
  evaluate(ctx: ExprContext, env?: EvalEnv): unknown;
}

export interface CompiledAttribute {
  name: string;
  kind: 'Property' | 'Relationship' | 'GeoProperty';
  expr: CompiledExpr;
  /** Line of the attribute's key. */
  line: number;
  valueType?: 'DateTime';
  unitCode?: string;
  /** undefined: true for numeric Properties, false otherwise. */
  observedAt?: boolean;
  optional: boolean;
  min?: number;
  max?: number;
}

export type MappingSource = { kind: 'http'; path: string } | { kind: 'mqtt'; topic: string; qos: 0 | 1 | 2 };

export type CompiledLocation =
  | { kind: 'expr'; lon: CompiledExpr; lat: CompiledExpr; line: number }
  | { kind: 'fixed'; coordinates: [number, number]; line: number };

/** A mapping ready to translate messages. */
export interface CompiledMapping {
  name: string;
  /** The file it was loaded from (or a label such as '<inline>'). */
  file: string;
  description?: string;
  source: MappingSource;
  /** Webhook path: /ingest/mapping/<name>. */
  path: string;
  deviceId: CompiledExpr;
  /** `idLine`: the line of idTemplate. */
  entity: { type: string; idTemplate: string; idLine: number; context: string[] };
  observedAt?: CompiledExpr;
  attributes: CompiledAttribute[];
  /** Fixed attributes; strings may hold {territory}, {deviceId}, {name}. */
  static: Record<string, Attribute>;
  location?: CompiledLocation;
  mode: 'merge' | 'replace';
  /** What loads but is likely wrong (an attribute name defined by two of the contexts …). */
  warnings: string[];
}
