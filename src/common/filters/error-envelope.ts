/** The error body of API.md: `{"error": {"code", "message", "details"?, "requestId"}}`. */
export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    requestId: string;
  };
}
