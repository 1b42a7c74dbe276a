import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isExampleFile } from '../core/classify';
import type { ProjectConfig, SlotScheme } from '../core/config';
import { isHmacAlg, isSecretEncoding, MAX_SECRET_BYTES, type HmacAlg, type SecretEncoding } from '../core/generate';
import { formatOf } from '../core/files';
import { parseSource } from '../core/parse';
import { defaultSlotScheme, planCompletion, planRotation, type CompletionPlan, type Refusal, type RotationPlan } from '../core/rotation';
import { applyEdits, decodeBytes, encodeText } from '../core/text';
import type { DecodedText, ParsedSource } from '../core/types';
import { ConcurrentChangeError, readSnapshot, writeFileAtomic, type FileSnapshot } from '../node/atomic-write';
import { loadProjectConfig, walkWorkspace } from '../node/workspace';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseArgs, UsageError, type CliIO } from './io';
import { displayPath, parseScheme, parseTrigger, readJournalIndex, runFingerprinter, writeJournalEntry } from './journal';

export const rotateUsage = `Usage: secret-hygiene rotate KEY [--file .env] [--scheme S] [--create-slot] [--yes] [--also FILE...]
                             [--dry-run] [--journal [--trigger scheduled|emergency] [--reason TEXT] [--step ID] [--ics]]
       secret-hygiene rotate --complete KEY [--file .env] [--also FILE...] [--remove-slots] [--yes] [--dry-run]

Rotates a secret in an env file: the current value moves into its previous slot and a fresh value
from the CSPRNG takes its place, in the same shape (encoding, length, quoting). Schemes (detected,
or per key in .secret-hygiene.json "schemes"):
  previous   X_PREVIOUS := X, new X (the slot is added after X when missing)
  versioned  X_V{n} := X, new X, X_VERSION := n+1
  numbered   X_0 := X_1, new X_1
  authjs     a new AUTH_SECRET_{n+1} (Auth.js signs with the highest; at most 3)
  list       X=new,old
  immediate  new X only: every session and token is invalidated (needs --yes)

  --file F         the env file (default .env)
  --scheme S       use this scheme instead of the detected one
  --create-slot    the key has no slot yet: create one (X_PREVIOUS; AUTH_SECRET_1 for AUTH_SECRET)
  --yes            confirm an immediate rotation, or a completion that may log users out
  --also F...      rotate the same key in these files too, each with its own fresh value
  --dry-run        show what would change; write nothing
  --encoding E     hex, base64 or base64url for the new value (default: the old value's)
  --bytes N        key material of the new value (default: the old value's, at least 32)
  --alg A          HS256, HS384 or HS512 (default: read from a sibling *_ALG/*_ALGORITHM key)
  --journal        add an entry to the runbook journal (config "journal")
    --trigger T    scheduled (default) or emergency
    --reason TEXT  why (the leak vector of an emergency)
    --step ID      runbook step for the heading, e.g. A2.5
    --ics          also write a calendar reminder for the next scheduled rotation
  --complete       end the rotation after the overlap window: empty the previous slot, retire
                   versions older than latest-1, or fold Auth.js slots back into AUTH_SECRET
  --remove-slots   with --complete: remove the previous slot's line instead of emptying it

Writes are atomic (temporary file + rename in the same folder), keep the file's mode, encoding,
BOM and line endings, and are refused if the file changed meanwhile. Output shows fingerprints,
never values.

Exit codes: 0 done, 1 refused or failed (nothing written for a refusal), 2 bad usage or an
unconfirmed rotation.`;

interface Target {
  abs: string;
  shown: string;
  snapshot: FileSnapshot;
  decoded: DecodedText;
  source: ParsedSource;
}

interface Options {
  key: string;
  file: string;
  also: string[];
  scheme?: SlotScheme;
  createSlot: boolean;
  yes: boolean;
  dryRun: boolean;
  complete: boolean;
  removeSlots: boolean;
  journal: boolean;
  trigger: 'scheduled' | 'emergency';
  reason?: string;
  step?: string;
  ics: boolean;
  encoding?: SecretEncoding;
  bytes?: number;
  alg?: HmacAlg;
}

