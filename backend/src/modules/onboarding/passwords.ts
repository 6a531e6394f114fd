import argon2 from "argon2";

/**
 * Passwords hashed with argon2id at OWASP's minimum for it (19 MiB, 2 passes, 1 lane): about 20 ms
 * here. The hash string carries its parameters, so raising them later still verifies old hashes.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

export const hashPassword = (password: string) => argon2.hash(password, OPTIONS);

/** A hash of nothing anyone knows, verified when the email is unknown so that both cases take as long. */
let decoy: Promise<string> | null = null;

/** Whether `password` matches `hash`; with no hash, spends the same time and answers false. */
export async function passwordMatches(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await argon2.verify(await decoy, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
