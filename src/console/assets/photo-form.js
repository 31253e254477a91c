// The photo form: images as files or web addresses, their order and cover, inbox or direct (README "Photo posts").
import { newIdempotencyKey } from './api.js';
import { DirectPostFields, PHOTO_POST } from './direct-post-fields.js';
import { byId, clearMessage, create, setVisible, showMessage } from './dom.js';
import { describeTimeZone, formatBytes, localDateTimeToIso } from './messages.js';

/** docs/tiktok.md §5.4: 1 to 35 images; title 90 and description 4000 UTF-16 code units (String.length). */
const MAX_PHOTOS = 35;
const TEXT_LIMITS = { 'photo-title': 90, 'photo-description': 4000 };

export class PhotoForm {
  constructor(api, onSubmit) {
    this.onSubmit = onSubmit;
    this.userId = '';
    this.connected = false;
    this.idempotencyKey = undefined;
    /** `{file, preview}` or `{url}`, in posting order; the cover is one of them (the first until another is chosen). */
    this.photos = [];
    this.cover = undefined;
    this.form = byId('photo-form');
    this.files = byId('photo-files');
    this.urls = byId('photo-urls');
    this.list = byId('photo-list');
    this.status = byId('photo-list-status');
    this.submit = byId('submit-photos');
    this.error = byId('photo-error');
    this.direct = new DirectPostFields(api, PHOTO_POST);
    this.publishAt = byId('photo-publish-at');
    byId('photo-publish-at-zone').textContent = describeTimeZone();
    this.files.addEventListener('change', () => this.addFiles());
    byId('add-photo-urls').addEventListener('click', () => this.addUrls());
    for (const id of Object.keys(TEXT_LIMITS)) byId(id).addEventListener('input', () => this.renderCount(id));
    for (const radio of this.form.elements.namedItem('photo-mode')) {
      radio.addEventListener('change', () => void this.showMode());
    }
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.renderList();
    void this.showMode();
  }

  get mode() {
    return this.form.elements.namedItem('photo-mode').value;
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
    setVisible(byId('photo-direct-fields'), direct);
    setVisible(byId('photo-inbox-note'), !direct);
    setVisible(byId('photo-consent'), direct);
    this.submit.textContent = direct ? 'Post the photos to TikTok' : 'Send the photos to the inbox';
    if (direct && this.connected) await this.direct.loadCreator(this.userId);
  }

  renderCount(id) {
    byId(`${id}-count`).textContent = `${byId(id).value.length} of ${TEXT_LIMITS[id]} characters`;
  }

  addFiles() {
    const chosen = Array.from(this.files.files, (file) => ({ file, preview: URL.createObjectURL(file) }));
    // Cleared so that choosing the same file again adds it again.
    this.files.value = '';
    this.add(chosen);
  }

  addUrls() {
    const lines = this.urls.value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const wrong = lines.find((line) => !isWebAddress(line));
    if (wrong) {
      showMessage(this.status, `“${wrong}” is not an http or https address; nothing was added.`);
      this.urls.focus();
      return;
    }
    this.urls.value = '';
    this.add(lines.map((url) => ({ url })));
  }

  add(photos) {
    const room = MAX_PHOTOS - this.photos.length;
    for (const left of photos.slice(room)) if (left.preview) URL.revokeObjectURL(left.preview);
    this.photos.push(...photos.slice(0, room));
    // The cover is a photo, not a place: it moves along when the photos are reordered.
    this.cover ??= this.photos[0];
    this.renderList();
    const added = Math.min(photos.length, room);
    const skipped = photos.length - added;
    this.status.textContent =
      `${added === 1 ? '1 photo' : `${added} photos`} added; ${this.photos.length} in the post.` +
      (skipped ? ` A post takes at most ${MAX_PHOTOS}, so ${skipped} were left out.` : '');
  }

  move(photo, step, focusClass) {
    const from = this.photos.indexOf(photo);
    const to = from + step;
    [this.photos[from], this.photos[to]] = [this.photos[to], this.photos[from]];
    this.renderList();
    this.status.textContent = `${describePhoto(photo)} is now photo ${to + 1} of ${this.photos.length}.`;
    // Keep the keyboard where it was: on the same button of the moved photo, or its other move button at an end.
    const item = this.list.children[to];
    const button = item.querySelector(`.${focusClass}:not(:disabled)`) || item.querySelector('.move:not(:disabled)');
    (button || item.querySelector('input')).focus();
  }

  remove(photo) {
    const at = this.photos.indexOf(photo);
    this.photos.splice(at, 1);
    if (photo.preview) URL.revokeObjectURL(photo.preview);
    if (this.cover === photo) this.cover = this.photos[0];
    this.renderList();
    this.status.textContent = `${describePhoto(photo)} removed; ${this.photos.length} in the post.`;
    const next = this.list.children[Math.min(at, this.photos.length - 1)];
    (next ? next.querySelector('input') : this.files).focus();
  }

