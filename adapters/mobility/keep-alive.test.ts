/** DATEX II keep-alive messages are answered as ignored (2xx), never refused nor dead-lettered. */
import { byteChunks, handle, handleStream } from './test-support.fixture';

const V2_KEEP_ALIVE = '<?xml version="1.0" encoding="UTF-8"?><d2LogicalModel xmlns="http://datex2.eu/schema/2/2_0" modelBaseVersion="2"><exchange>'
  + '<supplierIdentification><country>nl</country><nationalIdentifier>NLNDW</nationalIdentifier></supplierIdentification><keepAlive>true</keepAlive></exchange></d2LogicalModel>';
const V3_KEEP_ALIVE = '<con:messageContainer xmlns:con="http://datex2.eu/schema/3/messageContainer" xmlns:ex="http://datex2.eu/schema/3/exchangeInformation" modelBaseVersion="3">'
  + '<con:exchangeInformation><ex:exchangeContext><ex:codedExchangeProtocol>simplePush</ex:codedExchangeProtocol></ex:exchangeContext>'
  + '<ex:dynamicInformation><ex:exchangeStatus>online</ex:exchangeStatus></ex:dynamicInformation></con:exchangeInformation></con:messageContainer>';

describe('keep-alive messages', () => {
  it.each([
    ['v2 exchange/keepAlive true, no payload publication', V2_KEEP_ALIVE, 'keep-alive: a DATEX II v2 exchange with keepAlive true and no payload publication'],
    ['v2 keep-alive in a SOAP envelope', `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>${V2_KEEP_ALIVE.replace(/<\?xml[^>]*>/, '')}</S:Body></S:Envelope>`,
      'keep-alive: a DATEX II v2 exchange with keepAlive true and no payload publication'],
    ['v3 messageContainer with exchangeInformation only', V3_KEEP_ALIVE, 'keep-alive: a DATEX II v3 messageContainer with exchangeInformation and no payload'],
  ])('%s: ignored, nothing refused (handle and handleStream)', async (_case, xml, ignored) => {
    const t = handle(xml);
    expect(t).toMatchObject({ entities: [], ignored });
    expect(t.refused).toBeUndefined();
    const streamed = await handleStream(byteChunks(xml, 7));
    expect(streamed).toHaveLength(1);
    expect(streamed[0]).toMatchObject({ entities: [], ignored });
    expect(streamed[0].refused).toBeUndefined();
  });

  it('still refuses (422) a v2 document without publication whose keepAlive is false', () => {
    expect(() => handle(V2_KEEP_ALIVE.replace('>true<', '>false<'))).toThrow(expect.objectContaining({ name: 'FeedError', status: 422 }));
  });

  it('still refuses (422) a messageContainer whose only payload is not translated', () => {
    const xml = V3_KEEP_ALIVE.replace('</con:messageContainer>', '<con:payload xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="sit:SituationPublication"/></con:messageContainer>');
    expect(() => handle(xml)).toThrow(expect.objectContaining({ name: 'FeedError', status: 422 }));
  });
});
