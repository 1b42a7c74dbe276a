/**
 * The runbook journal (seed 004): entry format, insertion at the top under today's date, template
 * overrides, the .ics reminder, and that no value ever reaches the file.
 */
import * as assert from 'node:assert';
import fc from 'fast-check';
import {
  addDays,
  DEFAULT_JOURNAL_TEMPLATE,
  insertJournalEntry,
  journalHeading,
  renderIcs,
  renderJournalEntry,
  templateProblems,
  type JournalEntryInput,
} from '../../server/src/core/journal';
import { journalAgeDays, parseJournal } from '../../server/src/core/journal-index';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 200);
const SEED = Number(process.env.FUZZ_SEED) || 0x10c;

const base: JournalEntryInput = {
  key: 'JWT_SECRET',
  date: '2026-05-03',
  step: 'A2.5',
  trigger: 'scheduled',
  oldFingerprint: 'sha256:0123456789ab',
  newFingerprint: 'sha256:ba9876543210',
  scheme: 'previous',
  previousKey: 'JWT_SECRET_PREVIOUS',
  files: ['.env', 'apps/api/.env'],
  cadenceDays: 90,
  overlapDays: 7,
};

describe('journal: entry format', () => {
  it('heading is "### A2.5 — JWT_SECRET rotation [done 2026-05-03]" and the index finds it', () => {
    assert.strictEqual(journalHeading(base), 'A2.5 — JWT_SECRET rotation [done 2026-05-03]');
    const entry = renderJournalEntry(base);
    assert.ok(entry.startsWith('### A2.5 — JWT_SECRET rotation [done 2026-05-03]\n'));
    const r = parseJournal(entry).lastRotation('JWT_SECRET');
    assert.deepStrictEqual(r && { date: r.date, step: r.step, line: r.line }, { date: '2026-05-03', step: 'A2.5', line: 0 });
    assert.strictEqual(journalHeading({ key: 'X', date: '2026-01-02' }), 'X rotation [done 2026-01-02]', 'no step, no dash');
  });

  it('records trigger, fingerprints, scheme, files, placeholders, the checklist and the next rotation (today + cadence)', () => {
    const entry = renderJournalEntry(base);
    assert.match(entry, /\*\*Trigger:\*\* scheduled — 90-day cadence/);
    assert.match(entry, /sha256:0123456789ab → sha256:ba9876543210/);
    assert.match(entry, /\*\*Scheme:\*\* previous \(JWT_SECRET_PREVIOUS holds the old value/);
    assert.match(entry, /\*\*Files touched:\*\* `\.env`, `apps\/api\/\.env`/);
    assert.match(entry, /\*\*Restart\/deploy:\*\* <YYYY-MM-DD HH:MM TZ: fill in>/);
    assert.match(entry, /\*\*Smoke test:\*\* <response: fill in>/);
    assert.match(entry, /\*\*User-impact window:\*\* </);
    assert.match(entry, /\*\*Next scheduled rotation:\*\* 2026-08-01 \(90-day cadence\)/);
    assert.match(entry, /- \[ \] After the overlap window \(7 days, on or after 2026-05-10\), remove the previous slot: `secret-hygiene rotate --complete JWT_SECRET`/);
    assert.match(entry, /- \[ \] Update the calendar reminder: next scheduled rotation on 2026-08-01/);
    assert.ok(!entry.includes('{{'), 'every placeholder filled');
  });

  it('emergency: the reason is recorded on one line; immediate rotation lists the user notice', () => {
    const entry = renderJournalEntry({ ...base, trigger: 'emergency', reason: 'secret pasted\nin chat', scheme: 'immediate' });
    assert.match(entry, /\*\*Trigger:\*\* emergency — secret pasted in chat\n/);
    assert.match(entry, /Send the user notice/);
    assert.match(entry, /every user had to log in again/);
    assert.ok(!/remove the previous slot/.test(entry));
  });

  it('versioned: the checklist re-encrypts before retiring old versions (seed 000)', () => {
    const entry = renderJournalEntry({ ...base, key: 'WALLET_ENCRYPTION_KEY', scheme: 'versioned', previousKey: 'WALLET_ENCRYPTION_KEY_V1' });
    assert.match(entry, /Re-encrypt the records/);
    assert.match(entry, /retire versions older than latest-1/);
  });

  it('a project template replaces the default ({{placeholder}} substitution, unknown ones left and reported)', () => {
    const tpl = '#### {{heading}}\r\n* who: {{ key }} via {{scheme}}\r\n* next: {{nextRotation}}\r\n* {{mystery}}\r\n';
    const entry = renderJournalEntry(base, tpl);
    assert.strictEqual(entry, '#### A2.5 — JWT_SECRET rotation [done 2026-05-03]\n* who: JWT_SECRET via previous\n* next: 2026-08-01\n* {{mystery}}\n');
    assert.deepStrictEqual(templateProblems(tpl).length, 1);
    assert.match(templateProblems(tpl)[0], /unknown placeholder \{\{mystery\}\}/);
    assert.match(templateProblems('no heading here')[0], /no \{\{heading\}\}/);
    assert.deepStrictEqual(templateProblems(DEFAULT_JOURNAL_TEMPLATE), []);
  });

  it('dates: addDays crosses months and leap days; the age counts whole UTC days', () => {
    assert.strictEqual(addDays('2028-02-28', 1), '2028-02-29');
    assert.strictEqual(addDays('2026-12-31', 90), '2027-03-31');
    assert.strictEqual(journalAgeDays('2026-05-01', new Date('2026-05-08T23:59:00Z')), 7);
    assert.strictEqual(journalAgeDays('2026-02-30', new Date()), undefined);
  });
});

describe('journal: insertion at the top', () => {
  it('creates the journal with a preamble and today\'s section when there is none', () => {
    const entry = renderJournalEntry(base);
    const r = insertJournalEntry(undefined, entry, '2026-05-03');
    assert.ok(r.created);
    assert.ok(r.text.startsWith('# Hardening log\n'));
    assert.match(r.text, /\n## 2026-05-03\n\n### A2\.5 — JWT_SECRET rotation \[done 2026-05-03\]\n/);
    assert.ok(r.text.endsWith('\n') && !r.text.endsWith('\n\n'));
  });

  it('puts a new date section above the newest one, leaving every other byte as it was', () => {
    const old = '# Hardening log\n\nIntro.\n\n## 2026-04-01\n\n### B1 — DB_PASSWORD rotation [done 2026-04-01]\n\n- details\n';
    const r = insertJournalEntry(old, renderJournalEntry(base), '2026-05-03');
    assert.ok(!r.created);
    assert.strictEqual(r.text.slice(0, r.edit.start) + r.edit.newText + r.text.slice(r.edit.start + r.edit.newText.length), r.text);
    assert.strictEqual(r.text.slice(0, r.edit.start) + r.text.slice(r.edit.start + r.edit.newText.length), old, 'one insertion, nothing else');
    assert.ok(r.text.indexOf('## 2026-05-03') < r.text.indexOf('## 2026-04-01'));
    assert.ok(r.text.includes('Intro.\n\n## 2026-05-03\n\n### A2.5'), 'after the preamble');
    const idx = parseJournal(r.text);
    assert.strictEqual(idx.rotations[0].key, 'JWT_SECRET', 'the new entry is the first one');
    assert.strictEqual(idx.lastRotation('DB_PASSWORD')?.date, '2026-04-01');
  });

  it("goes under today's heading, above today's earlier entries", () => {
    const old = '# Log\n\n## 2026-05-03\n\n### NEXTAUTH_SECRET rotation [done 2026-05-03]\n\n- x\n\n## 2026-04-01\n\n- older\n';
    const r = insertJournalEntry(old, renderJournalEntry(base), '2026-05-03');
    assert.strictEqual((r.text.match(/## 2026-05-03/g) ?? []).length, 1, 'no second heading for the same day');
    assert.ok(r.text.indexOf('JWT_SECRET rotation') < r.text.indexOf('NEXTAUTH_SECRET rotation'));
    assert.ok(r.text.includes('## 2026-05-03\n\n### A2.5 — JWT_SECRET'));
    assert.ok(r.text.includes('\n\n### NEXTAUTH_SECRET'), 'a blank line before the earlier entry');
  });

  it('keeps CRLF journals CRLF, and a heading-only file without a final newline', () => {
    const old = '# Log\r\n\r\n## 2026-05-03';
    const r = insertJournalEntry(old, renderJournalEntry(base), '2026-05-03');
    assert.ok(!/[^\r]\n/.test(r.text), 'no bare LF');
    assert.ok(r.text.startsWith(old + '\r\n\r\n### A2.5'));
  });

  it('headings inside fenced code blocks are not records', () => {
    const idx = parseJournal('```\n### X rotation [done 2020-01-01]\n```\n### Y rotation [done 2021-01-01]\n');
    assert.deepStrictEqual(idx.rotations.map((r) => r.key), ['Y']);
  });

  it('property: any journal gets exactly one insertion, and the new entry is the first record', () => {
    const line = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9 .,:-]{0,40}$/),
      fc.constantFrom('## 2026-04-01', '## 2026-05-03', '## Notes', '### OLD_KEY rotation [done 2025-01-01]', '```', '# Title', ''),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 15 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, final) => {
        const old = lines.join(eol) + (final && lines.length > 0 ? eol : '');
        const r = insertJournalEntry(old, renderJournalEntry(base), '2026-05-03');
        if (r.created) {
          assert.strictEqual(old.trim(), '');
          return;
        }
        assert.strictEqual(r.edit.end, r.edit.start, 'an insertion');
        assert.strictEqual(r.text.slice(0, r.edit.start) + r.text.slice(r.edit.start + r.edit.newText.length), old, 'nothing else changed');
        const idx = parseJournal(r.text);
        const fenced = (old.match(/```/g) ?? []).length % 2 === 1;
        if (!fenced) assert.strictEqual(idx.lastRotation('JWT_SECRET')?.date, '2026-05-03', 'the entry is found');
        if (old.includes('\r\n')) assert.ok(!/[^\r]\n/.test(r.text.slice(r.edit.start, r.edit.start + r.edit.newText.length)), 'CRLF kept');
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('no value reaches the journal: only what the caller passes (fingerprints) is written', () => {
    const secret = 'Zq8vN3xT1pL6wR9sK2mY5bH7cJ4dF0gA';
    const entry = renderJournalEntry({ ...base, oldFingerprint: 'sha256:aaaaaaaaaaaa', newFingerprint: 'sha256:bbbbbbbbbbbb' });
    const text = insertJournalEntry(undefined, entry, base.date).text;
    for (let i = 0; i + 8 <= secret.length; i++) assert.ok(!text.includes(secret.slice(i, i + 8)));
    // The entry's fields are all value-free by construction: keys, dates, schemes, files, fingerprints.
    assert.ok(!/[A-Za-z0-9+/]{32,}/.test(text), 'no long random-looking run in the journal');
  });
});

describe('journal: .ics reminder', () => {
  const ics = renderIcs({ key: 'JWT_SECRET', date: '2026-08-01', now: new Date('2026-05-03T06:30:00.123Z'), description: 'Owner: backend lead; see runbook A2.5, HARDENING-LOG' });

  it('is an RFC 5545 calendar: CRLF lines, VEVENT with UID, DTSTAMP, all-day DTSTART/DTEND and an alarm', () => {
    assert.ok(ics.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(ics), 'CRLF only');
    const unfolded = ics.replace(/\r\n /g, '');
    const lines = unfolded.split('\r\n');
    assert.strictEqual(lines[0], 'BEGIN:VCALENDAR');
    assert.ok(lines.includes('VERSION:2.0'));
    assert.ok(lines.some((l) => /^PRODID:/.test(l)));
    assert.ok(lines.includes('UID:JWT_SECRET-rotation-20260801@secret-hygiene'));
    assert.ok(lines.includes('DTSTAMP:20260503T063000Z'));
    assert.ok(lines.includes('DTSTART;VALUE=DATE:20260801'));
    assert.ok(lines.includes('DTEND;VALUE=DATE:20260802'));
    assert.ok(lines.includes('SUMMARY:Rotate JWT_SECRET'));
    assert.ok(lines.includes('BEGIN:VALARM') && lines.includes('END:VALARM'));
    assert.strictEqual(lines[lines.length - 2], 'END:VCALENDAR');
  });

  it('escapes text and folds lines at 75 octets', () => {
    for (const l of ics.split('\r\n')) assert.ok(Buffer.byteLength(l, 'utf8') <= 75, 'line within 75 octets');
    const unfolded = ics.replace(/\r\n /g, '');
    assert.match(unfolded, /DESCRIPTION:.*Owner: backend lead\\; see runbook A2\.5\\, HARDENING-LOG/);
    assert.match(unfolded, /DESCRIPTION:Scheduled rotation of JWT_SECRET is due\.\\nRun: /);
  });

  it('folds multi-byte text without splitting a character', () => {
    const long = renderIcs({ key: 'K', date: '2026-08-01', now: new Date(), description: 'é'.repeat(100) });
    for (const l of long.split('\r\n')) {
      assert.ok(Buffer.byteLength(l, 'utf8') <= 75);
      assert.ok(!l.includes('\uFFFD'));
    }
    assert.ok(long.replace(/\r\n /g, '').includes('é'.repeat(100)));
  });
});
