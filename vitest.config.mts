import { defineConfig } from "vitest/config";
import SlowestFirst from "./test/slowest-first";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Hardhat loads hardhat.config.ts through ts-node; register it before any test imports hardhat.
    setupFiles: ["test/setup/register-ts-node.ts"],
    pool: "forks",
    sequence: { sequencer: SlowestFirst },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