/** `--also a b c` takes every following argument that names a file (has a slash, starts with a dot, or exists). */
function expandAlso(args: string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    out.push(args[i]);
    if (args[i] !== '--also') continue;
    if (i + 1 < args.length) out.push(args[++i]);
    while (i + 1 < args.length && !args[i + 1].startsWith('-') && looksLikeFile(args[i + 1], cwd)) out.push('--also', args[++i]);
  }
  return out.flatMap((a, k) => (out[k - 1] === '--also' && a.includes(',') ? a.split(',').filter((s) => s !== '').flatMap((s, j) => (j === 0 ? [s] : ['--also', s])) : [a]));
}

function looksLikeFile(arg: string, cwd: string): boolean {
  return /[\\/]/.test(arg) || arg.startsWith('.') || existsSync(path.resolve(cwd, arg));
}

function parseOptions(args: string[], io: CliIO): Options | 'help' {
  const { flags, positionals } = parseArgs(expandAlso(args, io.cwd), {
    strings: ['file', 'scheme', 'trigger', 'reason', 'step', 'encoding', 'bytes', 'alg'],
    booleans: ['create-slot', 'yes', 'dry-run', 'complete', 'remove-slots', 'journal', 'ics', 'help'],
    multi: ['also'],
  });
  if (flags.help) return 'help';
  if (positionals.length === 0) throw new UsageError('which key? (secret-hygiene rotate KEY)');
  if (positionals.length > 1) throw new UsageError(`one key at a time; unexpected "${positionals[1]}" (use --also once per extra file)`);
  const key = positionals[0];
  if (!/^[A-Za-z_][\w.-]*$/.test(key)) throw new UsageError('KEY must be a variable name (letters, digits, "_", ".", "-")');
  const complete = !!flags.complete;
  const journal = !!flags.journal;
  for (const f of ['trigger', 'reason', 'step', 'ics'] as const) {
    if (flags[f] !== undefined && !journal) throw new UsageError(`--${f} only applies with --journal`);
  }
  if (complete) {
    for (const f of ['create-slot', 'journal', 'encoding', 'bytes', 'alg'] as const) {
      if (flags[f] !== undefined) throw new UsageError(`--${f} does not apply to --complete`);
    }
  } else if (flags['remove-slots']) throw new UsageError('--remove-slots only applies with --complete');
  const encoding = flags.encoding as string | undefined;
  if (encoding !== undefined && !isSecretEncoding(encoding)) throw new UsageError('--encoding must be hex, base64 or base64url');
  let bytes: number | undefined;
  if (flags.bytes !== undefined) {
    if (!/^\d+$/.test(flags.bytes as string)) throw new UsageError('--bytes must be a whole number');
    bytes = Number(flags.bytes);
    if (bytes < 32 || bytes > MAX_SECRET_BYTES) throw new UsageError(`--bytes must be from 32 to ${MAX_SECRET_BYTES}`);
  }
  const alg = flags.alg === undefined ? undefined : String(flags.alg).toUpperCase();
  if (alg !== undefined && !isHmacAlg(alg)) throw new UsageError('--alg must be HS256, HS384 or HS512');
  return {
    key,
    file: (flags.file as string | undefined) ?? '.env',
    also: (flags.also as string[] | undefined) ?? [],
    scheme: parseScheme(flags.scheme),
    createSlot: !!flags['create-slot'],
    yes: !!flags.yes,
    dryRun: !!flags['dry-run'],
    complete,
    removeSlots: !!flags['remove-slots'],
    journal,
    trigger: parseTrigger(flags.trigger),
    reason: flags.reason as string | undefined,
    step: flags.step as string | undefined,
    ics: !!flags.ics,
    encoding: encoding as SecretEncoding | undefined,
    bytes,
    alg: alg as HmacAlg | undefined,
  };
}

