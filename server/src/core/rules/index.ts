import type { Rule } from '../rule';
import { parseErrorRule } from './parse-error';
import { weakSecretRule } from './weak-secret';
import { shortSecretRule } from './short-secret';
import { lowEntropySecretRule } from './low-entropy-secret';
import { reusedSecretRule } from './reused-secret';
import { missingPreviousSlotRule } from './missing-previous-slot';
import { brokenVersionChainRule } from './broken-version-chain';
import { previousEqualsCurrentRule } from './previous-equals-current';
import { clientExposedSecretRule } from './client-exposed-secret';
import { committedCredentialRule } from './committed-credential';
import { envNotIgnoredRule } from './env-not-ignored';
import { envFilePermissionsRule } from './env-file-permissions';
import { rotationOverdueRule } from './rotation-overdue';
import { stalePreviousSlotRule } from './stale-previous-slot';

/** Every rule, in the order of the README's rule reference. */
export const RULES: readonly Rule[] = [
  weakSecretRule,
  shortSecretRule,
  lowEntropySecretRule,
  reusedSecretRule,
  missingPreviousSlotRule,
  brokenVersionChainRule,
  previousEqualsCurrentRule,
  clientExposedSecretRule,
  committedCredentialRule,
  envNotIgnoredRule,
  envFilePermissionsRule,
  rotationOverdueRule,
  stalePreviousSlotRule,
  parseErrorRule,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
