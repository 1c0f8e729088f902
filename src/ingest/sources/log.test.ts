import { splitCredentials } from './log';

test('credentials of a URL become a Basic authorization, the URL without them', () => {
  expect(splitCredentials('http://bob:p%40ss@127.0.0.1:8080/pub.xml?key=k')).toEqual({ url: 'http://127.0.0.1:8080/pub.xml?key=k', authorization: `Basic ${Buffer.from('bob:p@ss').toString('base64')}` });
  expect(splitCredentials('mqtt://alice:pw@broker:1883')).toEqual({ url: 'mqtt://broker:1883', authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` });
  expect(splitCredentials('http://127.0.0.1/x')).toEqual({ url: 'http://127.0.0.1/x' });
  expect(splitCredentials('not a url')).toEqual({ url: 'not a url' });
});
