import { ApiProperty } from '@nestjs/swagger';

/** TikTok's creator_info in camelCase (docs/tiktok.md §5.1). */
export class CreatorInfoResponse {
  creatorAvatarUrl: string;
  creatorUsername: string;
  creatorNickname: string;
  @ApiProperty({ type: [String], example: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] })
  privacyLevelOptions: string[];
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number;
}
