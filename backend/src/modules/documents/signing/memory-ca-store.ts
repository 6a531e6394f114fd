import type { Revocation } from "./ca";
import type { CaStore } from "./local-ca";

/** CaStore in memory, for tests and throwaway demos: serials restart with the process. */
export function memoryCaStore(firstSerial = 1n): CaStore & { issued: Map<string, Uint8Array> } {
  let next = firstSerial;
  const issued = new Map<string, Uint8Array>();
  const revoked = new Map<string, Revocation>();
  return {
    issued,
    async nextSerial() {
      return next++;
    },
    async saveIssued(serial, der) {
      issued.set(serial, der);
    },
    async saveRevocation(r) {
      // The first revocation stands: a later call must not move the instant signatures stopped counting.
      if (!revoked.has(r.serial)) revoked.set(r.serial, { ...r });
    },
    async revocations() {
      return [...revoked.values()].map((r) => ({ ...r }));
    },
  };
}
