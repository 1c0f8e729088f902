/** Test support: the FeedError a call throws (any other outcome fails the test). */
import { FeedError } from '../../src/ingest/types';

/** The FeedError `run` throws; another exception is rethrown, no exception fails. */
export function feedError(run: () => unknown): FeedError {
  try {
    run();
  } catch (e) {
    if (e instanceof FeedError) return e;
    throw e;
  }
  throw new Error('no FeedError');
}

/** The reason of the 422 FeedError `run` throws (a codec refusing a frame). */
export function reason422(run: () => unknown): string {
  const err = feedError(run);
  expect(err.status).toBe(422);
  return err.message;
}
