import * as assert from 'node:assert/strict';
import { findSlotFamilies, isListPreviousSlot, preferredPreviousSuffix, PREVIOUS_SUFFIXES, slotBase, splitKeyList } from '../../server/src/core/slots';

/** The family of `base`, with its maps turned into plain objects for comparison. */
function fam(keys: string[], base: string, overrides = {}, valueOf?: Record<string, string>) {
  const f = findSlotFamilies(keys, overrides, valueOf ? { valueOfKey: (k) => valueOf[k] } : {}).get(base);
  if (!f) return undefined;
  return {
    ...f,
    versions: f.versions ? Object.fromEntries(f.versions) : undefined,
    numbered: f.numbered ? Object.fromEntries(f.numbered) : undefined,
  };
}

describe('slots: slotBase', () => {
  it('recognises previous, version, version-key and numbered suffixes', () => {
    assert.deepEqual(slotBase('JWT_SECRET_PREVIOUS'), { base: 'JWT_SECRET', kind: 'previous' });
    assert.deepEqual(slotBase('JWT_SECRET_PREV'), { base: 'JWT_SECRET', kind: 'previous' });
    assert.deepEqual(slotBase('JWT_SECRET_OLD'), { base: 'JWT_SECRET', kind: 'previous' });
    assert.deepEqual(slotBase('WALLET_ENCRYPTION_KEY_VERSION'), { base: 'WALLET_ENCRYPTION_KEY', kind: 'versionKey' });
    assert.deepEqual(slotBase('WALLET_ENCRYPTION_KEY_V2'), { base: 'WALLET_ENCRYPTION_KEY', kind: 'version', n: 2 });
    assert.deepEqual(slotBase('ACCESS_TOKEN_SECRET_0'), { base: 'ACCESS_TOKEN_SECRET', kind: 'number', n: 0 });
    assert.deepEqual(slotBase('AUTH_SECRET_3'), { base: 'AUTH_SECRET', kind: 'number', n: 3 });
  });

  it('maps framework list slots to their base (Laravel APP_PREVIOUS_KEYS, Django SECRET_KEY_FALLBACKS)', () => {
    assert.deepEqual(slotBase('APP_PREVIOUS_KEYS'), { base: 'APP_KEY', kind: 'previous' });
    assert.deepEqual(slotBase('SECRET_KEY_FALLBACKS'), { base: 'SECRET_KEY', kind: 'previous' });
    assert.ok(isListPreviousSlot('APP_PREVIOUS_KEYS'));
    assert.ok(!isListPreviousSlot('JWT_SECRET_PREVIOUS'));
  });

  it('leaves plain keys and bare suffixes alone', () => {
    assert.equal(slotBase('JWT_SECRET'), undefined);
    assert.equal(slotBase('_PREVIOUS'), undefined);
    assert.equal(slotBase('_VERSION'), undefined);
    assert.equal(slotBase('SECRET_KEY_BASE'), undefined);
  });
});

