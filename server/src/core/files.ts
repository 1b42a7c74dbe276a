import picomatch from 'picomatch';
import type { ProjectConfig } from './config';
import type { SourceFormat } from './types';

/** Env files: `.env`, `.env.*`, `*.env`. */
export const ENV_GLOBS = ['**/.env', '**/.env.*', '**/*.env'];
/** Config files whose secret-like keys are checked too. */
export const CONFIG_GLOBS = [
  '**/docker-compose*.{yml,yaml}',
  '**/compose*.{yml,yaml}',
  '**/application*.{yml,yaml,properties}',
  '**/appsettings*.json',
  '**/config/*.{json,yml,yaml}',
  '**/*secret*.{yml,yaml}',
  '**/*.properties',
];
/** Folders never read: dependencies, VCS data and build output. */
export const DEFAULT_EXCLUDES = [
  '**/node_modules/**', '**/.git/**', '**/.hg/**', '**/.svn/**', '**/dist/**', '**/build/**', '**/out/**', '**/.next/**',
  '**/.nuxt/**', '**/.svelte-kit/**', '**/.turbo/**', '**/.cache/**', '**/coverage/**', '**/target/**', '**/vendor/**',
  '**/.venv/**', '**/venv/**', '**/__pycache__/**', '**/.terraform/**', '**/.vscode-test/**', '**/.idea/**',
];
/** Folder names skipped while walking, before any glob is tried (fast path of DEFAULT_EXCLUDES). */
export const SKIPPED_DIRS = new Set(DEFAULT_EXCLUDES.map((g) => g.slice(3, -3)));

export interface FileSelector {
  /** Is this workspace-relative path one the engine reads? */
  matches(path: string): boolean;
  /** Is this folder excluded (so the walk does not enter it)? */
  excludesDir(path: string): boolean;
}

export function createFileSelector(config: Pick<ProjectConfig, 'include' | 'exclude'>): FileSelector {
  const include = picomatch([...ENV_GLOBS, ...CONFIG_GLOBS, ...config.include], { dot: true });
  const exclude = picomatch([...DEFAULT_EXCLUDES, ...config.exclude], { dot: true });
  const excludeDir = picomatch(config.exclude, { dot: true });
  return {
    matches: (path) => include(path) && !exclude(path) && !isNotEnv(path),
    excludesDir: (path) => {
      const name = path.slice(path.lastIndexOf('/') + 1);
      return SKIPPED_DIRS.has(name) || (config.exclude.length > 0 && (excludeDir(path) || excludeDir(path + '/')));
    },
  };
}

/** `.envrc` is a shell script and `.env.d` a folder name pattern; `*.env.js` is code. */
function isNotEnv(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^\.envrc$/.test(base) || /\.(js|cjs|mjs|ts|tsx|jsx|py|rb|go|sh|ps1|md|lock)$/i.test(base) && !/\.env$/.test(base);
}

/** Chooses the parser by file name. */
export function formatOf(path: string): SourceFormat {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (/\.properties$/.test(base)) return 'properties';
  if (/\.json$/.test(base)) return 'json';
  if (/\.(ya?ml)$/.test(base)) return /^(docker-)?compose([.-].*)?\.ya?ml$/.test(base) ? 'compose' : 'yaml';
  return 'dotenv';
}
