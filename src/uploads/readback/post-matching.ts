import type { TikTokVideo } from '../../tiktok-api/tiktok-video.models';
import type { Upload } from '../upload.entity';

/** The caption as TikTok would show it: Unicode-normalised, without surrounding white space. */
function caption(text: string | undefined): string {
  return (text ?? '').normalize('NFC').trim();
}

type SentUpload = Pick<Upload, 'post' | 'initStartedAt' | 'createdAt'>;

/** The unix second the init was sent in; no post of this upload can be older. */
export function initSecond(upload: Pick<Upload, 'initStartedAt' | 'createdAt'>): number {
  return Math.floor((upload.initStartedAt ?? upload.createdAt).getTime() / 1000);
}

/**
 * Whether a listed post can be this upload's: created no earlier than the second its init was sent (create_time is in
 * seconds), with the same caption — the title or the description we sent equals TikTok's title or description (a
 * video's caption is its title, docs/tiktok.md §5.2; a photo post has both, §5.4). An upload without a caption matches
 * only a post without one.
 */
export function mayBeThePost(upload: SentUpload, video: TikTokVideo): boolean {
  if (video.createTime < initSecond(upload)) return false;
  const ours = [caption(upload.post.title), caption(upload.post.description)].filter((text) => text !== '');
  const theirs = [caption(video.title), caption(video.description)].filter((text) => text !== '');
  if (ours.length === 0) return theirs.length === 0;
  return ours.some((text) => theirs.includes(text));
}

/** docs/tiktok.md §5.6: only public posts are listed, so a Direct Post with another privacy level is never found. */
export function mayBeListed(upload: Pick<Upload, 'mode' | 'post'>): boolean {
  return upload.mode !== 'direct' || upload.post.privacyLevel === 'PUBLIC_TO_EVERYONE';
}