describe('slots: findSlotFamilies (schemes from the seeds)', () => {
  it('seed 000 JWT: JWT_SECRET + JWT_SECRET_PREVIOUS is a previous-slot family', () => {
    assert.deepEqual(fam(['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'JWT_EXPIRES_IN'], 'JWT_SECRET'), {
      base: 'JWT_SECRET', scheme: 'previous', current: 'JWT_SECRET', previous: ['JWT_SECRET_PREVIOUS'], versions: undefined, numbered: undefined,
    });
  });

  it('_PREV and _OLD count as previous slots, _PREVIOUS first when several exist', () => {
    assert.equal(fam(['SESSION_SECRET', 'SESSION_SECRET_OLD'], 'SESSION_SECRET')?.scheme, 'previous');
    assert.deepEqual(fam(['K_SECRET_OLD', 'K_SECRET', 'K_SECRET_PREVIOUS'], 'K_SECRET')?.previous, ['K_SECRET_PREVIOUS', 'K_SECRET_OLD']);
  });

  it('seed 000 wallet: X + X_VERSION + X_V1 is versioned, slots newest first', () => {
    const f = fam(['WALLET_ENCRYPTION_KEY', 'WALLET_ENCRYPTION_KEY_VERSION', 'WALLET_ENCRYPTION_KEY_V1', 'WALLET_ENCRYPTION_KEY_V2'], 'WALLET_ENCRYPTION_KEY');
    assert.equal(f?.scheme, 'versioned');
    assert.equal(f?.current, 'WALLET_ENCRYPTION_KEY');
    assert.equal(f?.versionKey, 'WALLET_ENCRYPTION_KEY_VERSION');
    assert.deepEqual(f?.versions, { 1: 'WALLET_ENCRYPTION_KEY_V1', 2: 'WALLET_ENCRYPTION_KEY_V2' });
    assert.deepEqual(f?.previous, ['WALLET_ENCRYPTION_KEY_V2', 'WALLET_ENCRYPTION_KEY_V1']);
  });

  it('X + X_VERSION alone is a versioned family with no slot yet; X_VERSION + X_V1 without X still groups', () => {
    assert.deepEqual(fam(['MASTER_KEY', 'MASTER_KEY_VERSION'], 'MASTER_KEY')?.previous, []);
    const orphan = fam(['MASTER_KEY_VERSION', 'MASTER_KEY_V1'], 'MASTER_KEY');
    assert.equal(orphan?.scheme, 'versioned');
    assert.equal(orphan?.versionKey, 'MASTER_KEY_VERSION');
  });

  it('seed 002: ACCESS_TOKEN_SECRET_1 current, _0 previous; a lone _1 is still numbered', () => {
    const f = fam(['ACCESS_TOKEN_SECRET_0', 'ACCESS_TOKEN_SECRET_1', 'ACCESS_TOKEN_EXPIRES_IN'], 'ACCESS_TOKEN_SECRET');
    assert.equal(f?.scheme, 'numbered');
    assert.equal(f?.current, 'ACCESS_TOKEN_SECRET_1');
    assert.deepEqual(f?.previous, ['ACCESS_TOKEN_SECRET_0']);
    const lone = fam(['REFRESH_TOKEN_SECRET_1'], 'REFRESH_TOKEN_SECRET');
    assert.equal(lone?.scheme, 'numbered');
    assert.deepEqual(lone?.previous, []);
  });

  it('Auth.js: AUTH_SECRET_1..3 are newer than AUTH_SECRET, the highest signs; _4 is kept but never current', () => {
    const f = fam(['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2'], 'AUTH_SECRET');
    assert.equal(f?.scheme, 'authjs');
    assert.equal(f?.current, 'AUTH_SECRET_2');
    assert.deepEqual(f?.previous, ['AUTH_SECRET_1', 'AUTH_SECRET']);
    const g = fam(['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_4'], 'AUTH_SECRET');
    assert.equal(g?.current, 'AUTH_SECRET_1');
    assert.deepEqual(g?.previous, ['AUTH_SECRET']);
    assert.deepEqual(g?.numbered, { 1: 'AUTH_SECRET_1', 4: 'AUTH_SECRET_4' });
  });

  it('comma-separated key lists form a list family when values are given', () => {
    const a = 'q'.repeat(20);
    const b = 'r'.repeat(20);
    const f = fam(['SESSION_SECRETS'], 'SESSION_SECRETS', {}, { SESSION_SECRETS: `${a},${b}` });
    assert.equal(f?.scheme, 'list');
    assert.equal(f?.listLength, 2);
    // Short words with commas are not keys; nor is any list without values.
    assert.equal(fam(['SESSION_SECRET'], 'SESSION_SECRET', {}, { SESSION_SECRET: 'red,green,blue' }), undefined);
    assert.equal(fam(['SESSION_SECRETS'], 'SESSION_SECRETS'), undefined);
    assert.deepEqual(splitKeyList(`${a}, ${b}`), [a, b]);
    assert.equal(splitKeyList(`${a}, two words here`), undefined);
  });

  it('Laravel APP_KEY + APP_PREVIOUS_KEYS is a previous family whose slot is a list', () => {
    const f = fam(['APP_KEY', 'APP_PREVIOUS_KEYS'], 'APP_KEY');
    assert.equal(f?.scheme, 'previous');
    assert.deepEqual(f?.previous, ['APP_PREVIOUS_KEYS']);
    assert.equal(f?.previousIsList, true);
  });

  it('a lone secret, non-secret numbered keys and provider key pools form no family', () => {
    const fams = findSlotFamilies(['JWT_SECRET', 'REDIS_HOST_0', 'REDIS_HOST_1', 'NODE_VERSION', 'API_URL_OLD', 'API_URL', 'OPENAI_API_KEY_1', 'OPENAI_API_KEY_2']);
    assert.deepEqual([...fams.keys()], []);
  });

  it('X with X_1 (not Auth.js) is ambiguous and forms no family', () => {
    assert.equal(fam(['JWT_SECRET', 'JWT_SECRET_1'], 'JWT_SECRET'), undefined);
  });

  it('the isSecret option decides which bases can have slots', () => {
    const fams = findSlotFamilies(['SIGNATURE', 'SIGNATURE_OLD'], {}, { isSecret: (k) => k === 'SIGNATURE' });
    assert.equal(fams.get('SIGNATURE')?.scheme, 'previous');
    assert.equal(findSlotFamilies(['JWT_SECRET', 'JWT_SECRET_OLD'], {}, { isSecret: () => false }).size, 0);
  });

  it('config overrides force a scheme (globs, case-insensitive) without splitting families', () => {
    const fams = findSlotFamilies(['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'SESSION_SECRET'], { 'jwt_*': 'immediate', SESSION_SECRET: 'previous' });
    assert.equal(fams.get('JWT_SECRET')?.scheme, 'immediate');
    assert.equal(fams.has('JWT_SECRET_PREVIOUS'), false);
    assert.deepEqual(fams.get('SESSION_SECRET'), { base: 'SESSION_SECRET', scheme: 'previous', current: 'SESSION_SECRET', previous: [] });
  });
});

describe('slots: preferredPreviousSuffix', () => {
  it('defaults to _PREVIOUS and follows the suffix the project uses most', () => {
    assert.equal(preferredPreviousSuffix([]), '_PREVIOUS');
    assert.equal(preferredPreviousSuffix(['A_SECRET_OLD', 'B_SECRET_OLD', 'C_SECRET_PREVIOUS']), '_OLD');
    assert.equal(preferredPreviousSuffix(['A_SECRET_PREV']), '_PREV');
    assert.deepEqual(PREVIOUS_SUFFIXES, ['_PREVIOUS', '_PREV', '_OLD']);
  });
});
