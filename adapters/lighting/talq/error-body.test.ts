import { talqErrorBody } from './error-body';

const problem = (status: number, detail: string) => ({ type: 'x', title: 'Message rejected', status, detail, deadLetter: 3 });

it.each([
  [400, 'payloadError: entries[0].data.srcAddress is required', 'payloadError', 'entries[0].data.srcAddress is required (ECLOR dead letter 3)'],
  [422, 'nothing written: the entity was refused', 'payloadError', 'nothing written: the entity was refused (ECLOR dead letter 3)'],
  [409, 'nothing written: every entity is older', 'resourceConflict', 'nothing written: every entity is older (ECLOR dead letter 3)'],
  [415, 'takes application/json', 'headerValueNotValid', 'takes application/json (ECLOR dead letter 3)'],
  // our broker unreachable: not the payload's fault, the gateway should send it again
  [503, 'broker unreachable after 3 attempts', 'genericError', 'broker unreachable after 3 attempts (ECLOR dead letter 3)'],
])('%i %s → %s', (status, detail, key, description) => {
  expect(talqErrorBody(problem(status, detail))).toEqual([{ key, description }]);
});

it("names each refused device with the place of the refused datum in the report", () => {
  const rejected = [{ entityId: 'urn:ngsi-ld:Streetlight:x:l1', at: 'entries[2]', reason: 'actualLightState: level 130 % is out of range 0..100 %', deadLetter: 4 }];
  expect(talqErrorBody({ ...problem(422, 'nothing written'), rejected })).toEqual([
    { key: 'payloadError', description: 'urn:ngsi-ld:Streetlight:x:l1: entries[2] actualLightState: level 130 % is out of range 0..100 % (ECLOR dead letter 4)' },
  ]);
});
