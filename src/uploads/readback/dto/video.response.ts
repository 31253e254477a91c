import { ApiProperty } from '@nestjs/swagger';

/** One public post of the creator, from TikTok's video object (docs/tiktok.md §5.6). */
export class VideoResponse {
  @ApiProperty({ description: "TikTok's int64 post id as an exact decimal string", example: '7300000000000000001' })
  id: string;
  title: string;
  description: string;
  @ApiProperty({ nullable: true, type: String })
  shareUrl: string | null;
  @ApiProperty({ nullable: true, type: String })
  embedLink: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Expires after about 6 hours' })
  coverImageUrl: string | null;
  @ApiProperty({ nullable: true, type: 'integer' })
  durationSec: number | null;
  @ApiProperty({ nullable: true, type: 'integer' })
  width: number | null;
  @ApiProperty({ nullable: true, type: 'integer' })
  height: number | null;
  @ApiProperty({ format: 'date-time', type: String })
  createdAt: string;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    format: 'int64',
    description: 'An exact integer, which may exceed 2^53: parse it with an int64-safe JSON parser',
    example: 12_000_000_000,
  })
  viewCount: bigint | null;
  @ApiProperty({ nullable: true, type: 'integer' })
  likeCount: number | null;
  @ApiProperty({ nullable: true, type: 'integer' })
  commentCount: number | null;
  @ApiProperty({ nullable: true, type: 'integer' })
  shareCount: number | null;
}

export class VideoListResponse {
  @ApiProperty({ type: [VideoResponse] })
  items: VideoResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor: string | null;
  @ApiProperty({ description: 'Whether TikTok has older posts; a page may hold fewer than limit even when true' })
  hasMore: boolean;
}
