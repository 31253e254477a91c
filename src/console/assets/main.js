// Wires the console together. The API key lives in sessionStorage only: gone when the tab closes.
import { GatewayApi } from './api.js';
import { ConnectionPanel } from './connection.js';
import { byId, clearMessage, showError, showMessage } from './dom.js';
import { CONNECT_FAILURES, describeError } from './messages.js';
import { PhotoForm } from './photo-form.js';
import { RecentUploads } from './recent-uploads.js';
import { wireTabs } from './tabs.js';
import { UploadForm } from './upload-form.js';
import { UploadTracker } from './upload-tracker.js';

const API_KEY = 'tiktok-gateway.apiKey';
const USER_ID = 'tiktok-gateway.userId';
const DEFAULT_USER_ID = 'console-user';

const apiKeyInput = byId('api-key');
const userIdInput = byId('user-id');
const callerStatus = byId('caller-status');
const callerError = byId('caller-error');

const api = new GatewayApi(() => sessionStorage.getItem(API_KEY) || '');
const recent = new RecentUploads(api);
const tracker = new UploadTracker(api, () => void recent.refresh());
const uploadForm = new UploadForm(api, async (form, idempotencyKey) => {
  const answered = await tracker.start(form, idempotencyKey);
  void recent.refresh();
  return answered;
});
const photoForm = new PhotoForm(api, async (post, idempotencyKey) => {
  const answered = await tracker.startPhotos(post, idempotencyKey);
  void recent.refresh();
  return answered;
});
const connection = new ConnectionPanel(api, (status) => {
  uploadForm.setConnection(connection.userId, status);
  photoForm.setConnection(connection.userId, status);
});
wireTabs();

/** A start-up banner may hand over a key as `#apiKey=`: fragments never reach a server or its logs. */
function takeKeyFromFragment() {
  const key = new URLSearchParams(location.hash.slice(1)).get('apiKey');
  if (!key) return;
  sessionStorage.setItem(API_KEY, key);
  history.replaceState(null, '', location.pathname + location.search);
}

/** The connect flow comes back with `?tiktok=connected` or `?tiktok=error&error=<code>&reason=<why>` (docs/errors.md). */
function takeConnectOutcome() {
  const query = new URLSearchParams(location.search);
  const outcome = query.get('tiktok');
  if (!outcome) return undefined;
  history.replaceState(null, '', location.pathname);
  if (outcome === 'connected') return { connected: true };
  const reason = query.get('reason');
  return { connected: false, text: CONNECT_FAILURES[reason] || describeError({ code: query.get('error') }) };
}

async function useCaller(outcome) {
  clearMessage(callerError);
  callerStatus.textContent = 'Checking the API key…';
  try {
    const me = await api.me();
    callerStatus.textContent = `Using a key of tenant “${me.name}” for user “${userIdInput.value}”.`;
  } catch (error) {
    callerStatus.textContent = '';
    showError(callerError, error);
    return;
  }
  await Promise.all([connection.load(userIdInput.value), recent.load(userIdInput.value)]);
  if (outcome && outcome.connected) showMessage(byId('flash'), 'The TikTok account is connected.');
  if (outcome && !outcome.connected) showMessage(byId('connection-error'), `Not connected. ${outcome.text}`);
}

byId('caller-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!event.target.reportValidity()) return;
  sessionStorage.setItem(API_KEY, apiKeyInput.value.trim());
  sessionStorage.setItem(USER_ID, userIdInput.value);
  clearMessage(byId('flash'));
  void useCaller(undefined);
});

byId('forget-key').addEventListener('click', () => {
  sessionStorage.removeItem(API_KEY);
  apiKeyInput.value = '';
  callerStatus.textContent = 'The key is forgotten.';
  apiKeyInput.focus();
});

takeKeyFromFragment();
const outcome = takeConnectOutcome();
apiKeyInput.value = sessionStorage.getItem(API_KEY) || '';
userIdInput.value = sessionStorage.getItem(USER_ID) || DEFAULT_USER_ID;
if (apiKeyInput.value) void useCaller(outcome);
else if (outcome) showMessage(byId('connection-error'), outcome.text || 'Enter the API key again.');
