import type { CliIO } from './io';

export const rotateUsage = 'secret-hygiene rotate (not implemented yet)';

export async function runRotate(_args: string[], io: CliIO): Promise<number> {
  io.stderr('secret-hygiene rotate: not implemented yet\n');
  return 2;
}
