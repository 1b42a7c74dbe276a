import { promises as fsp } from 'node:fs';
import type { ExecuteCommandParams } from 'vscode-languageserver';
import { DOCS_BASE_URL, ServerCommands, type RotateArgs } from '../protocol';
import type { SecretHygieneServer } from './main';
import { handlePlanRotation } from './requests';

/** `workspace/executeCommand`: the commands that run in the server (see `ServerCommands`). */
export async function executeCommand(server: SecretHygieneServer, params: ExecuteCommandParams): Promise<unknown> {
  const arg = (params.arguments?.[0] ?? {}) as Record<string, unknown>;
  switch (params.command) {
    case ServerCommands.restrictPermissions:
      return restrictPermissions(server, String(arg.uri ?? ''));
    case ServerCommands.showDocumentation:
      return showDocumentation(server, String(arg.url ?? ''));
    case ServerCommands.rotate:
      return rotate(server, { uri: String(arg.uri ?? ''), key: String(arg.key ?? '') });
    default:
      server.log.warn(`Unknown command ${params.command}`);
      return null;
  }
}

/** chmod 600: owner read/write, nobody else (seed 003). Not an edit, so not undoable: it says what it did. */
async function restrictPermissions(server: SecretHygieneServer, uri: string): Promise<{ ok: boolean }> {
  const r = server.resolve(uri);
  if (!r) return { ok: false };
  if (process.platform === 'win32') {
    void server.connection.window.showInformationMessage('File permissions are a POSIX matter; on Windows use the folder ACLs.');
    return { ok: false };
  }
  const abs = r.folder.abs(r.rel);
  try {
    const before = (await fsp.stat(abs)).mode & 0o777;
    await fsp.chmod(abs, 0o600);
    server.log.info(`chmod 600 ${r.rel} (was ${before.toString(8).padStart(3, '0')})`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    void server.connection.window.showErrorMessage(`Could not change the permissions of ${r.rel} (${code}).`);
    return { ok: false };
  }
  server.schedulePublish(r.folder, await server.refreshPath(r.folder, r.rel));
  return { ok: true };
}

async function showDocumentation(server: SecretHygieneServer, url: string): Promise<{ ok: boolean }> {
  // Only our own documentation: a code action's arguments could otherwise open anything.
  if (!url.startsWith(DOCS_BASE_URL)) return { ok: false };
  if (server.features.showDocument) {
    const r = await server.connection.window.showDocument({ uri: url, external: true });
    return { ok: r.success };
  }
  void server.connection.window.showInformationMessage(`Secret Hygiene documentation: ${url}`);
  return { ok: true };
}

/**
 * Rotation for editors without the VS Code client: plan, confirm with `window/showMessageRequest`
 * when the scheme is immediate, apply with `workspace/applyEdit`.
 */
async function rotate(server: SecretHygieneServer, args: RotateArgs): Promise<{ ok: boolean }> {
  const w = server.connection.window;
  let plan = await handlePlanRotation(server, { uri: args.uri, key: args.key, version: null });
  if (plan.ok && plan.slotOptions && plan.slotOptions.length > 0) {
    const choice = await w.showWarningMessage(
      `${args.key} has no previous slot: rotating it now invalidates every session.`,
      ...plan.slotOptions.map((o) => ({ title: o.label })),
      { title: 'Rotate immediately' },
      { title: 'Cancel' },
    );
    if (!choice || choice.title === 'Cancel') return { ok: false };
    const slot = plan.slotOptions.find((o) => o.label === choice.title);
    if (slot) plan = await handlePlanRotation(server, { uri: args.uri, key: args.key, version: null, createSlot: slot.scheme });
    else if (plan.confirm) {
      const sure = await w.showWarningMessage(plan.confirm, { title: 'Rotate anyway' }, { title: 'Cancel' });
      if (sure?.title !== 'Rotate anyway') return { ok: false };
    }
  } else if (plan.ok && plan.confirm) {
    const sure = await w.showWarningMessage(plan.confirm, { title: 'Rotate anyway' }, { title: 'Cancel' });
    if (sure?.title !== 'Rotate anyway') return { ok: false };
  }
  if (!plan.ok) {
    void w.showErrorMessage(`Rotation of ${args.key} refused: ${plan.reason}`);
    return { ok: false };
  }
  const applied = await server.connection.workspace.applyEdit({ label: `Rotate ${args.key}`, edit: plan.edit });
  if (!applied.applied) {
    void w.showErrorMessage(`Rotation of ${args.key} was not applied${applied.failureReason ? `: ${applied.failureReason}` : ''}.`);
    return { ok: false };
  }
  void w.showInformationMessage(`Rotated ${args.key} (${plan.scheme}): ${plan.oldFingerprint} → ${plan.newFingerprint}. ${plan.summary.join(' ')}`);
  return { ok: true };
}