async function readTarget(io: CliIO, config: ProjectConfig, file: string): Promise<Target | string> {
  const abs = path.resolve(io.cwd, file);
  const shown = displayPath(io.cwd, abs);
  let snapshot: FileSnapshot;
  try {
    snapshot = await readSnapshot(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${shown} does not exist` : `cannot read ${shown} (${code ?? 'not a regular file'})`;
  }
  const decoded = decodeBytes(snapshot.bytes, config.maxFileBytes);
  if (!decoded.ok) return `cannot read ${shown}: ${decoded.reason}`;
  return { abs, shown, snapshot, decoded, source: parseSource(shown, decoded.text) };
}

/** `secret-hygiene rotate KEY` and `secret-hygiene rotate --complete KEY`. */
export async function runRotate(args: string[], io: CliIO): Promise<number> {
  let opts: Options;
  try {
    const o = parseOptions(args, io);
    if (o === 'help') {
      io.stdout(rotateUsage + '\n');
      return EXIT_OK;
    }
    opts = o;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`secret-hygiene rotate: ${e.message}\n\n${rotateUsage}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const cmd = opts.complete ? 'secret-hygiene rotate --complete' : 'secret-hygiene rotate';
  const loaded = await loadProjectConfig(io.cwd);
  for (const p of loaded.problems) io.stderr(`warning: ${loaded.file ?? 'config'}: ${p.message}\n`);
  const config = loaded.config;

  // Read every file first: nothing is written unless every file can be rotated.
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const file of [opts.file, ...opts.also]) {
    const t = await readTarget(io, config, file);
    if (typeof t === 'string') {
      io.stderr(`${cmd}: ${t}; nothing was written\n`);
      return EXIT_FINDINGS;
    }
    if (seen.has(t.snapshot.path)) continue;
    seen.add(t.snapshot.path);
    targets.push(t);
  }

  const fingerprint = runFingerprinter();
  const workspaceKeys = targets.flatMap((t) => t.source.entries.map((e) => e.key));
  const journal = opts.complete ? await readJournalIndex(io.cwd, config) : undefined;
  const plans: { target: Target; plan: RotationPlan | CompletionPlan }[] = [];
  for (const target of targets) {
    const plan: RotationPlan | CompletionPlan | Refusal = opts.complete
      ? planCompletion({
          source: target.source,
          key: opts.key,
          fingerprint,
          eol: target.decoded.eol,
          scheme: opts.scheme,
          schemes: config.schemes,
          journal: journal?.index,
          now: io.now(),
          overlapDays: config.overlapDays,
          removeSlots: opts.removeSlots,
        })
      : planRotation({
          source: target.source,
          key: opts.key,
          fingerprint,
          eol: target.decoded.eol,
          scheme: opts.scheme,
          schemes: config.schemes,
          createSlot: opts.createSlot ? defaultSlotScheme(opts.key) : undefined,
          minBytes: config.minBytes,
          workspaceKeys,
          encoding: opts.encoding,
          bytes: opts.bytes,
          alg: opts.alg,
        });
    if (!plan.ok) {
      io.stderr(`${cmd}: ${plan.reason}\nNothing was written.\n`);
      return EXIT_FINDINGS;
    }
    plans.push({ target, plan });
  }

  const confirms = [...new Set(plans.map((p) => p.plan.confirm).filter((c): c is string => !!c))];
  if (confirms.length > 0 && !opts.yes && !opts.dryRun) {
    for (const c of confirms) io.stderr(`${cmd}: ${c}\n`);
    const noSlot = !opts.complete && plans.some((p) => p.plan.scheme === 'immediate') && !opts.createSlot;
    io.stderr(
      `Nothing was written. Re-run with --yes to confirm${noSlot ? ', or with --create-slot for a zero-downtime rotation if the app reads a previous slot' : ''}.\n`,
    );
    return EXIT_USAGE;
  }

  for (const { target, plan } of plans) {
    for (const w of plan.warnings) io.stderr(`warning: ${target.shown}: ${w}\n`);
  }

  if (opts.dryRun) {
    for (const { target, plan } of plans) printPlan(io, target, plan, opts, true);
    io.stdout('Dry run: nothing was written.\n');
    if (!opts.complete) await printSiblingHint(io, config, opts.key, plans);
    return EXIT_OK;
  }

  const written: string[] = [];
  for (const { target, plan } of plans) {
    const newText = applyEdits(target.decoded.text, plan.edits);
    const bytes = encodeText(newText, target.decoded.encoding, target.decoded.bom);
    try {
      await writeFileAtomic(target.snapshot, bytes, { beforeCommit: io.beforeWrite });
    } catch (e) {
      const why = e instanceof ConcurrentChangeError ? e.message : `write failed (${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.name : 'error')}); ${target.shown} is unchanged`;
      io.stderr(`${cmd}: ${target.shown}: ${why}\n`);
      if (written.length > 0) io.stderr(`Already written: ${written.join(', ')} (their new values are live in those files).\n`);
      return EXIT_FINDINGS;
    }
    written.push(target.shown);
    printPlan(io, target, plan, opts, false);
  }

  if (opts.complete) {
    io.stdout(`Next: deploy, so the services stop accepting the old value.\n`);
    return EXIT_OK;
  }
  const first = plans[0].plan as RotationPlan;
  printNextSteps(io, first, opts, config);
  let status = EXIT_OK;
  if (opts.journal) {
    const rotations = plans.map((p) => ({ shown: p.target.shown, plan: p.plan as RotationPlan }));
    const many = rotations.length > 1;
    const ok = await writeJournalEntry({
      cwd: io.cwd,
      config,
      io,
      ics: opts.ics,
      dryRun: false,
      entry: {
        key: first.base ?? opts.key,
        date: isoDay(io.now()),
        step: opts.step,
        trigger: opts.trigger,
        reason: opts.reason,
        oldFingerprint: rotations.map((r) => r.plan.oldFingerprint + (many ? ` (${r.shown})` : '')).join(', '),
        newFingerprint: rotations.map((r) => r.plan.newFingerprint + (many ? ` (${r.shown})` : '')).join(', '),
        scheme: first.scheme,
        previousKey: first.previousKey,
        files: written,
      },
    });
    if (!ok) status = EXIT_FINDINGS;
  } else {
    io.stdout(`Record it in the journal: secret-hygiene journal ${first.base ?? opts.key} --file ${plans[0].target.shown}${opts.trigger === 'emergency' ? ' --trigger emergency' : ''}\n`);
  }
  await printSiblingHint(io, config, opts.key, plans);
  return status;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function printPlan(io: CliIO, target: Target, plan: RotationPlan | CompletionPlan, opts: Options, dry: boolean): void {
  const verb = opts.complete ? (dry ? 'Would complete' : 'Completed') : dry ? 'Would rotate' : 'Rotated';
  io.stdout(`${verb} ${plan.key} in ${target.shown} (scheme ${plan.scheme})\n`);
  for (const line of plan.summary) io.stdout(`  - ${line}\n`);
}

function printNextSteps(io: CliIO, plan: RotationPlan, opts: Options, config: ProjectConfig): void {
  const base = plan.base ?? opts.key;
  const fileArg = opts.file === '.env' ? '' : ` --file ${opts.file}`;
  switch (plan.scheme) {
    case 'immediate':
      if (plan.purpose === 'password') io.stdout(`Next: change the password in the service itself at the same moment, then restart every service that reads ${base}.\n`);
      else io.stdout(`Next: restart or deploy every service that reads ${base}; every user must log in again.\n`);
      break;
    case 'versioned':
      io.stdout(`Next: deploy, re-encrypt the data still under older key versions, then retire them: secret-hygiene rotate --complete ${base}${fileArg}\n`);
      break;
    default:
      io.stdout(`Next: deploy; after the overlap window (${config.overlapDays} days) complete the rotation: secret-hygiene rotate --complete ${base}${fileArg}\n`);
  }
}

/** Other env files that set the same key: a hint to rotate them too (`--also`). Best effort. */
async function printSiblingHint(io: CliIO, config: ProjectConfig, key: string, plans: { target: Target; plan: RotationPlan | CompletionPlan }[]): Promise<void> {
  try {
    const base = plans[0].plan.base ?? key;
    const done = new Set(plans.map((p) => p.target.snapshot.path));
    const walk = await walkWorkspace(io.cwd, config);
    const found: string[] = [];
    for (const rel of walk.files) {
      if (found.length >= 20) break;
      if (isExampleFile(rel) || formatOf(rel) !== 'dotenv') continue;
      const abs = path.resolve(io.cwd, rel);
      let real: string;
      try {
        real = await fsp.realpath(abs);
      } catch {
        continue;
      }
      if (done.has(real)) continue;
      const st = await fsp.stat(real);
      if (st.size > config.maxFileBytes) continue;
      const d = decodeBytes(await fsp.readFile(real), config.maxFileBytes);
      if (!d.ok || !d.text.includes(base)) continue;
      if (parseSource(rel, d.text).entries.some((e) => e.key === base && e.value.trim() !== '')) found.push(rel);
    }
    if (found.length > 0) {
      const verb = 'newFingerprint' in plans[0].plan ? 'rotate' : 'complete';
      io.stdout(`Hint: ${base} is also set in ${found.join(', ')}; ${verb} ${found.length > 1 ? 'them' : 'it'} too with --also ${found.join(' ')} (each gets its own value).\n`);
    }
  } catch {
    // The hint is a convenience; a folder we cannot walk does not fail the rotation.
  }
}
