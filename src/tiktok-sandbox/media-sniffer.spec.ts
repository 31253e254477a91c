import { MediaSniffer } from './media-sniffer';

function mp4(durationSec: number, mdatBytes: number): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 20]),
    Buffer.from('ftypqt  '),
    Buffer.alloc(4),
    Buffer.from('qt  '),
  ]);
  const mdat = Buffer.alloc(mdatBytes);
  mdat.writeUInt32BE(mdatBytes, 0);
  mdat.write('mdat', 4, 'latin1');
  const mvhd = Buffer.alloc(108);
  mvhd.writeUInt32BE(108, 0);
  mvhd.write('mvhd', 4, 'latin1');
  mvhd.writeUInt32BE(600, 20);
  mvhd.writeUInt32BE(durationSec * 600, 24);
  return Buffer.concat([ftyp, mdat, Buffer.from([0, 0, 0, 116]), Buffer.from('moov'), mvhd]);
}

describe(MediaSniffer.name, () => {
  it('should read the container and a moov-at-end duration across tiny pieces', () => {
    const sniffer = new MediaSniffer();
    const bytes = mp4(75, 5000);
    for (let i = 0; i < bytes.length; i += 7) sniffer.feedAt(i, bytes.subarray(i, i + 7));
    expect(sniffer.container).toBe('quicktime');
    expect(sniffer.durationSec).toBe(75);
  });

  it('should ignore bytes it has already seen when a chunk is sent again', () => {
    const sniffer = new MediaSniffer();
    const bytes = mp4(12, 3000);
    sniffer.feedAt(0, bytes.subarray(0, 2000));
    sniffer.feedAt(0, bytes.subarray(0, 2500));
    sniffer.feedAt(2500, bytes.subarray(2500));
    expect(sniffer.durationSec).toBe(12);
  });

  it('should recognise WebM and reject unknown bytes', () => {
    const webm = new MediaSniffer();
    webm.feedAt(0, Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(webm.container).toBe('webm');
    const junk = new MediaSniffer();
    junk.feedAt(0, Buffer.alloc(64, 1));
    expect(junk.container).toBe('unknown');
  });
});
