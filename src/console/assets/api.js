// The gateway's public REST API (Swagger at /docs), called the way any tenant would, with the key typed into the page.

export class ApiError extends Error {
  constructor({ status, code, message, details, requestId, retryAfter }) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

/** Builds an ApiError from the error body (docs/errors.md) `{error: {code, message, details?, requestId}}`, whatever came back. */
export function toApiError(status, bodyText, headers) {
  let envelope;
  try {
    envelope = JSON.parse(bodyText).error;
  } catch {
    envelope = undefined;
  }
  const requestId = (envelope && envelope.requestId) || headers.get('x-request-id') || undefined;
  const retryAfter = Number(headers.get('retry-after')) || undefined;
  if (!envelope || typeof envelope.code !== 'string') {
    return new ApiError({ status, code: 'unexpected', message: `HTTP ${status}.`, requestId, retryAfter });
  }
  return new ApiError({ status, ...envelope, requestId, retryAfter });
}

/** Same key for a retried send of the same post (Idempotency-Key, README "Publishing videos"); works outside secure contexts too. */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function networkError() {
  return new ApiError({ status: 0, code: 'network' });
}

export class GatewayApi {
  constructor(getApiKey) {
    this.getApiKey = getApiKey;
  }

  headers(extra = {}) {
    return { 'X-API-Key': this.getApiKey(), ...extra };
  }

  async call(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: this.headers(body ? { 'Content-Type': 'application/json' } : {}),
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw networkError();
    }
    const text = await response.text();
    if (!response.ok) throw toApiError(response.status, text, response.headers);
    return text ? JSON.parse(text) : undefined;
  }

  me() {
    return this.call('GET', '/api/me');
  }

  getStatus(userId) {
    return this.call('GET', `/api/tiktok/status?${new URLSearchParams({ userId })}`);
  }

  createConnectLink(userId, returnUrl) {
    return this.call('POST', '/api/auth/tiktok/connect-links', { userId, returnUrl });
  }

  disconnect(userId) {
    return this.call('POST', '/api/tiktok/disconnect', { userId });
  }

  getCreatorInfo(userId) {
    return this.call('GET', `/api/tiktok/creator-info?${new URLSearchParams({ userId })}`);
  }

  listUploads(userId, limit) {
    return this.call('GET', `/api/tiktok/uploads?${new URLSearchParams({ userId, limit: String(limit) })}`);
  }

  getUpload(id) {
    return this.call('GET', `/api/tiktok/uploads/${encodeURIComponent(id)}`);
  }

  cancelUpload(id) {
    return this.call('DELETE', `/api/tiktok/uploads/${encodeURIComponent(id)}`);
  }

  sendVideo(form, options) {
    return this.sendUpload('/api/tiktok/upload', form, options);
  }

  /** POST /api/tiktok/photos: a FormData (fields, then `photos` parts), or a plain object sent as JSON with photoUrls. */
  sendPhotos(post, options) {
    return this.sendUpload('/api/tiktok/photos', post, options);
  }

  /** XMLHttpRequest, because fetch reports no upload progress; resolves with the 202 body (the upload). */
  sendUpload(path, body, { idempotencyKey, onProgress }) {
    const json = !(body instanceof FormData);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      const extra = { 'Idempotency-Key': idempotencyKey, ...(json ? { 'Content-Type': 'application/json' } : {}) };
      for (const [name, value] of Object.entries(this.headers(extra))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.addEventListener('load', () => {
        const headers = { get: (name) => xhr.getResponseHeader(name) };
        if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
        else reject(toApiError(xhr.status, xhr.responseText, headers));
      });
      xhr.addEventListener('error', () => reject(networkError()));
      xhr.addEventListener('abort', () => reject(new ApiError({ status: 0, code: 'aborted' })));
      xhr.send(json ? JSON.stringify(body) : body);
    });
  }

  /** Opens GET /api/tiktok/uploads/{id}/events with the key in a header (EventSource cannot send one). */
  async openUploadEvents(id, signal) {
    let response;
    try {
      response = await fetch(`/api/tiktok/uploads/${encodeURIComponent(id)}/events`, {
        headers: this.headers({ Accept: 'text/event-stream' }),
        signal,
      });
    } catch (error) {
      if (signal && signal.aborted) throw error;
      throw networkError();
    }
    if (!response.ok) throw toApiError(response.status, await response.text(), response.headers);
    return response;
  }
}
