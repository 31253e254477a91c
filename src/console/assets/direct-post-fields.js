// The Direct Post settings, driven by the creator's current creator_info (docs/lessons.md #1, docs/tiktok.md §5.1, §13).
import { byId, create, setVisible } from './dom.js';
import { CAPTION_LIMIT, captionLength, describeError, PRIVACY_LABELS } from './messages.js';

const MUSIC_USAGE_URL = 'https://www.tiktok.com/legal/page/global/music-usage-confirmation/en';
const BRANDED_CONTENT_URL = 'https://www.tiktok.com/legal/page/global/bc-policy/en';
// [checkbox id, creator_info flag, name, upload field]; photo posts have comments only (docs/tiktok.md §5.4).
const INTERACTIONS = [
  ['allow-comment', 'commentDisabled', 'Comments', 'disableComment'],
  ['allow-duet', 'duetDisabled', 'Duet', 'disableDuet'],
  ['allow-stitch', 'stitchDisabled', 'Stitch', 'disableStitch'],
];

/** The video form's fields keep their plain ids; the photo form's carry a `photo-` prefix. */
export const VIDEO_POST = { prefix: '', noun: 'video', interactions: INTERACTIONS, caption: true };
export const PHOTO_POST = {
  prefix: 'photo-',
  noun: 'photo post',
  interactions: INTERACTIONS.slice(0, 1),
  caption: false,
};

export class DirectPostFields {
  constructor(api, kind = VIDEO_POST) {
    this.api = api;
    this.kind = kind;
    this.creator = undefined;
    this.creatorError = undefined;
    this.privacy = this.field('privacy');
    this.disclose = this.field('disclose');
    this.brandOrganic = this.field('brand-organic');
    this.brandContent = this.field('brand-content');
    if (kind.caption) {
      this.caption = this.field('caption');
      this.caption.addEventListener('input', () => this.renderCaptionCount());
    }
    for (const input of [this.disclose, this.brandOrganic, this.brandContent, this.privacy]) {
      input.addEventListener('change', () => this.renderDisclosure());
    }
    this.renderDisclosure();
  }

  field(id) {
    return byId(this.kind.prefix + id);
  }

  /** Fetched fresh each time the direct form is shown, as TikTok requires for the posting page. */
  async loadCreator(userId) {
    const line = this.field('creator-line');
    line.textContent = 'Loading the creator’s TikTok settings…';
    this.creator = undefined;
    this.creatorError = undefined;
    try {
      this.creator = await this.api.getCreatorInfo(userId);
    } catch (error) {
      this.creatorError = error;
    }
    this.renderCreator();
  }

  renderCreator() {
    const line = this.field('creator-line');
    const creator = this.creator;
    const chosen = this.privacy.value;
    this.privacy.replaceChildren(create('option', { value: '' }, 'Choose who can watch'));
    if (!creator) {
      line.textContent = this.creatorError
        ? `Direct posting is not possible right now. ${describeError(this.creatorError)}`
        : '';
      return;
    }
    const minutes = Math.floor(creator.maxVideoPostDurationSec / 60);
    const seconds = creator.maxVideoPostDurationSec % 60;
    const limit = minutes > 0 ? `${minutes} min${seconds ? ` ${seconds} s` : ''}` : `${seconds} s`;
    const videos = this.kind.caption ? ` Videos up to ${limit}.` : '';
    line.textContent = `Posting to ${creator.creatorNickname} (@${creator.creatorUsername}).${videos}`;
    for (const level of creator.privacyLevelOptions) {
      this.privacy.append(create('option', { value: level }, PRIVACY_LABELS[level] || level));
    }
    // Keep a choice the person already made if TikTok still offers it; never pick one for them.
    this.privacy.value = creator.privacyLevelOptions.includes(chosen) ? chosen : '';
    const off = [];
    for (const [id, field, name] of this.kind.interactions) {
      const box = this.field(id);
      box.disabled = Boolean(creator[field]);
      if (box.disabled) {
        box.checked = false;
        off.push(name);
      }
    }
    this.field('interaction-hint').textContent = off.length
      ? `${off.join(', ')} turned off in this creator's TikTok settings.`
      : '';
    this.renderDisclosure();
  }

  renderCaptionCount() {
    const used = captionLength(this.caption.value);
    byId('caption-count').textContent = `${used} of ${CAPTION_LIMIT} characters`;
  }

  /** TikTok's content-disclosure rules: a choice is required once disclosed, and branded content is never private. */
  renderDisclosure() {
    const disclosed = this.disclose.checked;
    setVisible(this.field('disclosure-options'), disclosed);
    if (!disclosed) {
      this.brandOrganic.checked = false;
      this.brandContent.checked = false;
    }
    const selfOnly = this.privacy.querySelector('option[value="SELF_ONLY"]');
    if (selfOnly) selfOnly.disabled = this.brandContent.checked;
    if (this.brandContent.checked && this.privacy.value === 'SELF_ONLY') this.privacy.value = '';
    const hint = this.field('disclosure-hint');
    const noun = this.kind.noun;
    if (this.brandContent.checked) {
      hint.textContent = `Your ${noun} will be labeled "Paid partnership". Branded content cannot be private (Only me).`;
    } else if (this.brandOrganic.checked) {
      hint.textContent = `Your ${noun} will be labeled "Promotional content".`;
    } else {
      hint.textContent = `Choose whether the ${noun} promotes you, a third party, or both.`;
    }
    this.renderConsent();
  }

  renderConsent() {
    const consent = this.field('consent');
    const link = (href, text) => create('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text);
    const parts = ['By posting, you agree to TikTok’s '];
    if (this.brandContent.checked) parts.push(link(BRANDED_CONTENT_URL, 'Branded Content Policy'), ' and ');
    parts.push(link(MUSIC_USAGE_URL, 'Music Usage Confirmation'), '.');
    consent.replaceChildren(...parts);
  }

  /** The first problem that stops a direct post, with the field to focus; undefined when it can go. */
  findProblem(durationSec) {
    if (!this.creator) {
      return { field: this.privacy, text: 'The creator’s TikTok settings could not be loaded; try again later.' };
    }
    if (!this.privacy.value) return { field: this.privacy, text: `Choose who can watch this ${this.kind.noun}.` };
    if (this.disclose.checked && !this.brandOrganic.checked && !this.brandContent.checked) {
      return {
        field: this.brandOrganic,
        text: 'You need to indicate if your content promotes yourself, a third party, or both.',
      };
    }
    if (this.caption && captionLength(this.caption.value) > CAPTION_LIMIT) {
      return { field: this.caption, text: `The caption is longer than ${CAPTION_LIMIT} characters.` };
    }
    const max = this.creator.maxVideoPostDurationSec;
    if (durationSec !== undefined && durationSec > max) {
      return {
        field: byId('video'),
        text: `This creator may post videos up to ${max} seconds; this one is ${Math.ceil(durationSec)} s.`,
      };
    }
    return undefined;
  }

  /** The direct-post fields (README "Publishing videos", "Photo posts"); interactions are opt-in, so unchecked means disabled. */
  values() {
    const values = { privacyLevel: this.privacy.value };
    if (this.caption) values.title = this.caption.value;
    for (const [id, , , field] of this.kind.interactions) values[field] = !this.field(id).checked;
    values.brandOrganic = this.brandOrganic.checked;
    values.brandContent = this.brandContent.checked;
    values.isAigc = this.field('aigc').checked;
    return values;
  }

  /** The same fields as multipart form fields, which are strings. */
  appendTo(form) {
    for (const [name, value] of Object.entries(this.values())) form.append(name, String(value));
  }
}
