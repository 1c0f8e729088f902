/**
 * The webhook the broker notifies: `POST /ingest/lighting/talq/notifications`. It is mounted with
 * the ingest routes when the server is built, before the controller starts (the controller needs
 * the listening port); until a handler is attached it answers 503 so the broker retries later.
 */
import type { NotificationRoute } from '../../../src/ingest/routes';

/** Where the lighting subscription's notifications go. */
export const LIGHTING_NOTIFICATION_PATH = '/ingest/lighting/talq/notifications';

export interface AttachableRoute extends NotificationRoute {
  /** Sets the handler; returns a function that removes it. */
  attach(handler: (body: unknown) => void): () => void;
}

/**
 * @example
 * const route = createLightingNotificationRoute();
 * await createApp({ …, ingest: { ...ingest.routes, notifications: [route] } });
 * startLightingCommands({ …, route });
 */
export function createLightingNotificationRoute(path = LIGHTING_NOTIFICATION_PATH): AttachableRoute {
  let handler: ((body: unknown) => void) | undefined;
  return {
    path,
    accept(body) {
      if (!handler) return false;
      handler(body);
      return true;
    },
    attach(h) {
      handler = h;
      return () => {
        if (handler === h) handler = undefined;
      };
    },
  };
}
