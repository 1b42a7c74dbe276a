// A small seeded PRNG for the benchmark's synthetic data. This is test data, not product secrets:
// the product's own secrets come from node:crypto; here determinism is the point, so that every
// run (and every machine) measures the same tree.

/** sfc32 seeded through splitmix32: fast, 128-bit state, good enough statistics for test data. */
export function createRng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();

  const rng = {
    /** Uniform in [0, 1). */
    float: () => next() / 4294967296,
    /** Integer in [lo, hi] inclusive. */
    int: (lo, hi) => lo + Math.floor((next() / 4294967296) * (hi - lo + 1)),
    chance: (p) => next() / 4294967296 < p,
    pick: (arr) => arr[Math.floor((next() / 4294967296) * arr.length)],
    /** Picks by weight: [[weight, value], ...]. */
    weighted: (pairs) => {
      let total = 0;
      for (const [w] of pairs) total += w;
      let r = (next() / 4294967296) * total;
      for (const [w, v] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][1];
    },
    /** A string of n characters from the alphabet. */
    chars: (alphabet, n) => {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet[Math.floor((next() / 4294967296) * alphabet.length)];
      return out;
    },
    /** A child generator with its own stream, so adding draws in one place does not shift another. */
    fork: (label) => {
      let h = 2166136261;
      for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
      return createRng((next() ^ h) >>> 0);
    },
    /** Roughly log-normal integer with the given median, clamped. */
    lognormal: (median, sigma, lo, hi) => {
      const u1 = Math.max(1e-12, next() / 4294967296);
      const u2 = next() / 4294967296;
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.max(lo, Math.min(hi, Math.round(median * Math.exp(sigma * z))));
    },
  };
  return rng;
}

export const HEX = '0123456789abcdef';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const B64 = ALNUM + '+/';
export const B64URL = ALNUM + '-_';
export const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
