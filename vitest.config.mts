import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Starts the longest test files first, so that the two forks of this 2-core machine finish
 * together instead of one of them running a minute-long file alone at the end. Vitest does this by
 * itself from the durations it cached in an earlier run; CI starts from a fresh clone without them.
 * Files not named here follow, larger first.
 */
const SLOWEST = [
  "test/portal/roles.browser",
  "test/portal/roles-governance.browser",
  "test/backend/races/",
  "test/portal/story.browser",
  "test/portal/consent.browser",
  "test/contracts/invariant/",
  "test/backend/chaos/",
  "test/backend/faults/crash-windows",
  "test/repo/docker-compose",
  "test/backend/tenant-isolation",
  "test/backend/bad-input",
  "test/backend/faults/concurrent-workers",
  "test/backend/webhooks",
];

const rank = (f: TestSpecification) => {
  const i = SLOWEST.findIndex((p) => f.moduleId.includes(p));
  return i < 0 ? SLOWEST.length : i;
};

class SlowestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const bySize = await super.sort(files);
    return [...bySize].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Hardhat loads hardhat.config.ts through ts-node; register it before any test imports hardhat.
    setupFiles: ["test/setup/register-ts-node.ts"],
    pool: "forks",
    // three forks: most files wait on the ledger, Postgres and timers, yet a fourth made the run slower
    // (22 instead of 16 minutes on this 2-core machine) and timed out races and fault tests
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
