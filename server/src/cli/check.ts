import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Analyzer, type FileInput } from '../core/analyzer';
import { resolveConfig } from '../core/config';
import { RULES } from '../core/rules';
import type { Severity } from '../core/types';
import { createFileSelector } from '../core/files';
import { loadProjectConfig, readWorkspaceFileSync, SYNC_WALK_FS, toRelative, walkWorkspace } from '../node/workspace';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseArgs, UsageError, type CliIO } from './io';
import { renderJsonChunks, renderSarifChunks, renderTextChunks, type Report } from './format';
import { stdoutSink, writeChunks, writeChunksToFile } from './output';

export const checkUsage = `Usage: secret-hygiene check [paths...] [options]

Checks .env files and config (docker-compose, YAML, JSON, .properties) for weak, short, reused,
browser-exposed and unrotated secrets. Paths default to the current folder; folders are walked
(node_modules, .git and build output are skipped), files are checked whatever their name.

Options:
  --format text|json|sarif   output format (default text)
  --output FILE              write the report to FILE instead of stdout
  --max-warnings N           exit 1 when there are more than N warnings
  --config FILE              use this config file instead of <root>/.secret-hygiene.json
  --rule ID=SEVERITY         override a rule's severity (error|warning|info|hint|off); repeatable
  --no-color                 no ANSI colours (also when NO_COLOR is set or stdout is not a TTY)
  --quiet                    report errors only

Exit codes: 0 clean, 1 errors (or more warnings than --max-warnings), 2 bad usage or unreadable input.
Output never contains a secret value: findings name the key, file, length, encoding and a keyed
fingerprint (set SECRET_HYGIENE_FINGERPRINT_KEY to make fingerprints stable across runs).
`;

