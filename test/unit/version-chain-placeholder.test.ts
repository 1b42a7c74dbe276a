import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../server/src/core/analyzer';

describe('broken-version-chain after the "add empty placeholder" quick fix', () => {
  const key = 'df8307b3e08b01b5584e74fcd20dddb7f65b6991dd5ce6b528816304e73bcf59';

  it('without the slot, the finding says the slot is absent', () => {
    const a = analyzeFiles({ '.env': `WALLET_ENCRYPTION_KEY=${key}\nWALLET_ENCRYPTION_KEY_VERSION=2\n` });
    const f = a.findings('.env').filter((x) => x.ruleId === 'broken-version-chain');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /with no WALLET_ENCRYPTION_KEY_V1/);
  });

  it('with an empty placeholder, it asks for the old key instead of calling the slot missing', () => {
    const a = analyzeFiles({
      '.env': `WALLET_ENCRYPTION_KEY=${key}\nWALLET_ENCRYPTION_KEY_VERSION=2\n# Version 1 key: paste it here\nWALLET_ENCRYPTION_KEY_V1=\n`,
    });
    const f = a.findings('.env').filter((x) => x.ruleId === 'broken-version-chain');
    assert.equal(f.length, 1);
    assert.doesNotMatch(f[0].message, /\bno WALLET_ENCRYPTION_KEY_V1\b/);
    assert.match(f[0].message, /WALLET_ENCRYPTION_KEY_V1 is an empty placeholder/);
    assert.ok(!f[0].message.includes(key.slice(0, 8)));
  });
});
