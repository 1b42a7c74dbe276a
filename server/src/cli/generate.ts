import type { CliIO } from './io';

export const generateUsage = 'secret-hygiene generate (not implemented yet)';

export async function runGenerate(_args: string[], io: CliIO): Promise<number> {
  io.stderr('secret-hygiene generate: not implemented yet\n');
  return 2;
}
