// Types for the unit tests; the browser loads sse-reader.js as is.
export interface SseEvent {
  type: string;
  data: string;
  lastEventId: string;
}
export declare class SseParser {
  constructor(onEvent: (event: SseEvent) => void);
  push(text: string): void;
  end(): void;
}
export declare function readEventStream(
  response: { body: ReadableStream<Uint8Array> },
  onEvent: (event: SseEvent) => void,
): Promise<void>;
