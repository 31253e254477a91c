// Connection status, Connect (a connect link that comes back to this page) and Disconnect.
import { byId, clearMessage, setVisible, showError } from './dom.js';

const CONSOLE_PATH = '/console';

export class ConnectionPanel {
  constructor(api, onChange) {
    this.api = api;
    this.onChange = onChange;
    this.userId = '';
    this.state = byId('connection-state');
    this.avatar = byId('avatar');
    this.connectButton = byId('connect');
    this.disconnectButton = byId('disconnect');
    this.refreshButton = byId('refresh-status');
    this.error = byId('connection-error');
    this.connectButton.addEventListener('click', () => void this.connect());
    this.disconnectButton.addEventListener('click', () => void this.disconnect());
    this.refreshButton.addEventListener('click', () => void this.refresh());
    // A CDN avatar that does not load should leave no broken image behind.
    this.avatar.addEventListener('error', () => setVisible(this.avatar, false));
  }

  async load(userId) {
    this.userId = userId;
    this.refreshButton.disabled = false;
    await this.refresh();
  }

  async refresh() {
    clearMessage(this.error);
    this.state.textContent = 'Checking the connection…';
    try {
      this.render(await this.api.getStatus(this.userId));
    } catch (error) {
      this.render(undefined);
      showError(this.error, error);
    }
  }

  render(status) {
    const kind = status ? status.status : 'unknown';
    const name = status && status.displayName ? status.displayName : 'an unnamed account';
    const texts = {
      active: `Connected as ${name}.`,
      reauth_required: `Needs reconnect: TikTok no longer accepts the sign-in of ${name}.`,
      not_connected: 'Not connected.',
      unknown: 'The connection status is unknown.',
    };
    this.state.textContent = texts[kind] || texts.unknown;
    const showAvatar = kind === 'active' && Boolean(status.avatarUrl);
    if (showAvatar) this.avatar.src = status.avatarUrl;
    setVisible(this.avatar, showAvatar);
    this.connectButton.textContent = kind === 'reauth_required' ? 'Reconnect' : 'Connect a TikTok account';
    setVisible(this.connectButton, kind === 'not_connected' || kind === 'reauth_required');
    setVisible(this.disconnectButton, kind === 'active' || kind === 'reauth_required');
    this.onChange(status);
  }

  /** The connect link sends the browser to TikTok and back to this page with `?tiktok=connected` (README "Connecting a TikTok account"). */
  async connect() {
    clearMessage(this.error);
    this.connectButton.disabled = true;
    try {
      const link = await this.api.createConnectLink(this.userId, `${location.origin}${CONSOLE_PATH}`);
      location.assign(link.url);
    } catch (error) {
      showError(this.error, error);
      if (error.code === 'validation_failed') {
        this.error.textContent += ` This page's address (${location.origin}${CONSOLE_PATH}) must be one of the tenant's return URLs.`;
      }
      this.connectButton.disabled = false;
    }
  }

  async disconnect() {
    clearMessage(this.error);
    this.disconnectButton.disabled = true;
    try {
      await this.api.disconnect(this.userId);
      await this.refresh();
      this.connectButton.focus();
    } catch (error) {
      showError(this.error, error);
    } finally {
      this.disconnectButton.disabled = false;
    }
  }
}
