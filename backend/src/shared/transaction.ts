import type { DataSource, EntityManager } from "typeorm";
import { AppError } from "./errors";

/**
 * SQLSTATEs of a transaction that lost a race with another one and was rolled back whole:
 * serialization_failure, deadlock_detected, lock_not_available (NOWAIT). Running it again is safe.
 */
const LOST_RACE = new Set(["40001", "40P01", "55P03"]);
const ATTEMPTS = 5;

/** The SQLSTATE of a Postgres error (TypeORM's QueryFailedError keeps the driver's error). */
export function sqlState(e: unknown): string | undefined {
  const err = e as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = err?.driverError?.code ?? err?.code;
  return typeof code === "string" ? code : undefined;
}

export const lostRace = (e: unknown) => LOST_RACE.has(sqlState(e) ?? "");

/** What a request that kept losing races is told: nothing was written, sending it again is safe. */
export const concurrentChange = () =>
  new AppError("REQUEST.CONCURRENT_CHANGE", 409, "Another request changed the same records at the same moment and nothing was written; send this request again.");

/**
 * Runs `work` in a transaction and runs it again (up to 5 times, after a short random pause) when
 * Postgres rolled it back for losing a race: the retry sees the winner's committed rows and answers
 * what the sequential order would (a 409 of the domain, or success). `work` must therefore have no
 * side effect outside the transaction. A race lost every time is a 409 REQUEST.CONCURRENT_CHANGE,
 * never a 500.
 *
 * Lock order (ARCHITECTURE.md, "Concurrency"): every transaction that locks several rows takes
 * them in this order, so that two of them can wait for each other but never deadlock:
 * financing request → its quotes (by id) → financing → receivables (by id) → credit line.
 */
export async function inTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(work);
    } catch (e) {
      if (!lostRace(e)) throw e;
      if (attempt >= ATTEMPTS) throw concurrentChange();
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
