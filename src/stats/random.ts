/**
 * A small seeded pseudo-random generator, so that every bootstrap is reproducible from its seed
 * on any machine: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32.
 */

/** A seeded generator of uniform numbers. */
export interface Random {
  /** Uniform float in [0, 1) with 32 random bits. */
  next(): number;
  /** Uniform integer in [0, n), n ≤ 2³². Bias below n/2³² (negligible for resampling). */
  nextInt(n: number): number;
}

/** Creates the generator for a seed (any finite number; its low 32 bits and the rest mixed in). */
export function createRandom(seed: number): Random {
  let x = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0;
  const splitmix32 = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  const nextUint = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    next: () => nextUint() / 4294967296,
    nextInt: (n: number) => Math.floor((nextUint() / 4294967296) * n),
  };
}

/** A standard normal draw (Box–Muller; 1 − u keeps the logarithm finite); uses two uniforms. */
export function normalDraw(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0;
}