export async function runCheck(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, { strings: ['format', 'output', 'max-warnings', 'config'], booleans: ['no-color', 'quiet', 'help'], multi: ['rule'] });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`secret-hygiene check: ${e.message}\n\n${checkUsage}`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const { flags, positionals } = parsed;
  if (flags.help) {
    io.stdout(checkUsage);
    return EXIT_OK;
  }
  const format = (flags.format as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) {
    io.stderr(`secret-hygiene check: --format must be text, json or sarif\n`);
    return EXIT_USAGE;
  }
  let maxWarnings: number | undefined;
  if (flags['max-warnings'] !== undefined) {
    maxWarnings = Number(flags['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) {
      io.stderr(`secret-hygiene check: --max-warnings must be a whole number >= 0\n`);
      return EXIT_USAGE;
    }
  }
  const ruleOverrides: Record<string, Severity | 'off'> = {};
  for (const r of (flags.rule as string[] | undefined) ?? []) {
    const m = /^([a-z-]+)=(error|warning|info|hint|off)$/.exec(r);
    if (!m || !RULES.some((rule) => rule.meta.id === m[1])) {
      io.stderr(`secret-hygiene check: --rule expects <rule-id>=<error|warning|info|hint|off>, got "${r}"\n`);
      return EXIT_USAGE;
    }
    ruleOverrides[m[1]] = m[2] as Severity | 'off';
  }

  const targets = positionals.length > 0 ? positionals : ['.'];
  const absTargets = targets.map((t) => path.resolve(io.cwd, t));
  const stats: import('node:fs').Stats[] = [];
  for (const t of absTargets) {
    try {
      stats.push(await fsp.stat(t));
    } catch {
      io.stderr(`secret-hygiene check: cannot read ${path.relative(io.cwd, t) || t}: no such file or folder\n`);
      return EXIT_USAGE;
    }
  }
  // The scanned root: the common folder of all targets, so every URI is relative to it.
  const root = commonRoot(absTargets.map((t, i) => (stats[i].isDirectory() ? t : path.dirname(t))));

  const loaded = await loadConfigFor(root, flags.config as string | undefined, io);
  if (!loaded) return EXIT_USAGE;
  const config = { ...loaded.config, rules: { ...loaded.config.rules, ...ruleOverrides } };
  for (const p of loaded.problems) io.stderr(`secret-hygiene: ${loaded.file ?? 'config'}: ${p.message}\n`);

  const hashKey = io.env.SECRET_HYGIENE_FINGERPRINT_KEY ? Buffer.from(io.env.SECRET_HYGIENE_FINGERPRINT_KEY, 'utf8') : undefined;
  const analyzer = new Analyzer({ config, hashKey, now: () => io.now() });
  const walk = await walkWorkspace(root, config, createFileSelector(config), SYNC_WALK_FS);
  const wanted = new Set<string>();
  const explicit = new Set<string>();
  for (let i = 0; i < absTargets.length; i++) {
    const rel = toRelative(root, absTargets[i]);
    if (stats[i].isDirectory()) {
      for (const f of walk.files) if (rel === '' || f === rel || f.startsWith(rel + '/')) wanted.add(f);
    } else {
      // A file named explicitly is checked whatever its name.
      wanted.add(rel);
      explicit.add(rel);
    }
  }
  // Every env file under the root takes part in cross-file checks, even when only some are reported.
  const all = new Set([...walk.files, ...wanted]);
  for (const gi of walk.gitignores) {
    const dir = gi === '.gitignore' ? '' : gi.slice(0, -'/.gitignore'.length);
    try {
      analyzer.setGitignore(dir, await fsp.readFile(path.join(root, gi), 'utf8'));
    } catch {
      // unreadable .gitignore: as if absent
    }
  }
  if (walk.journal) {
    try {
      analyzer.setJournal(await fsp.readFile(path.join(root, walk.journal), 'utf8'));
    } catch {
      // no journal
    }
  }
  const posix = process.platform !== 'win32';
  const list = [...all].sort();
  let unreadable = 0;
  const inputs: FileInput[] = [];
  // Synchronous reads: nothing else runs, and a thread-pool round trip per call costs more CPU than the read.
  for (const rel of list) {
    const r = readWorkspaceFileSync(path.join(root, rel), config.maxFileBytes);
    if (r.unreadable && explicit.has(rel)) unreadable++;
    inputs.push({ path: rel, text: r.text, unreadable: r.unreadable, meta: { mode: r.mode, posix } });
  }
  // One bulk update: nothing reads findings before every file is in.
  analyzer.setFiles(inputs);

  const files: Report['files'] = [];
  let errors = 0;
  let warnings = 0;
  for (const rel of [...wanted].sort()) {
    let findings = analyzer.findings(rel);
    if (flags.quiet) findings = findings.filter((f) => f.severity === 'error');
    for (const f of findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
    }
    files.push({ path: rel, findings });
  }
  const report: Report = { root, files, checked: wanted.size, skipped: walk.skipped };
  const color = !flags['no-color'] && io.isTTY && !io.env.NO_COLOR && flags.output === undefined;
  // Written piece by piece: the report (hundreds of MB on a large tree) is never one string.
  const chunks = format === 'json' ? renderJsonChunks(report) : format === 'sarif' ? renderSarifChunks(report, RULES) : renderTextChunks(report, color);
  if (flags.output) await writeChunksToFile(chunks, path.resolve(io.cwd, flags.output as string));
  else await writeChunks(chunks, stdoutSink(io));

  if (unreadable > 0) return EXIT_USAGE;
  if (errors > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    io.stderr(`secret-hygiene: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

async function loadConfigFor(root: string, configFlag: string | undefined, io: CliIO) {
  if (!configFlag) return loadProjectConfig(root);
  const abs = path.resolve(io.cwd, configFlag);
  let text: string;
  try {
    text = await fsp.readFile(abs, 'utf8');
  } catch {
    io.stderr(`secret-hygiene check: cannot read config ${configFlag}\n`);
    return undefined;
  }
  const problems: { message: string }[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    io.stderr(`secret-hygiene check: ${configFlag} is not valid JSON\n`);
    return undefined;
  }
  return { config: resolveConfig(raw, problems), file: configFlag, problems };
}

function commonRoot(dirs: string[]): string {
  let root = dirs[0];
  for (const d of dirs.slice(1)) {
    while (!(d === root || d.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) {
      const up = path.dirname(root);
      if (up === root) break;
      root = up;
    }
  }
  return root;
}
