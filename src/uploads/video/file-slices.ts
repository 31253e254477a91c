// The probes read through RandomAccessSource (local file or S3 byte ranges); a local file opens as FileSource.
export { FileSource as FileSlices } from '../../storage/file-source';
