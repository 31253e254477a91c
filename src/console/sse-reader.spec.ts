import { readEventStream, SseEvent, SseParser } from './assets/sse-reader.js';

function parseAll(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

describe(SseParser.name, () => {
  it('should dispatch one event per blank line, joining data lines and keeping the event name', () => {
    expect(parseAll(['event: upload\ndata: {"a":\ndata: 1}\n\n: keep-alive\n\ndata: second\n\n'])).toEqual([
      { type: 'upload', data: '{"a":\n1}', lastEventId: '' },
      { type: 'message', data: 'second', lastEventId: '' },
    ]);
  });

  it('should accept CRLF and CR line ends, including a CRLF split across chunks', () => {
    expect(parseAll(['id: 7\r\ndata: x\r', '\n\r', '\ndata: y\r\r\n'])).toEqual([
      { type: 'message', data: 'x', lastEventId: '7' },
      { type: 'message', data: 'y', lastEventId: '7' },
    ]);
  });

  it('should reassemble a field split in the middle and drop an unfinished event at the end', () => {
    expect(parseAll(['da', 'ta: {"status":"pub', 'lished"}\n', '\n', 'data: cut off'])).toEqual([
      { type: 'message', data: '{"status":"published"}', lastEventId: '' },
    ]);
  });
});

describe(readEventStream.name, () => {
  it('should read events from a byte stream until it closes, even with a character split between chunks', async () => {
    const bytes = Buffer.from('data: {"caption":"café"}\n\n');
    const split = bytes.indexOf(0xc3) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(bytes.subarray(0, split)));
        controller.enqueue(new Uint8Array(bytes.subarray(split)));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    await readEventStream({ body }, (event) => events.push(event));
    expect(events.map((event) => JSON.parse(event.data) as unknown)).toEqual([{ caption: 'café' }]);
  });
});
