// The user's latest uploads and where each one stands (GET /api/tiktok/uploads).
import { byId, clearMessage, create, setVisible, showError } from './dom.js';
import { describeStage, formatBytes } from './messages.js';

const LIMIT = 10;

export class RecentUploads {
  constructor(api) {
    this.api = api;
    this.userId = '';
    this.list = byId('recent-list');
    this.refreshButton = byId('refresh-uploads');
    this.error = byId('recent-error');
    this.refreshButton.addEventListener('click', () => void this.refresh());
  }

  async load(userId) {
    this.userId = userId;
    this.refreshButton.disabled = false;
    await this.refresh();
  }

  async refresh() {
    clearMessage(this.error);
    try {
      const page = await this.api.listUploads(this.userId, LIMIT);
      this.render(page.items || []);
    } catch (error) {
      this.render([]);
      showError(this.error, error);
    }
  }

  render(uploads) {
    this.list.replaceChildren(...uploads.map((upload) => this.item(upload)));
    setVisible(byId('recent-empty'), uploads.length === 0);
  }

  item(upload) {
    const when = new Date(upload.createdAt);
    const size = upload.video && upload.video.sizeBytes ? `, ${formatBytes(upload.video.sizeBytes)}` : '';
    const mode = upload.mode === 'direct' ? 'Direct post' : 'Inbox draft';
    const li = create('li', {
      'data-upload-id': upload.id,
      'data-status': upload.status,
      'data-media-type': upload.mediaType,
    });
    li.append(
      create('span', { class: 'state' }, describeStage(upload)),
      create('br'),
      create('span', { class: 'hint' }, `${describeMedia(upload)}, ${mode}${size}, `),
      create('time', { datetime: upload.createdAt, class: 'hint' }, when.toLocaleString()),
    );
    // Read back from TikTok shortly after publishing, when the account granted video.list; refreshing shows it.
    if (upload.status === 'published' && upload.shareUrl) {
      const link = { href: upload.shareUrl, target: '_blank', rel: 'noopener noreferrer', class: 'share' };
      li.append(create('br'), create('a', link, 'Open on TikTok'));
    }
    return li;
  }
}

function describeMedia(upload) {
  if (upload.mediaType !== 'photo') return 'Video';
  const count = upload.photos && upload.photos.count;
  return count === 1 ? '1 photo' : `${count} photos`;
}
