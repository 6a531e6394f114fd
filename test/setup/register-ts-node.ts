// Hardhat 2 requires hardhat.config.ts with ts-node; vitest's own transform does not cover it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
