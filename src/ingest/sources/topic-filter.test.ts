import { topicFilterProblem } from './topic-filter';

it.each([
  ['application/+/device/+/event/up', undefined],
  ['#', undefined],
  ['a/#', undefined],
  ['+', undefined],
  ['a//b', undefined], // an empty level is a level
  ['/a', undefined],
  ['x/#/y', "'#' must be the whole last level"],
  ['a#', "'#' must be the whole last level"],
  ['a/b+', "'+' must be a whole level"],
  ['', 'is empty'],
  ['a\u0000b', 'contains a NUL character'],
  ['a'.repeat(70_000), 'is longer than 65,535 bytes'],
])('%j → %s', (filter, problem) => {
  expect(topicFilterProblem(filter)).toBe(problem);
});
