// EventSource cannot send X-API-Key, so the console reads text/event-stream from fetch's body instead.

/** Incremental parser of the text/event-stream format (WHATWG HTML, "Server-sent events"). */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.data = [];
    this.type = '';
    this.lastEventId = '';
  }

  push(text) {
    this.buffer += text;
    let start = 0;
    for (;;) {
      const end = this.findLineEnd(start);
      if (end < 0) break;
      this.handleLine(this.buffer.slice(start, end));
      start = end + (this.buffer[end] === '\r' && this.buffer[end + 1] === '\n' ? 2 : 1);
    }
    this.buffer = this.buffer.slice(start);
  }

  /** A stream that ends mid-event drops that event, as browsers do. */
  end() {
    this.buffer = '';
    this.data = [];
    this.type = '';
  }

  findLineEnd(from) {
    for (let i = from; i < this.buffer.length; i += 1) {
      const char = this.buffer[i];
      if (char === '\n') return i;
      // A CR at the very end may be the first half of CRLF split across chunks: wait for the next one.
      if (char === '\r') return i + 1 < this.buffer.length ? i : -1;
    }
    return -1;
  }

  handleLine(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }

  dispatch() {
    if (this.data.length > 0) {
      this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId });
    }
    this.data = [];
    this.type = '';
  }
}

/** Feeds a fetch Response's body to `onEvent` until the server closes it or the fetch's signal aborts. */
export async function readEventStream(response, onEvent) {
  const parser = new SseParser(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } finally {
    parser.end();
    reader.releaseLock();
  }
}
