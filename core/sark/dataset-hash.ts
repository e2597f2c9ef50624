/**
 * The one hash behind every seeded attribute. It is computed twice: here in JavaScript (so
 * `describeDataset` knows which tools are critical without a database) and in SQL by the seeding
 * statements (`sark_hash` in seed-sql.ts), so both must give the same number for the same input.
 * Only operations that are exact in both worlds are used: 32-bit multiplies (Math.imul in JS, a
 * bigint product masked to 32 bits in SQL), xor and shifts (the murmur3 finaliser's shape).
 */

/** 0x9E3779B1 (golden ratio) spreads salts; 0x85EBCA6B (murmur3) spreads seeds. */
export const SALT_MULTIPLIER = 0x9e3779b1;
export const SEED_MULTIPLIER = 0x85ebca6b;
/** murmur3-style finaliser multiplier (0x45d9f3b = 73244475). */
export const MIX_MULTIPLIER = 0x45d9f3b;

/** Largest seed accepted: keeps `seed * SEED_MULTIPLIER` inside a Postgres bigint. */
export const MAX_SEED = 2_147_483_647;

function mix(x: number): number {
  const y = (x ^ (x >>> 16)) >>> 0;
  return Math.imul(y, MIX_MULTIPLIER) >>> 0;
}

/** hash(salt, i, seed) in [0, 2^32). `i` must be a non-negative integer below 2^31. */
export function datasetHash(salt: number, i: number, seed: number): number {
  const key = (i + Math.imul(salt, SALT_MULTIPLIER) + Math.imul(seed, SEED_MULTIPLIER)) >>> 0;
  const h = mix(mix(key));
  return (h ^ (h >>> 16)) >>> 0;
}

/** Salts: one per attribute, so attributes of the same entity are independent. */
export const SALT = {
  userActive: 1,
  userRole: 2,
  userTeamCount: 3,
  userTeam: 4,
  toolServer: 5,
  toolSensitivity: 6,
  toolTeamCount: 7,
  toolTeam: 8,
  toolClassification: 9,
  serverSensitivity: 10,
  serverOwner: 11,
} as const;
