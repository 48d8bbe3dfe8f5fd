/**
 * The band a fair ECMP split must fall in: for N flows over k equal next hops, each
 * cluster's count is Binomial(N, 1/k); we accept mean ± z·σ with z = 3.89 (two-sided
 * p ≈ 1e-4, so a correct fabric fails this about once in ten thousand runs).
 */
export const Z = 3.89;

export function binomialBand(n: number, p: number, z = Z): { low: number; high: number } {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  return { low: Math.max(0, Math.floor(mean - z * sd)), high: Math.min(n, Math.ceil(mean + z * sd)) };
}
