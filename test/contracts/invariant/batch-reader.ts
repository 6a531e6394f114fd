import hre from "hardhat";
import { id as hashSignature } from "ethers";

/**
 * One `eth_call` for a whole invariant check instead of ~150, through the test-only
 * contracts/test/BatchReader.sol, whose runtime code is placed with `hardhat_setCode` at a fixed
 * address inside the fixture (so every snapshot revert keeps it).
 *
 * Every view read by the invariant checks takes and returns only static words, so calls are
 * encoded and results decoded by hand: ethers' generic coder costs more than the EVM here.
 */
export const READER_ADDRESS = "0x00000000000000000000000000000000c0ffee01";
const READ_SELECTOR = hashSignature("read(address[],bytes[])").slice(2, 10);

export async function installReader(): Promise<void> {
  const { deployedBytecode } = await hre.artifacts.readArtifact("BatchReader");
  await hre.network.provider.request({ method: "hardhat_setCode", params: [READER_ADDRESS, deployedBytecode] });
}

/** A view `name(args)` whose arguments are static words (uint, address, bytes32, bool). */
export const view = (signature: string) => hashSignature(signature).slice(2, 10);

const word = (v: bigint | string | boolean): string => {
  if (typeof v === "boolean") return v ? "1".padStart(64, "0") : "0".repeat(64);
  if (typeof v === "bigint") return v.toString(16).padStart(64, "0");
  return v.slice(2).toLowerCase().padStart(64, "0");
};

/** Collects view calls, runs them in one eth_call, then hands out their result words. */
export class BatchRead {
  private targets: string[] = [];
  private calls: string[] = []; // hex without 0x
  private ok: boolean[] = [];
  private data: string[] = []; // hex without 0x

  add(target: string, selector: string, ...args: (bigint | string | boolean)[]): number {
    this.targets.push(target);
    this.calls.push(selector + args.map(word).join(""));
    return this.calls.length - 1;
  }

  async run(): Promise<void> {
    const n = this.calls.length;
    // read(address[] targets, bytes[] calls), ABI-encoded by hand
    const head = [word(64n), word(BigInt(64 + 32 + 32 * n))];
    const targets = [word(BigInt(n)), ...this.targets.map(word)];
    const offsets: string[] = [];
    const bodies: string[] = [];
    let at = 32 * n;
    for (const c of this.calls) {
      offsets.push(word(BigInt(at)));
      const bytes = c.length / 2;
      const padded = c.padEnd(Math.ceil(bytes / 32) * 64, "0");
      bodies.push(word(BigInt(bytes)) + padded);
      at += 32 + padded.length / 2;
    }
    const data = "0x" + READ_SELECTOR + head.join("") + targets.join("") + word(BigInt(n)) + offsets.join("") + bodies.join("");
    const raw = ((await hre.network.provider.request({
      method: "eth_call",
      params: [{ to: READER_ADDRESS, data }, "latest"],
    })) as string).slice(2);
    const w = (i: number) => parseInt(raw.slice(i * 64 + 48, i * 64 + 64), 16); // small ints only
    const okAt = w(0) / 32;
    const resAt = w(1) / 32;
    this.ok = Array.from({ length: n }, (_, i) => w(okAt + 1 + i) === 1);
    this.data = Array.from({ length: n }, (_, i) => {
      const start = resAt + 1 + w(resAt + 1 + i) / 32;
      return raw.slice((start + 1) * 64, (start + 1) * 64 + w(start) * 2);
    });
  }

  private result(i: number): string {
    if (!this.ok[i]) throw new Error(`batched view ${this.calls[i].slice(0, 8)} on ${this.targets[i]} reverted: 0x${this.data[i]}`);
    return this.data[i];
  }
  /** Word `k` of call `i`'s result as an unsigned integer. */
  uint(i: number, k = 0): bigint {
    return BigInt("0x" + (this.result(i).slice(k * 64, k * 64 + 64) || "0"));
  }
  /** Word `k` of call `i`'s result as a lower-case address. */
  address(i: number, k = 0): string {
    return "0x" + this.result(i).slice(k * 64 + 24, k * 64 + 64);
  }
  /** Word `k` of call `i`'s result as 0x-prefixed bytes32. */
  bytes32(i: number, k = 0): string {
    return "0x" + this.result(i).slice(k * 64, k * 64 + 64);
  }
  bool(i: number, k = 0): boolean {
    return this.uint(i, k) !== 0n;
  }
}
