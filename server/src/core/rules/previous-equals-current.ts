import type { Rule, SecretValue } from '../rule';
import { splitKeyList } from '../slots';

/**
 * `previous-equals-current`: a previous slot holding the current value (hash-equal). Seed 000's
 * procedure copies the current secret into `JWT_SECRET_PREVIOUS` (step 1) and then generates a new
 * one (step 2); a file where both are equal stopped after step 1, so nothing was rotated.
 * Covers every scheme: `X_PREVIOUS`/`_PREV`/`_OLD`, `X_V{n}`, `X_0` under `X_1`, Auth.js slots, a
 * list slot (`APP_PREVIOUS_KEYS`) containing the current key, and a `X=new,old` list naming one
 * key twice. Example files are skipped: their placeholders are alike on purpose.
 */
export const previousEqualsCurrentRule: Rule = {
  meta: {
    id: 'previous-equals-current',
    defaultSeverity: 'warning',
    description: 'The previous slot holds the current value: a rotation that never happened',
    docs: '#previous-equals-current',
    fix: 'Rotate the secret',
    scope: 'file',
  },
  check(ctx) {
    if (ctx.isExample) return;
    // The last definition of a key is the one programs see.
    const byKey = new Map<string, SecretValue>();
    for (const s of ctx.secrets) if (!s.fromUrl) byKey.set(s.key, s);
    for (const f of ctx.families.values()) {
      if (f.scheme === 'immediate') continue;
      const cur = byKey.get(f.current);
      if (!cur) continue;
      if (f.scheme === 'list') {
        const items = splitKeyList(cur.value) ?? [];
        const first = items.findIndex((v, i) => items.indexOf(v) !== i);
        if (first !== -1) {
          const a = items.indexOf(items[first]);
          ctx.report({
            start: cur.start,
            end: cur.end,
            key: cur.key,
            message: `${cur.key} lists the same key twice (items ${a + 1} and ${first + 1} of ${items.length})${a === 0 ? ': the previous key is the current one, so the rotation never happened' : ''}`,
            data: { base: f.base, current: f.current, previous: f.current },
          });
        }
        continue;
      }
      const currentRange = ctx.lines.range(cur.start, cur.end);
      for (const p of f.previous) {
        const ps = byKey.get(p);
        if (!ps) continue;
        const equal = ps.hash === cur.hash || (f.previousIsList && (splitKeyList(ps.value) ?? [ps.value.trim()]).includes(cur.value));
        if (!equal) continue;
        ctx.report({
          start: ps.start,
          end: ps.end,
          key: p,
          message: `${p} holds the same value as ${f.current}: the rotation never happened; generate a new ${f.current} (the old value stays in ${p})`,
          related: [{ path: ctx.source.path, range: currentRange, message: `${f.current}, the current key` }],
          data: { base: f.base, current: f.current, previous: p },
        });
      }
    }
  },
};
