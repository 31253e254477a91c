// The Direct Post settings, driven by the creator's current creator_info (docs/lessons.md #1, docs/tiktok.md §5.1, §13).
import { byId, create, setVisible } from './dom.js';
import { CAPTION_LIMIT, captionLength, describeError, PRIVACY_LABELS } from './messages.js';

const MUSIC_USAGE_URL = 'https://www.tiktok.com/legal/page/global/music-usage-confirmation/en';
const BRANDED_CONTENT_URL = 'https://www.tiktok.com/legal/page/global/bc-policy/en';
const INTERACTIONS = [
  ['allow-comment', 'commentDisabled', 'Comments'],
  ['allow-duet', 'duetDisabled', 'Duet'],
  ['allow-stitch', 'stitchDisabled', 'Stitch'],
];

export class DirectPostFields {
  constructor(api) {
    this.api = api;
    this.creator = undefined;
    this.creatorError = undefined;
    this.privacy = byId('privacy');
    this.caption = byId('caption');
    this.disclose = byId('disclose');
    this.brandOrganic = byId('brand-organic');
    this.brandContent = byId('brand-content');
    this.caption.addEventListener('input', () => this.renderCaptionCount());
    for (const input of [this.disclose, this.brandOrganic, this.brandContent, this.privacy]) {
      input.addEventListener('change', () => this.renderDisclosure());
    }
    this.renderDisclosure();
  }

  /** Fetched fresh each time the direct form is shown, as TikTok requires for the posting page. */
  async loadCreator(userId) {
    const line = byId('creator-line');
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
    const line = byId('creator-line');
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
    line.textContent = `Posting to ${creator.creatorNickname} (@${creator.creatorUsername}). Videos up to ${limit}.`;
    for (const level of creator.privacyLevelOptions) {
      this.privacy.append(create('option', { value: level }, PRIVACY_LABELS[level] || level));
    }
    // Keep a choice the person already made if TikTok still offers it; never pick one for them.
    this.privacy.value = creator.privacyLevelOptions.includes(chosen) ? chosen : '';
    const off = [];
    for (const [id, field, name] of INTERACTIONS) {
      const box = byId(id);
      box.disabled = Boolean(creator[field]);
      if (box.disabled) {
        box.checked = false;
        off.push(name);
      }
    }
    byId('interaction-hint').textContent = off.length
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
    setVisible(byId('disclosure-options'), disclosed);
    if (!disclosed) {
      this.brandOrganic.checked = false;
      this.brandContent.checked = false;
    }
    const selfOnly = this.privacy.querySelector('option[value="SELF_ONLY"]');
    if (selfOnly) selfOnly.disabled = this.brandContent.checked;
    if (this.brandContent.checked && this.privacy.value === 'SELF_ONLY') this.privacy.value = '';
    const hint = byId('disclosure-hint');
    if (this.brandContent.checked) {
      hint.textContent = 'Your video will be labeled "Paid partnership". Branded content cannot be private (Only me).';
    } else if (this.brandOrganic.checked) {
      hint.textContent = 'Your video will be labeled "Promotional content".';
    } else {
      hint.textContent = 'Choose whether the video promotes you, a third party, or both.';
    }
    this.renderConsent();
  }

  renderConsent() {
    const consent = byId('consent');
    const link = (href, text) => create('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text);
    const parts = ['By posting, you agree to TikTok’s '];
    if (this.brandContent.checked) parts.push(link(BRANDED_CONTENT_URL, 'Branded Content Policy'), ' and ');
    parts.push(link(MUSIC_USAGE_URL, 'Music Usage Confirmation'), '.');
    consent.replaceChildren(...parts);
  }

  /** The first problem that stops a direct post, with the field to focus; undefined when it can go. */
  findProblem(durationSec) {
    if (!this.creator) {
      return { field: byId('privacy'), text: 'The creator’s TikTok settings could not be loaded; try again later.' };
    }
    if (!this.privacy.value) return { field: this.privacy, text: 'Choose who can watch this video.' };
    if (this.disclose.checked && !this.brandOrganic.checked && !this.brandContent.checked) {
      return {
        field: this.brandOrganic,
        text: 'You need to indicate if your content promotes yourself, a third party, or both.',
      };
    }
    if (captionLength(this.caption.value) > CAPTION_LIMIT) {
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

  /** The upload fields (README "Publishing videos") for a direct post; interactions are opt-in, so unchecked means disabled. */
  appendTo(form) {
    form.append('privacyLevel', this.privacy.value);
    form.append('title', this.caption.value);
    form.append('disableComment', String(!byId('allow-comment').checked));
    form.append('disableDuet', String(!byId('allow-duet').checked));
    form.append('disableStitch', String(!byId('allow-stitch').checked));
    form.append('brandOrganic', String(this.brandOrganic.checked));
    form.append('brandContent', String(this.brandContent.checked));
    form.append('isAigc', String(byId('aigc').checked));
  }
}