  get coverIndex() {
    return Math.max(0, this.photos.indexOf(this.cover));
  }

  renderList() {
    const cover = this.coverIndex;
    this.list.replaceChildren(...this.photos.map((photo, index) => this.item(photo, index, index === cover)));
    setVisible(byId('photo-list-empty'), this.photos.length === 0);
  }

  item(photo, index, isCover) {
    const n = index + 1;
    const li = create('li', { class: 'photo-item' });
    if (photo.preview) li.append(create('img', { src: photo.preview, alt: '', class: 'thumb', width: 64, height: 64 }));
    const name = photo.file ? `${photo.file.name}, ${formatBytes(photo.file.size)}` : photo.url;
    li.append(create('span', { class: 'photo-name' }, name));
    const radio = create('input', { type: 'radio', name: 'photo-cover', 'aria-label': `Photo ${n} as the cover` });
    radio.checked = isCover;
    radio.addEventListener('change', () => {
      this.cover = photo;
      this.status.textContent = `Photo ${n} is the cover.`;
    });
    const coverLabel = create('label', { class: 'choice' });
    coverLabel.append(radio, ' Cover');
    const button = (text, label, className, onClick) => {
      const element = create('button', { type: 'button', class: `secondary ${className}`, 'aria-label': label }, text);
      element.addEventListener('click', onClick);
      return element;
    };
    const up = button('Move up', `Move photo ${n} up`, 'move move-up', () => this.move(photo, -1, 'move-up'));
    const down = button('Move down', `Move photo ${n} down`, 'move move-down', () => this.move(photo, 1, 'move-down'));
    up.disabled = index === 0;
    down.disabled = index === this.photos.length - 1;
    const actions = create('div', { class: 'actions' });
    actions.append(
      up,
      down,
      button('Remove', `Remove photo ${n}`, 'remove', () => this.remove(photo)),
    );
    li.append(coverLabel, actions);
    return li;
  }

  findProblem() {
    if (!this.connected) return { field: byId('connect'), text: 'Connect a TikTok account first.' };
    if (this.photos.length === 0) return { field: this.files, text: 'Add at least one photo: files or addresses.' };
    const files = this.photos.filter((photo) => photo.file).length;
    if (files > 0 && files < this.photos.length) {
      return {
        field: this.list.querySelector('.remove'),
        text: 'A post takes either image files or web addresses, not both. Remove the ones of one kind.',
      };
    }
    for (const [id, limit] of Object.entries(TEXT_LIMITS)) {
      if (byId(id).value.length > limit) return { field: byId(id), text: `Keep it to ${limit} characters.` };
    }
    if (this.publishAt.value && !localDateTimeToIso(this.publishAt.value)) {
      return { field: this.publishAt, text: 'Choose a date and time to publish at, or leave it empty.' };
    }
    return this.mode === 'direct' ? this.direct.findProblem(undefined) : undefined;
  }

  /** The fields of POST /api/tiktok/photos, without the images. */
  fields() {
    const fields = { userId: this.userId, mode: this.mode, coverIndex: this.coverIndex };
    const title = byId('photo-title').value;
    const description = byId('photo-description').value;
    if (title) fields.title = title;
    if (description) fields.description = description;
    if (this.publishAt.value) fields.publishAt = localDateTimeToIso(this.publishAt.value);
    if (this.mode === 'direct') {
      Object.assign(fields, this.direct.values(), { autoAddMusic: byId('photo-auto-add-music').checked });
    }
    return fields;
  }

  /** Addresses go as JSON; files as a form whose fields come first, so the gateway judges them before the bytes. */
  post() {
    const fields = this.fields();
    if (!this.photos[0].file) return { ...fields, photoUrls: this.photos.map((photo) => photo.url) };
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
    for (const photo of this.photos) form.append('photos', photo.file);
    return form;
  }

  async send() {
    clearMessage(this.error);
    const problem = this.findProblem();
    if (problem) {
      showMessage(this.error, problem.text);
      if (problem.field && !problem.field.hidden) problem.field.focus();
      return;
    }
    this.idempotencyKey ??= newIdempotencyKey();
    this.submit.disabled = true;
    try {
      const answered = await this.onSubmit(this.post(), this.idempotencyKey);
      if (answered) this.idempotencyKey = undefined;
    } finally {
      this.submit.disabled = !this.connected;
    }
  }
}

function isWebAddress(text) {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

function describePhoto(photo) {
  return photo.file ? photo.file.name : photo.url;
}
