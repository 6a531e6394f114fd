import { describe, it, expect } from "vitest";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  HookedToken__factory, Membership__factory, ReentrantMember__factory,
} from "../../typechain-types";
import { DEFAULT_PARAMS, ADMIN_DELAY, DAY, YUAN, nextOp, orgId, input, signTerms, time, revertOf, attested, VERIFIER, type World, confirmItems } from "./fixtures";
import { MemberRole, ReceivableStatus as S } from "../../backend/src/ledger/roles";
import { deployReceivableLedger } from "../../backend/src/ledger/deploy";

const FACE = 1_000_000n * YUAN;
const GUARD_ERROR = hre.ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

/** A ledger settling in a token that calls receivers back, with a hostile member as supplier. */
async function hostileWorld() {
  const [admin, operator, core, bank, owner] = await hre.ethers.getSigners();
  const membership = await new Membership__factory(admin).deploy(ADMIN_DELAY, admin.address);
  const token = await new HookedToken__factory(admin).deploy();
  const ledger = await deployReceivableLedger(admin, await membership.getAddress(), await token.getAddress(), DEFAULT_PARAMS);
  const attacker = await new ReentrantMember__factory(owner).deploy(owner.address);
  await membership.grantRole(await membership.OPERATOR_ROLE(), operator.address);
  await membership.grantRole(await membership.VERIFIER_ROLE(), VERIFIER.address);
  const m = membership.connect(operator);
  await m.registerOrganization(orgId("core"), MemberRole.CoreEnterprise, [core.address], nextOp());
  await m.registerOrganization(orgId("bank"), MemberRole.Bank, [bank.address], nextOp());
  await m.registerOrganization(orgId("attacker"), MemberRole.Supplier, [await attacker.getAddress()], nextOp());
  for (const s of [core, bank]) {
    await token.mint(s.address, 10n ** 15n);
    await token.connect(s).approve(ledger, hre.ethers.MaxUint256);
  }
  await ledger.connect(bank).setCreditLine(core.address, 10n ** 14n, nextOp());
  // the attacker registers two receivables, and the core enterprise confirms them
  const items = [await input({ counterparty: core.address }), await input({ counterparty: core.address })];
  await attacker.connect(owner).exec(ledger, ledger.interface.encodeFunctionData("register", [...(await attested(ledger, await attacker.getAddress(), false, items)), nextOp()]));
  await ledger.connect(core).confirm(await confirmItems(ledger, [1n, 2n]), nextOp());
  const { chainId } = await hre.ethers.provider.getNetwork();
  // signTerms only needs the ledger and chain id of a World
  const w = { ledger, chainId } as unknown as World;
  return { membership, token, ledger, attacker, core, bank, owner, w };
}

type Hostile = Awaited<ReturnType<typeof hostileWorld>>;

async function termsFor(h: Hostile, id: bigint) {
  return signTerms(h.w, h.owner, { receivableId: id, bank: h.bank.address, advance: 900_000n * YUAN, due: 950_000n * YUAN });
}

describe("re-entrancy", () => {
  for (const propagate of [false, true]) {
    const mode = propagate ? "and propagates the failure: the whole funding reverts" : "and swallows the failure";
    it(`blocks a receiver re-entering finance during the advance, ${mode}`, async () => {
      const h = await loadFixture(hostileWorld);
      const attackerAddress = await h.attacker.getAddress();
      const second = await termsFor(h, 2n);
      await h.attacker.connect(h.owner).arm(h.ledger, h.ledger.interface.encodeFunctionData("finance", [[second.terms], [second.signature], nextOp()]), propagate);
      const first = await termsFor(h, 1n);
      const before = [await h.token.balanceOf(attackerAddress), await h.token.balanceOf(h.bank.address)];
      const funding = h.ledger.connect(h.bank).finance([first.terms], [first.signature], nextOp());
      if (propagate) {
        expect((await revertOf(funding)).name).toBe("ReentrancyGuardReentrantCall");
        expect((await h.ledger.receivable(1n)).status).toBe(BigInt(S.Confirmed));
        expect([await h.token.balanceOf(attackerAddress), await h.token.balanceOf(h.bank.address)]).toEqual(before);
        expect((await h.ledger.creditLine(h.bank.address, h.core.address)).used).toBe(0n);
      } else {
        await funding;
        expect(await h.attacker.attempts()).toBe(1n);
        expect(await h.attacker.reentered()).toBe(false);
        expect((await h.attacker.lastRevert()).slice(0, 10)).toBe(GUARD_ERROR);
        expect([await h.token.balanceOf(attackerAddress), await h.token.balanceOf(h.bank.address)]).toEqual([before[0] + first.terms.advance, before[1] - first.terms.advance]);
        expect((await h.ledger.receivable(2n)).status).toBe(BigInt(S.Confirmed));
        expect((await h.ledger.creditLine(h.bank.address, h.core.address)).used).toBe(first.terms.due);
      }
    });

    it(`blocks a holder re-entering settle during its payout, ${mode}`, async () => {
      const h = await loadFixture(hostileWorld);
      const attackerAddress = await h.attacker.getAddress();
      const first = await termsFor(h, 1n);
      await h.ledger.connect(h.bank).finance([first.terms], [first.signature], nextOp());
      await time.increase(91n * DAY);
      await h.attacker.connect(h.owner).arm(h.ledger, h.ledger.interface.encodeFunctionData("settle", [[1n, 2n], nextOp()]), propagate);
      const who = [attackerAddress, h.bank.address, h.core.address];
      const before = await Promise.all(who.map((a) => h.token.balanceOf(a)));
      const settlement = h.ledger.settle([1n], nextOp());
      if (propagate) {
        expect((await revertOf(settlement)).name).toBe("ReentrancyGuardReentrantCall");
        expect((await h.ledger.receivable(1n)).status).toBe(BigInt(S.Financed));
        expect(await Promise.all(who.map((a) => h.token.balanceOf(a)))).toEqual(before);
      } else {
        await settlement;
        expect((await h.attacker.lastRevert()).slice(0, 10)).toBe(GUARD_ERROR);
        const due = first.terms.due;
        expect(await Promise.all(who.map((a) => h.token.balanceOf(a)))).toEqual([before[0] + FACE - due, before[1] + due, before[2] - FACE]);
        expect((await h.ledger.receivable(2n)).status).toBe(BigInt(S.Confirmed)); // the re-entrant settle of #2 did nothing
      }
    });
  }
});
