import type { CliIO } from './io';

export const journalUsage = 'secret-hygiene journal (not implemented yet)';

export async function runJournal(_args: string[], io: CliIO): Promise<number> {
  io.stderr('secret-hygiene journal: not implemented yet\n');
  return 2;
}
