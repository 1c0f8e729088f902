import { filtersOverlap, topicFilterProblem } from './topic-filter';

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

it.each([
  ['bins/#', 'bins/+/up', true],
  ['bins/+/up', 'bins/1/up', true],
  ['bins/+/up', 'cans/+/up', false],
  ['a/b', 'a/b/c', false],
  ['a/#', 'a', true],
  ['#', 'x/y', true],
  ['+/+', 'a', false],
  ['a/+', 'a/b', true],
  ['application/+/device/+/event/up', 'application/+/device/+/event/status', false],
])('%s and %s overlap: %s', (a, b, overlap) => {
  expect([filtersOverlap(a, b), filtersOverlap(b, a)]).toEqual([overlap, overlap]);
});
