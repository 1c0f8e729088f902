/**
 * The little of Node-RED's embedding API and of node-red-node-test-helper that ECLOR uses (neither
 * ships TypeScript types). The node-side API our nodes see is typed in nodes/lib/red.ts.
 */
declare module 'node-red' {
  import type http from 'node:http';

  /** Node-RED's own Express 4 apps. */
  type ExpressApp = http.RequestListener;

  interface NodeRedEmbedded {
    /** Once per process (Node-RED keeps module state; it cannot be restarted after stop()). */
    init(server: http.Server, settings: Record<string, unknown>): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    readonly httpAdmin: ExpressApp;
    readonly httpNode: ExpressApp;
    readonly version: string;
  }
  const RED: NodeRedEmbedded;
  export = RED;
}

declare module 'node-red-node-test-helper' {
  interface NodeTestHelper {
    init(runtimePath?: string, settings?: Record<string, unknown>): void;
    settings(userSettings: Record<string, unknown>): Record<string, unknown>;
    load(nodes: unknown | unknown[], flow: Array<Record<string, unknown>>, credentials?: Record<string, unknown>): Promise<void>;
    unload(): Promise<void>;
    setFlows(flow: Array<Record<string, unknown>>, type?: 'full' | 'flows' | 'nodes'): Promise<void>;
    getNode(id: string): (import('node:events').EventEmitter & { id: string; receive(msg: Record<string, unknown>): void }) | null;
    clearFlows(): Promise<void>;
  }
  const helper: NodeTestHelper;
  export = helper;
}
