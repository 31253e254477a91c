// One upload's journey: bytes to the gateway (XHR progress), then TikTok's stage from the events stream.
import { byId, clearMessage, setVisible, showError, showMessage } from './dom.js';
import { describePhotoError, describeError, describeStage, FINAL_STATUSES, formatBytes } from './messages.js';
import { readEventStream } from './sse-reader.js';

const MAX_RECONNECTS = 5;
const STAGE_DETAILS = {
  scheduled: 'The gateway keeps the video and starts sending it to TikTok at the time chosen; cancel it until then.',
  queued: 'The gateway has the video and will start sending it to TikTok.',
  processing: 'TikTok is checking the video. This usually takes less than a minute.',
  inbox_delivered: 'The creator has a notification in the TikTok app; they open it to finish and post the video.',
  published: 'It may take a few minutes for the video to be processed and appear on the profile.',
  cancelled: 'Nothing was published.',
};
const PHOTO_STAGE_DETAILS = {
  ...STAGE_DETAILS,
  queued: 'The gateway has the photo post and will start sending it to TikTok.',
  processing: 'TikTok is pulling the photos and checking them.',
  inbox_delivered: 'The creator has a notification in the TikTok app; they open it to finish and post the photos.',
  published: 'It may take a few minutes for the post to appear on the profile.',
};
const VIDEO = { noun: 'video', describe: describeError };
const PHOTOS = { noun: 'photo post', describe: describePhotoError };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class UploadTracker {
  constructor(api, onFinished) {
    this.api = api;
    this.onFinished = onFinished;
    this.current = undefined;
    this.following = undefined;
    this.sendBar = byId('send-progress');
    this.tiktokBar = byId('tiktok-progress');
    this.stage = byId('stage');
    this.error = byId('progress-error');
    this.cancelButton = byId('cancel-upload');
    this.cancelButton.addEventListener('click', () => void this.cancel());
  }

  /** Resolves true once the gateway has answered (accepted or refused), false when the answer never came. */
  start(form, idempotencyKey) {
    return this.track(VIDEO, (options) => this.api.sendVideo(form, options), idempotencyKey);
  }

  /** The same for POST /api/tiktok/photos: a FormData with `photos` parts, or an object sent as JSON. */
  startPhotos(post, idempotencyKey) {
    return this.track(PHOTOS, (options) => this.api.sendPhotos(post, options), idempotencyKey);
  }

  async track(kind, send, idempotencyKey) {
    if (this.following) this.following.abort();
    this.current = undefined;
    setVisible(byId('progress-section'), true);
    clearMessage(this.error);
    setVisible(this.cancelButton, false);
    this.sendBar.value = 0;
    this.tiktokBar.value = 0;
    this.stage.textContent = 'Not started';
    byId('stage-detail').textContent = '';
    try {
      const upload = await send({ idempotencyKey, onProgress: (sent, total) => this.showSent(kind, sent, total) });
      this.sendBar.value = 100;
      byId('send-text').textContent = `The gateway accepted the ${kind.noun}.`;
      this.render(upload);
      void this.follow(upload);
      return true;
    } catch (error) {
      byId('send-text').textContent = `The ${kind.noun} was not accepted.`;
      if (error.code) showMessage(this.error, kind.describe(error));
      else showError(this.error, error);
      return error.status > 0;
    }
  }

  showSent(kind, sent, total) {
    const percent = total ? Math.floor((sent / total) * 100) : 0;
    this.sendBar.value = percent;
    byId('send-text').textContent =
      sent < total
        ? `Sent ${percent}% (${formatBytes(sent)} of ${formatBytes(total)}).`
        : `Sent ${formatBytes(total)}; the gateway is checking the ${kind.noun}…`;
  }

  render(upload) {
    this.current = upload;
    const progress = upload.progress || {};
    const finishedSending = ['processing', 'inbox_delivered', 'published'].includes(upload.status);
    this.tiktokBar.value = finishedSending
      ? 100
      : progress.totalBytes
        ? (100 * progress.uploadedBytes) / progress.totalBytes
        : 0;
    this.stage.textContent = describeStage(upload);
    const postIds = upload.postIds && upload.postIds.length ? ` Post id: ${upload.postIds.join(', ')}.` : '';
    const details = upload.mediaType === 'photo' ? PHOTO_STAGE_DETAILS : STAGE_DETAILS;
    byId('stage-detail').textContent = (details[upload.status] || '') + postIds;
    setVisible(this.cancelButton, !FINAL_STATUSES.includes(upload.status));
  }

  /** Reads the stream until a final state; a dropped stream is reopened a few times, after re-reading the upload. */
  async follow(upload) {
    const controller = new AbortController();
    this.following = controller;
    let failures = 0;
    while (!FINAL_STATUSES.includes(this.current.status) && !controller.signal.aborted) {
      try {
        const response = await this.api.openUploadEvents(upload.id, controller.signal);
        await readEventStream(response, (event) => {
          const next = JSON.parse(event.data);
          if (next && next.id === upload.id && !controller.signal.aborted) {
            failures = 0;
            this.render(next);
          }
        });
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error.status >= 400 && error.status < 500) return showError(this.error, error);
      }
      if (FINAL_STATUSES.includes(this.current.status)) break;
      failures += 1;
      if (failures > MAX_RECONNECTS) {
        return showMessage(this.error, 'Lost contact with the upload. Its state will show in Recent uploads.');
      }
      await sleep(1000 * failures);
      await this.api.getUpload(upload.id).then(
        (latest) => this.render(latest),
        () => undefined,
      );
    }
    if (!controller.signal.aborted) this.onFinished(this.current);
  }

  async cancel() {
    if (!this.current) return;
    clearMessage(this.error);
    this.cancelButton.disabled = true;
    try {
      const answer = await this.api.cancelUpload(this.current.id);
      this.render(answer && answer.status ? answer : await this.api.getUpload(this.current.id));
    } catch (error) {
      showError(this.error, error);
    } finally {
      this.cancelButton.disabled = false;
    }
  }
}
