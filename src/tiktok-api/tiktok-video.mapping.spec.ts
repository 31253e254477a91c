import { parseTikTokJson, stringifyTikTokJson } from './tiktok-json';
import { toVideoListBody, toVideoPage } from './tiktok-video.mapping';
import type { TikTokVideoListData } from './tiktok-video.types';

const LIST_ANSWER =
  '{"videos":[{"id":"7300000000000000001","create_time":1759320000,"title":"Viral","video_description":"Viral #x",' +
  '"share_url":"https://www.tiktok.com/@v/video/7300000000000000001","duration":15,"width":1080,"height":1920,' +
  '"view_count":9007199254740993,"like_count":12,"comment_count":3,"share_count":4}],' +
  '"cursor":1759320000000,"has_more":true}';

describe(toVideoPage.name, () => {
  it('should keep a view count above 2^53 and the int64 id exact', () => {
    const page = toVideoPage(parseTikTokJson(LIST_ANSWER) as TikTokVideoListData);
    expect(page).toEqual({
      videos: [
        {
          id: '7300000000000000001',
          createTime: 1759320000,
          title: 'Viral',
          description: 'Viral #x',
          shareUrl: 'https://www.tiktok.com/@v/video/7300000000000000001',
          embedLink: null,
          coverImageUrl: null,
          durationSec: 15,
          width: 1080,
          height: 1920,
          viewCount: 9007199254740993n,
          likeCount: 12,
          commentCount: 3,
          shareCount: 4,
        },
      ],
      cursor: '1759320000000',
      hasMore: true,
    });
  });

  it('should refuse a page whose video has no id, or without has_more', () => {
    expect(toVideoPage({ videos: [{ create_time: 1 }], cursor: 0, has_more: false })).toBeUndefined();
    expect(toVideoPage({ videos: [], cursor: 0 })).toBeUndefined();
  });
});

describe(toVideoListBody.name, () => {
  it('should send a cursor above 2^53 as an exact JSON integer', () => {
    const body = toVideoListBody({ cursor: '9223372036854775807', maxCount: 20 });
    expect(stringifyTikTokJson(body)).toBe('{"cursor":9223372036854775807,"max_count":20}');
    expect(stringifyTikTokJson(toVideoListBody({ maxCount: 5 }))).toBe('{"max_count":5}');
  });
});
