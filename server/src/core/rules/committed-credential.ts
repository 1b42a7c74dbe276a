import type { Rule } from '../rule';

/** Live credential format (AWS, Stripe, GitHub, Slack, Google, OpenAI, PEM, URL) or a real-looking value in an example file */
export const committedCredentialRule: Rule = {
  meta: {
    id: 'committed-credential',
    defaultSeverity: 'error',
    description: 'Live credential format (AWS, Stripe, GitHub, Slack, Google, OpenAI, PEM, URL) or a real-looking value in an example file',
    docs: '#committed-credential',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
