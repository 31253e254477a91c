// The upload form: file, inbox or direct, and the checks TikTok wants before anything is sent.
import { newIdempotencyKey } from './api.js';
import { DirectPostFields } from './direct-post-fields.js';
import { byId, clearMessage, setVisible, showMessage } from './dom.js';
import { describeTimeZone, formatBytes, localDateTimeToIso } from './messages.js';

export class UploadForm {
  constructor(api, onSubmit) {
    this.api = api;
    this.onSubmit = onSubmit;
    this.userId = '';
    this.connected = false;
    this.durationSec = undefined;
    this.idempotencyKey = undefined;
    this.form = byId('upload-form');
    this.file = byId('video');
    this.preview = byId('preview');
    this.submit = byId('submit-upload');
    this.error = byId('upload-error');
    this.direct = new DirectPostFields(api);
    this.publishAt = byId('publish-at');
    byId('publish-at-zone').textContent = describeTimeZone();
    this.file.addEventListener('change', () => this.showFile());
    this.preview.addEventListener('loadedmetadata', () => {
      this.durationSec = this.preview.duration;
      byId('video-info').textContent += ` Duration ${this.durationSec.toFixed(1)} s.`;
    });
    for (const radio of this.form.elements.namedItem('mode')) {
      radio.addEventListener('change', () => void this.showMode());
    }
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    void this.showMode();
  }

  get mode() {
    return this.form.elements.namedItem('mode').value;
  }

  setConnection(userId, status) {
    this.userId = userId;
    this.connected = Boolean(status && status.status === 'active');
    this.submit.disabled = !this.connected;
    this.submit.title = this.connected ? '' : 'Connect a TikTok account first';
    if (this.connected && this.mode === 'direct') void this.direct.loadCreator(userId);
  }

  async showMode() {
    const direct = this.mode === 'direct';
    setVisible(byId('direct-fields'), direct);
    setVisible(byId('inbox-note'), !direct);
    setVisible(byId('consent'), direct);
    this.submit.textContent = direct ? 'Post to TikTok' : 'Upload to the inbox';
    if (direct && this.connected) await this.direct.loadCreator(this.userId);
  }

  showFile() {
    const file = this.file.files[0];
    this.durationSec = undefined;
    if (this.preview.src) URL.revokeObjectURL(this.preview.src);
    this.preview.removeAttribute('src');
    setVisible(this.preview, Boolean(file));
    byId('video-info').textContent = file ? `${file.name}, ${formatBytes(file.size)}.` : '';
    if (file) this.preview.src = URL.createObjectURL(file);
  }

  findProblem() {
    if (!this.connected) return { field: byId('connect'), text: 'Connect a TikTok account first.' };
    if (!this.file.files[0]) return { field: this.file, text: 'Choose a video file.' };
    if (this.publishAt.value && !localDateTimeToIso(this.publishAt.value)) {
      return { field: this.publishAt, text: 'Choose a date and time to publish at, or leave it empty.' };
    }
    return this.mode === 'direct' ? this.direct.findProblem(this.durationSec) : undefined;
  }

  async send() {
    clearMessage(this.error);
    const problem = this.findProblem();
    if (problem) {
      showMessage(this.error, problem.text);
      if (!problem.field.hidden) problem.field.focus();
      return;
    }
    const form = new FormData();
    form.append('userId', this.userId);
    form.append('mode', this.mode);
    if (this.mode === 'direct') this.direct.appendTo(form);
    if (this.publishAt.value) form.append('publishAt', localDateTimeToIso(this.publishAt.value));
    // The file goes last so the gateway has read every field before the bytes arrive.
    form.append('video', this.file.files[0]);
    this.idempotencyKey ??= newIdempotencyKey();
    this.submit.disabled = true;
    try {
      const answered = await this.onSubmit(form, this.idempotencyKey);
      if (answered) this.idempotencyKey = undefined;
    } finally {
      this.submit.disabled = !this.connected;
    }
  }
}
