import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/core/rules';

const root = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('architecture', () => {
  const coreFiles = tsFiles(join(root, 'server', 'src', 'core'));

  it('the engine (server/src/core) imports neither vscode nor vscode-languageserver*', () => {
    assert.ok(coreFiles.length > 10, 'found the core sources');
    const offenders = coreFiles.filter((f) => /from\s+['"](vscode|vscode-languageserver[^'"]*|vscode-languageclient[^'"]*)['"]|require\(['"]vscode/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the engine does no I/O: no fs, child_process, net or http imports', () => {
    const offenders = coreFiles.filter((f) => /from\s+['"](node:)?(fs|fs\/promises|child_process|net|http|https|dgram|tls)['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('nothing in the product makes network calls or runs external programs', () => {
    const files = [...tsFiles(join(root, 'server', 'src')), ...tsFiles(join(root, 'client', 'src'))];
    const offenders = files.filter((f) => /from\s+['"](node:)?(net|http|https|dgram|tls)['"]|\bfetch\(|XMLHttpRequest|from\s+['"](node:)?child_process['"]/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the language server writes nothing to stdout but the protocol (no console.log)', () => {
    const files = tsFiles(join(root, 'server', 'src')).filter((f) => !f.includes(`${join('src', 'cli')}`));
    const offenders = files.filter((f) => /(?<![.\w])console\.(log|info|debug)\(/.test(readFileSync(f, "utf8")));
    assert.deepEqual(offenders, []);
  });

  it('secrets come from node:crypto only (no Math.random in the product)', () => {
    const files = [...tsFiles(join(root, 'server', 'src')), ...tsFiles(join(root, 'client', 'src'))];
    const offenders = files.filter((f) => /Math\.random\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('every rule lives in its own file, has unique metadata and a README section', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const ids = new Set<string>();
    for (const rule of RULES) {
      assert.match(rule.meta.id, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(!ids.has(rule.meta.id), `duplicate rule id ${rule.meta.id}`);
      ids.add(rule.meta.id);
      assert.equal(rule.meta.docs, `#${rule.meta.id}`);
      assert.ok(statSync(join(root, 'server', 'src', 'core', 'rules', `${rule.meta.id}.ts`)).isFile(), `rules/${rule.meta.id}.ts exists`);
      assert.ok(readme.includes(`### \`${rule.meta.id}\``), `README documents ${rule.meta.id}`);
    }
  });
});
