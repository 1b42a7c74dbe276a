import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageserver-types';
import {
  GenerateRequest,
  JournalEntryRequest,
  PlanCompletionRequest,
  PlanRotationRequest,
  RotationTargetsRequest,
  type GenerateParams,
  type JournalEntryParams,
  type PlannedRotation,
  type Refused,
  type RequestSpec,
  type RotateArgs,
  type SecretEncoding,
} from '../../server/src/protocol';

/** A new secret for the clipboard or a file the server does not read: node:crypto only. */
function newSecret(bytes: number, encoding: SecretEncoding): string {
  // Loaded on first use: node:crypto is a large share of the extension's start-up otherwise.
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto');
  const buf = randomBytes(bytes);
  return encoding === 'hex' ? buf.toString('hex') : encoding === 'base64' ? buf.toString('base64') : buf.toString('base64url');
}

/** The seeds' warning for a rotation without an overlap (seeds 001 option 2, 003, 004). */
const IMMEDIATE_DETAIL =
  'There is no previous slot: the moment the new value is deployed, every token and session signed with the old one is invalid and every user must log in again. ' +
  'Schedule it (seed 004: a quiet window, users notified in advance) unless this is an emergency rotation after a leak.';

/**
 * The client's command flows: gather input (QuickPick, InputBox), ask the server for a plan, apply
 * the WorkspaceEdit it returns as one edit. The client computes nothing about secrets itself.
 */
export class CommandFlows {
  constructor(
    /** The language client, created (and started) in the background after activation. */
    private readonly client: () => Promise<LanguageClient>,
    private readonly log: vscode.OutputChannel,
  ) {}

  private async request<P, R>(spec: RequestSpec<P, R>, params: P): Promise<R> {
    return (await this.client()).sendRequest<R>(spec.method, params);
  }

