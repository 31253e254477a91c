import { S3Client } from '@aws-sdk/client-s3';

export interface S3Connection {
  region: string;
  /** Unset: AWS's own endpoint for the region. */
  endpoint?: string;
  forcePathStyle: boolean;
}

/**
 * Credentials come from AWS's standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, a container or
 * instance role), never from our config.
 */
export function createS3Client({ region, endpoint, forcePathStyle }: S3Connection): S3Client {
  return new S3Client({
    region,
    endpoint,
    forcePathStyle,
    // The SDK's default extra checksums (x-amz-checksum-*, aws-chunked bodies) are refused by several
    // S3-compatible stores; TLS still guards the bytes in transit.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
