import { S3Source } from './s3-source';

describe(S3Source.name, () => {
  const object = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
  const fetched: Array<[number, number]> = [];
  const fetchRange = (start: number, end: number) => {
    fetched.push([start, end]);
    return Promise.resolve(object.subarray(start, end + 1));
  };

  beforeEach(() => (fetched.length = 0));

  it('should serve small reads near each other from one ranged GET', async () => {
    const source = new S3Source(fetchRange, object.length);
    await expect(source.read(0, 8)).resolves.toEqual(object.subarray(0, 8));
    await expect(source.read(8, 16)).resolves.toEqual(object.subarray(8, 24));
    await expect(source.read(30_000, 16)).resolves.toEqual(object.subarray(30_000, 30_016));
    expect(fetched).toEqual([[0, 65_535]]);
    expect(source.bytesRead).toBe(40);
  });

  it('should fetch again for a read outside the kept block, never past the end', async () => {
    const source = new S3Source(fetchRange, object.length);
    await source.read(0, 8);
    await expect(source.read(150_000, 100_000)).resolves.toEqual(object.subarray(150_000));
    await expect(source.read(object.length, 10)).resolves.toHaveLength(0);
    expect(fetched).toEqual([
      [0, 65_535],
      [150_000, object.length - 1],
    ]);
    expect(source.requests).toBe(2);
  });
});
