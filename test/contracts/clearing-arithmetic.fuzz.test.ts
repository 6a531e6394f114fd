import { describe, it, expect } from "vitest";
import fc from "fast-check";
import hre from "hardhat";
import { ClearingMathHarness__factory } from "../../typechain-types";
import { world, nextOp, confirmed, financed, time, DAY, CREDIT_LIMIT, type World } from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

describe("clearing arithmetic (fuzzed)", () => {
  it("splits any payment sequence so that the bank gets min(face, due) first and nothing is overpaid", async () => {
    const [deployer] = await hre.ethers.getSigners();
    const math = await new ClearingMathHarness__factory(deployer).deploy();
    const amount = fc.bigInt({ min: 1n, max: (1n << 80n) - 1n });
    await fc.assert(
      fc.asyncProperty(amount, fc.bigInt({ min: 0n, max: 1n << 81n }), fc.array(fc.bigInt({ min: 0n, max: 1n << 80n }), { maxLength: 6 }), async (face, due, payments) => {
        let repaid = 0n;
        let bank = 0n;
        let holder = 0n;
        for (const raw of payments) {
          const payment = min(raw, face - repaid); // the ledger never pulls more than is owed
          const [toBank, toHolder] = await math.allocate(payment, repaid, due, face);
          expect(toBank + toHolder).toBe(payment); // payouts sum exactly to what was paid
          // bank first: the holder receives nothing while the bank is owed
          if (toHolder > 0n) expect(bank + toBank).toBe(min(face, due));
          bank += toBank;
          holder += toHolder;
          repaid += payment;
        }
        expect(bank).toBe(min(repaid, min(face, due))); // never more than its entitlement
        expect(holder).toBe(repaid - bank);
        if (repaid === face) expect([bank, holder]).toEqual([min(face, due), face - min(face, due)]);
      }),
      { numRuns: RUNS },
    );
  });

  it("clears partial repayments on chain exactly as the model says, bank first", async () => {
    const base = await world();
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 100n, max: CREDIT_LIMIT }), // face: up to the bank's whole credit line
        fc.bigInt({ min: 1n, max: 10_000n }), // due as basis points of face
        fc.array(fc.bigInt({ min: 0n, max: 10_000n }), { minLength: 1, maxLength: 4 }), // repayments as bp of face
        async (face, dueBp, repayBp) => {
          const snapshot = await hre.network.provider.send("evm_snapshot");
          try {
            await scenario(base, face, (face * dueBp) / 10_000n || 1n, repayBp.map((bp) => (face * bp) / 10_000n));
          } finally {
            await hre.network.provider.send("evm_revert", [snapshot]);
          }
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 10)) },
    );
  });
});

/** One financed certificate of `face` with `due`, repaid through successive allowances. */
async function scenario(w: World, face: bigint, due: bigint, repayments: bigint[]) {
  const id = await confirmed(w, w.supplierA, w.core1, { amount: face });
  await financed(w, id, w.supplierA, w.bankA, { due, advance: due });
  await time.increaseTo((await w.ledger.receivable(id)).maturity + 4n * DAY);
  const ledger = await w.ledger.getAddress();
  const start = await Promise.all([w.bankA, w.supplierA, w.core1].map((s) => w.token.balanceOf(s.address)));
  let repaid = 0n;
  for (const r of repayments) {
    await w.token.connect(w.core1).approve(ledger, r);
    await w.ledger.connect(w.relayer).settle([id], nextOp());
    repaid += min(r, face - repaid);
    const [bank, holder, core] = await Promise.all([w.bankA, w.supplierA, w.core1].map((s) => w.token.balanceOf(s.address)));
    const toBank = min(repaid, due);
    expect([bank - start[0], holder - start[1], start[2] - core]).toEqual([toBank, repaid - toBank, repaid]);
    expect(await w.ledger.outstandingOf(id)).toBe(face - repaid);
    expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(due - toBank);
    const status = (await w.ledger.receivable(id)).status;
    expect(status).toBe(BigInt(repaid === face ? S.Settled : S.Overdue));
    if (repaid === face) break;
  }
}
