import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Analyzer, analyzeFiles } from '../../server/src/core/analyzer';
import type { Finding } from '../../server/src/core/types';

// The caches of reused-secret (per-occurrence profiles, per-list indexes and ranks, shared related
// locations, per-source user lookups) must give the findings a fresh computation gives, also after
// edits. Values are derived from names (fixture input only) and never printed.

function hex(name: string): string {
  return createHash('sha256').update(`reused-secret-perf:${name}`).digest('hex');
}

function pw(name: string): string {
  const b = createHash('sha256').update(`reused-secret-perf-pw:${name}`).digest('base64').replace(/[^A-Za-z0-9]/g, '');
  return b.slice(0, 8) + 'Zq7' + b.slice(8, 16);
}

function reused(a: Analyzer, path: string): Finding[] {
  return a.findings(path).filter((f) => f.ruleId === 'reused-secret');
}

/** Where the related locations point, as "path:line". */
function places(f: Finding): string[] {
  return (f.related ?? []).map((r) => `${r.path}:${r.range.start.line}`);
}

/** A new analyzer over the given files: its occurrences, sources and lists are new objects, so no per-object cache applies. */
function fresh(files: Record<string, string>): Analyzer {
  return analyzeFiles(files);
}

describe('reused-secret: caches give the findings of a fresh computation', () => {
  it('a value in 40 files (long list): hits sorted by kind, path and offset, the files listed in the data', () => {
    const v = hex('many');
    const files: Record<string, string> = {};
    // Inserted in reverse path order, so the occurrence list is not in path order.
    for (let i = 39; i >= 0; i--) files[`apps/a${String(i).padStart(2, '0')}/.env`] = `SERVICE_${i}_SECRET=${v}\n`;
    files['apps/a07/.env'] = `OTHER=1\nSERVICE_7_SECRET=${v}\nSERVICE_7_TOKEN=${v}\n`;
    files['.env.example'] = `EXAMPLE_SECRET=${v}\n`;
    const a = analyzeFiles(files);
    const [f] = reused(a, 'apps/a20/.env');
    assert.equal(f.data?.kind, 'example');
    const related = places(f);
    assert.equal(related.length, 20);
    assert.equal(related[0], '.env.example:0');
    const rest = related.slice(1);
    assert.deepEqual(rest, [...rest].sort(), 'by path after the example');
    assert.deepEqual(rest.slice(6, 9), ['apps/a06/.env:0', 'apps/a07/.env:1', 'apps/a07/.env:2']);
    assert.equal(f.data?.truncated, true);
    assert.match(f.message, /\(and 40 more\)/);
    for (const path of a.paths()) {
      if (path === '.env.example') continue;
      assert.equal(reused(a, path).length, path === 'apps/a07/.env' ? 2 : 1, path);
    }
  });

  it('a value in 250 places (more than are examined): hits of the first kind first, each kind in path order, "many more"', () => {
    const v = hex('crowd');
    const files: Record<string, string> = {};
    // Reverse insertion order; purposes (other keys, same environment) and environments (same key) mixed.
    for (let i = 249; i >= 0; i--) {
      const dir = `apps/p${String(i).padStart(3, '0')}`;
      files[i % 20 === 0 ? `${dir}/.env.staging` : `${dir}/.env.production`] = i % 20 === 0 ? `SERVICE_SECRET=${v}\n` : `OTHER_${i}_SECRET=${v}\n`;
    }
    files['apps/self/.env.production'] = `SERVICE_SECRET=${v}\n`;
    const a = analyzeFiles(files);
    const [f] = reused(a, 'apps/self/.env.production');
    assert.equal(f.data?.kind, 'environments');
    assert.equal(f.data?.truncated, true);
    assert.match(f.message, /\(and many more\)/);
    const kinds = (f.related ?? []).map((r) => (/another environment/.test(r.message) ? 'environments' : /another purpose/.test(r.message) ? 'purposes' : 'other'));
    assert.equal(kinds.length, 20);
    const firstPurpose = kinds.indexOf('purposes');
    assert.equal(firstPurpose, 10, 'the 10 environments examined come first');
    assert.ok(kinds.slice(firstPurpose).every((k) => k === 'purposes'), 'then purposes only');
    const envPaths = (f.related ?? []).slice(0, firstPurpose).map((r) => r.path);
    assert.deepEqual(envPaths, [...envPaths].sort(), 'environments by path');
    assert.ok(envPaths.every((p) => p.endsWith('.env.staging')));
    const purposePaths = (f.related ?? []).slice(firstPurpose).map((r) => r.path);
    assert.deepEqual(purposePaths, [...purposePaths].sort(), 'purposes by path');
    assert.deepEqual(f.data?.files, [...new Set(['apps/self/.env.production', ...envPaths, ...purposePaths])].sort());
  });

  it('a file added to a long list shows up in the findings of the files already there, in path order', () => {
    const v = hex('grow');
    const files: Record<string, string> = {};
    for (let i = 0; i < 35; i++) files[`svc/s${String(i).padStart(2, '0')}/.env`] = `S${i}_SECRET=${v}\n`;
    const a = analyzeFiles(files);
    const before = reused(a, 'svc/s10/.env');
    assert.equal(places(before[0])[0], 'svc/s00/.env:0');
    a.setFile({ path: 'aaa/.env', text: `FIRST_SECRET=${v}\n` });
    files['aaa/.env'] = `FIRST_SECRET=${v}\n`;
    const after = reused(a, 'svc/s10/.env');
    assert.equal(places(after[0])[0], 'aaa/.env:0');
    assert.deepEqual(after, reused(fresh(files), 'svc/s10/.env'));
    assert.deepEqual(reused(a, 'aaa/.env'), reused(fresh(files), 'aaa/.env'));
  });

  it('related locations follow an edit of the other file', () => {
    const v = hex('moved');
    const a = analyzeFiles({ 'a/.env': `JWT_SECRET=${v}\n`, 'b/.env': `SESSION_SECRET=${v}\n` });
    assert.deepEqual(places(reused(a, 'a/.env')[0]), ['b/.env:0']);
    a.setFile({ path: 'b/.env', text: `# moved\n\nSESSION_SECRET=${v}\n` });
    assert.deepEqual(places(reused(a, 'a/.env')[0]), ['b/.env:2']);
    assert.deepEqual(places(reused(a, 'b/.env')[0]), ['a/.env:0']);
  });

  it('the user beside a password is read from the file version in the workspace', () => {
    const p = pw('account');
    const text = (user: string) => `WAREHOUSE_USER=${user}\nWAREHOUSE_PASSWORD=${p}\nANALYTICS_URL=mysql://nis2:${p}@db:3306/x\n`;
    const a = analyzeFiles({ '.env': text('nis2') });
    assert.deepEqual(reused(a, '.env'), [], 'the URL names the account of WAREHOUSE_USER');
    a.setFile({ path: '.env', text: text('other') });
    assert.deepEqual(reused(a, '.env').map((f) => f.key), ['WAREHOUSE_PASSWORD', 'ANALYTICS_URL']);
    assert.deepEqual(reused(a, '.env'), reused(fresh({ '.env': text('other') }), '.env'));
    a.setFile({ path: '.env', text: text('nis2') });
    assert.deepEqual(reused(a, '.env'), []);
  });

  it('findings asked twice are equal (shared related locations are not changed by the second run)', () => {
    const v = hex('twice');
    const files = { '.env.production': `JWT_SECRET=${v}\n`, '.env.staging': `JWT_SECRET=${v}\n`, '.env': `SESSION_SECRET=${v}\n` };
    const a = analyzeFiles(files);
    const first = JSON.stringify([...a.allFindings()]);
    a.setGitignore('', 'nothing\n'); // invalidates every file's findings
    a.setGitignore('', undefined);
    assert.equal(JSON.stringify([...a.allFindings()]), first);
  });
});
