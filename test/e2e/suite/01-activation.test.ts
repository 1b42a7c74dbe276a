// The extension as installed from the .vsix activates by itself on a workspace with .env files.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension, pollUntil, wsUri } from './helpers';

describe('activation', () => {
  it('is installed from the package and activates on a workspace with .env files', async () => {
    const ext = extension();
    // workspaceContains:.env* activates it without any file being opened. The API has no activation
    // event, so this polls the state with a bound (VS Code runs eager activation before the tests).
    await pollUntil('the extension to activate', () => ext.isActive, 30_000);
    assert.equal(ext.isActive, true);
    const pkg = ext.packageJSON as { name: string; main: string };
    assert.equal(pkg.name, 'secret-hygiene');
  });

  it('sees the fixture workspace', async () => {
    const stat = await vscode.workspace.fs.stat(wsUri('.env'));
    assert.equal(stat.type, vscode.FileType.File);
  });
});
