import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEDIA_TYPES, UPLOAD_STATUSES, UploadMediaType, UploadStatus } from '../upload.entity';

export class UploadProgress {
  uploadedBytes: number;
  totalBytes: number | null;
  uploadedChunks: number;
  totalChunks: number | null;
}

export class UploadVideo {
  sizeBytes: number;
  container: string;
  codec: string;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  durationMs: number | null;
}

export class UploadPhotosInfo {
  count: number;
  @ApiProperty({ description: 'The cover image, 0-based' })
  coverIndex: number;
  @ApiProperty({
    nullable: true,
    type: [String],
    description: 'The URLs TikTok pulls, in order; null for images received by the gateway',
  })
  urls: string[] | null;
}

export class UploadMalwareScanInfo {
  @ApiProperty({ enum: ['clamav', 'off'] })
  scanner: 'clamav' | 'off';
  clean: boolean;
  durationMs: number;
  scannedAt: string;
}

export class UploadError {
  code: string;
  message: string;
  @ApiPropertyOptional({ description: "TikTok's error code" })
  tiktokCode?: string;
  @ApiPropertyOptional({ description: "TikTok's log_id, for TikTok support" })
  logId?: string;
}

export class UploadResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  userId: string;
  @ApiProperty({ enum: ['inbox', 'direct'] })
  mode: 'inbox' | 'direct';
  @ApiProperty({ enum: ['file', 'url'] })
  source: 'file' | 'url';
  @ApiProperty({ enum: MEDIA_TYPES, description: '`photo` for photo posts (POST /api/tiktok/photos)' })
  mediaType: UploadMediaType;
  @ApiProperty({ enum: UPLOAD_STATUSES })
  status: UploadStatus;
  progress: UploadProgress;
  @ApiProperty({ nullable: true, type: String })
  publishId: string | null;
  @ApiProperty({ nullable: true, type: String, description: "TikTok's last reported status" })
  tiktokStatus: string | null;
  @ApiProperty({ nullable: true, type: String })
  failReason: string | null;
  @ApiProperty({ type: [String], description: "TikTok's int64 post ids as exact decimal strings" })
  postIds: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The post's TikTok address, read back once published when the user granted video.list; null until found",
  })
  shareUrl: string | null;
  @ApiProperty({ nullable: true, type: UploadError })
  error: UploadError | null;
  @ApiProperty({ nullable: true, type: UploadVideo })
  video: UploadVideo | null;
  @ApiProperty({ nullable: true, type: UploadPhotosInfo, description: 'Photo posts: the images' })
  photos: UploadPhotosInfo | null;
  @ApiPropertyOptional({
    nullable: true,
    type: UploadMalwareScanInfo,
    description: 'How the received file was scanned (MALWARE_SCAN)',
  })
  malwareScan?: UploadMalwareScanInfo | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When a scheduled post starts (status `scheduled` until then); null when it was sent at once',
  })
  publishAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export class UploadListResponse {
  @ApiProperty({ type: [UploadResponse] })
  items: UploadResponse[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}