  /** Applies a server edit as one edit (one undo), refusing when a document changed since the plan. */
  private async applyServerEdit(edit: LspWorkspaceEdit, label: string): Promise<boolean> {
    for (const ch of edit.documentChanges ?? []) {
      if (!('textDocument' in ch) || ch.textDocument.version === null) continue;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(ch.textDocument.uri).toString());
      if (doc && doc.version !== ch.textDocument.version) {
        void vscode.window.showErrorMessage(`${label}: the document changed while the edit was planned; nothing was changed. Try again.`);
        return false;
      }
    }
    const codeEdit = await (await this.client()).protocol2CodeConverter.asWorkspaceEdit(edit);
    const ok = await vscode.workspace.applyEdit(codeEdit);
    if (!ok) void vscode.window.showErrorMessage(`${label}: VS Code could not apply the edit; nothing was changed.`);
    return ok;
  }

  private versionOf(uri: string): number | null {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(uri).toString());
    return doc ? doc.version : null;
  }

  private refuse(what: string, r: Refused): void {
    void vscode.window.showErrorMessage(`${what}: ${r.reason}`);
  }

  // ---- target selection ----

  /** The key under the cursor, else a QuickPick of the file's rotatable secrets. */
  private async pickKey(args: RotateArgs | undefined, purpose: 'rotate' | 'complete'): Promise<RotateArgs | undefined> {
    if (args?.uri && args?.key) return args;
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open an .env file and put the cursor on a secret first.');
      return undefined;
    }
    const uri = editor.document.uri.toString();
    const { targets, atCursor } = await this.request(RotationTargetsRequest, { uri, position: editor.selection.active });
    const usable = purpose === 'complete' ? targets.filter((t) => t.previous.length > 0 || t.scheme !== 'immediate') : targets;
    if (atCursor && usable.some((t) => t.key === atCursor)) return { uri, key: atCursor };
    if (usable.length === 0) {
      void vscode.window.showInformationMessage(
        purpose === 'complete' ? 'No rotation to complete in this file (no secret with a previous slot).' : 'No rotatable secret in this file.',
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      usable.map((t) => ({ label: t.key, description: t.scheme === 'immediate' ? 'no previous slot' : `${t.scheme} scheme`, detail: `line ${t.line + 1} · ${t.detail}`, key: t.key })),
      { placeHolder: purpose === 'complete' ? 'Complete the rotation of which secret?' : 'Rotate which secret?' },
    );
    return pick ? { uri, key: pick.key } : undefined;
  }

  // ---- generate ----

  async generate(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    type Item = vscode.QuickPickItem & { bytes?: number; encoding?: SecretEncoding; clipboard?: boolean };
    const items: Item[] = [];
    if (editor) {
      items.push({ label: '$(key) New secret here', detail: 'Replaces the value under the cursor keeping its shape (encoding, length, quotes); else inserts 32 bytes base64url at the cursor' });
      items.push(
        { label: '32 bytes · base64url', bytes: 32, encoding: 'base64url' },
        { label: '32 bytes · hex', detail: 'openssl rand -hex 32', bytes: 32, encoding: 'hex' },
        { label: '32 bytes · base64', detail: 'openssl rand -base64 32', bytes: 32, encoding: 'base64' },
        { label: '48 bytes · base64url', detail: 'HS384 keys (RFC 7518 §3.2)', bytes: 48, encoding: 'base64url' },
        { label: '64 bytes · base64url', detail: 'HS512 keys (RFC 7518 §3.2)', bytes: 64, encoding: 'base64url' },
      );
    }
    items.push({ label: '$(clippy) Copy a new 32-byte secret to the clipboard', detail: 'Only if you need it elsewhere: clipboard managers keep history', clipboard: true, bytes: 32, encoding: 'base64url' });
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Generate a secret (node:crypto CSPRNG)' });
    if (!pick) return;
    if (pick.clipboard || !editor) {
      await vscode.env.clipboard.writeText(newSecret(pick.bytes ?? 32, pick.encoding ?? 'base64url'));
      void vscode.window.showWarningMessage(
        `A new ${pick.bytes ?? 32}-byte ${pick.encoding ?? 'base64url'} secret is on the clipboard. Paste it where it belongs, then copy something else: clipboard managers keep history.`,
      );
      return;
    }
    const doc = editor.document;
    const params: GenerateParams = { uri: doc.uri.toString(), version: doc.version, position: editor.selection.active, bytes: pick.bytes, encoding: pick.encoding };
    const r = await this.request(GenerateRequest, params);
    if (!r.ok && r.code !== 'not-read') return this.refuse('Generate secret', r);
    if (!r.ok) {
      // Not a file the server reads (e.g. a .ts file): insert at the cursor here.
      const value = newSecret(pick.bytes ?? 32, pick.encoding ?? 'base64url');
      await editor.edit((b) => b.replace(editor.selection, value));
      return;
    }
    if (await this.applyServerEdit(r.edit, 'Generate secret')) {
      void vscode.window.setStatusBarMessage(
        r.replacedKey ? `Secret Hygiene: new ${r.bytes}-byte ${r.encoding} value for ${r.replacedKey} (${r.newFingerprint})` : `Secret Hygiene: inserted a ${r.bytes}-byte ${r.encoding} secret (${r.newFingerprint})`,
        6000,
      );
    }
  }

  // ---- rotate ----

  async rotate(args?: RotateArgs): Promise<void> {
    const target = await this.pickKey(args, 'rotate');
    if (!target) return;
    const { uri, key } = target;
    let plan = await this.request(PlanRotationRequest, { uri, version: this.versionOf(uri), key });
    if (!plan.ok) return this.refuse(`Cannot rotate ${key}`, plan);
    let createSlot: PlannedRotation['scheme'] | undefined;
    if (plan.slotOptions && plan.slotOptions.length > 0) {
      type Item = vscode.QuickPickItem & { scheme?: PlannedRotation['scheme'] };
      const items: Item[] = [
        ...plan.slotOptions.map((o) => ({ label: `$(add) ${o.label}`, scheme: o.scheme })),
        { label: '$(warning) Rotate immediately', detail: 'Every session and token signed with the old value becomes invalid at once' },
      ];
      const pick = await vscode.window.showQuickPick(items, { placeHolder: `${key} has no previous slot yet` });
      if (!pick) return;
      if (pick.scheme) {
        createSlot = pick.scheme;
        plan = await this.request(PlanRotationRequest, { uri, version: this.versionOf(uri), key, createSlot });
        if (!plan.ok) return this.refuse(`Cannot rotate ${key}`, plan);
      }
    }
    if (plan.confirm) {
      const sure = await vscode.window.showWarningMessage(plan.confirm, { modal: true, detail: IMMEDIATE_DETAIL }, 'Rotate anyway');
      if (sure !== 'Rotate anyway') return;
    }
    if (!(await this.applyServerEdit(plan.edit, `Rotate ${key}`))) return;
    this.log.appendLine(`Rotated ${key} in ${plan.path} (${plan.scheme}): ${plan.oldFingerprint} -> ${plan.newFingerprint}`);
    for (const line of plan.summary) this.log.appendLine(`  ${line}`);
    for (const w of plan.warnings) void vscode.window.showWarningMessage(w);
    const files = [plan.path];
    if (plan.siblings.length > 0) {
      const picks = await vscode.window.showQuickPick(
        plan.siblings.map((s) => ({ label: s.path, description: 'its own fresh value', picked: false, uri: s.uri })),
        { canPickMany: true, placeHolder: `${key} is also set in these files: rotate it there too?` },
      );
      for (const s of picks ?? []) {
        const sib = await this.request(PlanRotationRequest, { uri: s.uri, version: this.versionOf(s.uri), key, createSlot });
        if (!sib.ok) {
          this.refuse(`${key} in ${s.label} was not rotated`, sib);
          continue;
        }
        if (sib.confirm && !plan.confirm) {
          const sure = await vscode.window.showWarningMessage(sib.confirm, { modal: true, detail: IMMEDIATE_DETAIL }, 'Rotate anyway');
          if (sure !== 'Rotate anyway') continue;
        }
        if (await this.applyServerEdit(sib.edit, `Rotate ${key} in ${s.label}`)) {
          files.push(sib.path);
          this.log.appendLine(`Rotated ${key} in ${sib.path} (${sib.scheme}): ${sib.oldFingerprint} -> ${sib.newFingerprint}`);
        }
      }
    }
    const next = await vscode.window.showInformationMessage(
      `Rotated ${key} in ${files.length === 1 ? files[0] : `${files.length} files`} (${plan.oldFingerprint} → ${plan.newFingerprint}). Save, deploy, then record it.`,
      'Add rotation journal entry',
    );
    if (next === 'Add rotation journal entry') {
      await this.addJournalEntry({
        uri,
        key: plan.base,
        oldFingerprint: plan.oldFingerprint,
        newFingerprint: plan.newFingerprint,
        scheme: plan.scheme,
        previousKey: plan.previousKey,
        files,
      });
    }
  }

  // ---- complete ----

  async complete(args?: RotateArgs): Promise<void> {
    const target = await this.pickKey(args, 'complete');
    if (!target) return;
    const { uri, key } = target;
    const plan = await this.request(PlanCompletionRequest, { uri, version: this.versionOf(uri), key });
    if (!plan.ok) return this.refuse(`Cannot complete the rotation of ${key}`, plan);
    const detail = [...plan.warnings, ...plan.summary].join('\n');
    const message = plan.confirm ?? `Complete the rotation of ${key}? Tokens still signed with the previous value stop working.`;
    const sure = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Complete rotation');
    if (sure !== 'Complete rotation') return;
    if (await this.applyServerEdit(plan.edit, `Complete the rotation of ${key}`)) {
      this.log.appendLine(`Completed the rotation of ${key} (${plan.scheme})`);
      for (const line of plan.summary) this.log.appendLine(`  ${line}`);
    }
  }

  // ---- journal ----

  async addJournalEntry(input?: Partial<JournalEntryParams>): Promise<void> {
    let uri = input?.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showInformationMessage('Open a workspace folder first: the journal lives in it.');
        return;
      }
      uri = vscode.Uri.joinPath(folder.uri, '.env').toString();
    }
    let key = input?.key;
    if (!key) {
      key = await vscode.window.showInputBox({
        prompt: 'Which secret was rotated? (its key name, never its value)',
        placeHolder: 'JWT_SECRET',
        validateInput: (v) => (/^[A-Za-z_][\w.-]*$/.test(v.trim()) ? undefined : 'A key name: letters, digits, "_", "." and "-"'),
      });
      if (!key) return;
      key = key.trim();
    }
    const trigger = await vscode.window.showQuickPick(
      [
        { label: 'Scheduled', detail: 'Cadence reached (seed 003/004: 90 days for signing secrets)', value: 'scheduled' as const },
        { label: 'Emergency', detail: 'Leak, suspected compromise, departure, screen-share (seed 004)', value: 'emergency' as const },
      ],
      { placeHolder: `Why was ${key} rotated?` },
    );
    if (!trigger) return;
    const reason = await vscode.window.showInputBox({
      prompt: trigger.value === 'emergency' ? 'The leak vector (do NOT paste the secret)' : 'Reason (optional; do NOT paste the secret)',
      placeHolder: trigger.value === 'emergency' ? 'visible in a screen-share on 2026-05-01' : 'scheduled 90-day rotation',
    });
    if (reason === undefined) return;
    const r = await this.request(JournalEntryRequest, {
      uri,
      key,
      trigger: trigger.value,
      reason: reason.trim() || undefined,
      oldFingerprint: input?.oldFingerprint,
      newFingerprint: input?.newFingerprint,
      scheme: input?.scheme,
      previousKey: input?.previousKey,
      files: input?.files,
    });
    if (!r.ok) return this.refuse('No journal entry was added', r);
    if (!(await this.applyServerEdit(r.edit, 'Add rotation journal entry'))) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(r.journalUri));
    const editor = await vscode.window.showTextDocument(doc);
    const range = (await this.client()).protocol2CodeConverter.asRange(r.range);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.AtTop);
  }
}
