// Scripted answers for the extension's prompts (QuickPick, InputBox, messages). The suite lives
// inside the extension's development folder, so VS Code hands it the same `vscode` API object as
// the extension: replacing `window.show*` here answers the extension's own calls. Every prompt's
// text is recorded so tests can check that none shows a secret value.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export interface PromptCall {
  kind: 'quickPick' | 'inputBox' | 'info' | 'warning' | 'error';
  /** Message, placeholder or prompt, plus item labels/details: everything the user would read. */
  text: string;
  modal: boolean;
}

type Item = string | vscode.QuickPickItem;
export type QuickPickAnswer = (items: readonly Item[], options: vscode.QuickPickOptions | undefined) => Item | Item[] | undefined;
export type MessageAnswer = (message: string, buttons: string[], modal: boolean) => string | undefined;
export type InputAnswer = (options: vscode.InputBoxOptions | undefined) => string | undefined;

export class Prompts implements vscode.Disposable {
  readonly calls: PromptCall[] = [];
  quickPick: QuickPickAnswer[] = [];
  input: InputAnswer[] = [];
  /** Answers for info/warning messages, consumed in order; when empty, messages are dismissed. */
  messages: MessageAnswer[] = [];
  private readonly saved: Partial<Record<keyof typeof vscode.window, unknown>> = {};

  constructor() {
    const w = vscode.window as unknown as Record<string, unknown>;
    for (const name of ['showQuickPick', 'showInputBox', 'showInformationMessage', 'showWarningMessage', 'showErrorMessage'] as const) {
      this.saved[name] = w[name];
    }
    w.showQuickPick = async (items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => {
      const list = await items;
      this.calls.push({
        kind: 'quickPick',
        text: [options?.placeHolder ?? '', ...list.map((i) => (typeof i === 'string' ? i : `${i.label} ${i.description ?? ''} ${i.detail ?? ''}`))].join('\n'),
        modal: false,
      });
      const answer = this.quickPick.shift();
      assert.ok(answer, `unexpected QuickPick "${options?.placeHolder ?? ''}"`);
      return answer(list, options);
    };
    w.showInputBox = async (options?: vscode.InputBoxOptions) => {
      this.calls.push({ kind: 'inputBox', text: `${options?.prompt ?? ''}\n${options?.placeHolder ?? ''}\n${options?.value ?? ''}`, modal: false });
      const answer = this.input.shift();
      assert.ok(answer, `unexpected InputBox "${options?.prompt ?? ''}"`);
      return answer(options);
    };
    const message = (kind: 'info' | 'warning' | 'error') => async (msg: string, ...rest: unknown[]) => {
      const opts = rest.length > 0 && rest[0] && typeof rest[0] === 'object' && !('title' in (rest[0] as object)) ? (rest.shift() as vscode.MessageOptions) : undefined;
      const buttons = rest.map((b) => (typeof b === 'string' ? b : (b as vscode.MessageItem).title));
      this.calls.push({ kind, text: `${msg}\n${opts?.detail ?? ''}\n${buttons.join('\n')}`, modal: opts?.modal === true });
      if (kind === 'error') return undefined;
      const answer = this.messages.shift();
      return answer ? answer(msg, buttons, opts?.modal === true) : undefined;
    };
    w.showInformationMessage = message('info');
    w.showWarningMessage = message('warning');
    w.showErrorMessage = message('error');
  }

  /** Picks the first item whose label matches. */
  static pick(label: RegExp): QuickPickAnswer {
    return (items) => {
      const hit = items.find((i) => label.test(typeof i === 'string' ? i : i.label));
      assert.ok(hit, `no QuickPick item matching ${label}; items: ${items.map((i) => (typeof i === 'string' ? i : i.label)).join(' | ')}`);
      return hit;
    };
  }

  /** Presses the button with this title. */
  static press(title: string): MessageAnswer {
    return (_m, buttons) => {
      assert.ok(buttons.includes(title), `no "${title}" button; buttons: ${buttons.join(' | ')}`);
      return title;
    };
  }

  errors(): PromptCall[] {
    return this.calls.filter((c) => c.kind === 'error');
  }

  dispose(): void {
    Object.assign(vscode.window as unknown as Record<string, unknown>, this.saved);
  }
}
