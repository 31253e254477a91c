import { accountExternalMemoryInGlobalLimit } from './heap-accounting';

describe(accountExternalMemoryInGlobalLimit.name, () => {
  it.each(['14.6.202.34-node.40', '15.0.1'])('should set the flag on V8 %s (Node.js 26 and later)', (version) => {
    expect(accountExternalMemoryInGlobalLimit(version)).toBe(true);
  });

  it.each(['11.3.244.8-node.30', '13.6.233.17-node.37'])('should leave V8 %s as it is', (version) => {
    expect(accountExternalMemoryInGlobalLimit(version)).toBe(false);
  });
});
