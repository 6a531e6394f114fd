import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { buildCatalogue, errorCode, type CatalogueEntry } from "../../scripts/gen-error-catalogue";

const committed: CatalogueEntry[] = JSON.parse(readFileSync(join(__dirname, "../../backend/src/ledger/error-catalogue.json"), "utf8"));

describe("error catalogue", () => {
  it("is up to date with the compiled contracts (run `npm run errors:gen` if not)", () => {
    expect(committed).toEqual(buildCatalogue());
  });

  it("covers every custom error the deployed contracts can revert with, each with a meaning and an action", () => {
    const bySelector = new Map(committed.map((e) => [e.selector, e]));
    for (const name of ["ReceivableLedger", "Membership", "SettlementToken"]) {
      const iface = new hre.ethers.Interface(hre.artifacts.readArtifactSync(name).abi);
      iface.forEachError((e) => {
        const entry = bySelector.get(e.selector);
        expect(entry, `${name}.${e.name}`).toBeDefined();
        expect(entry!.meaning.length).toBeGreaterThan(10);
        expect(entry!.action.length).toBeGreaterThan(3);
      });
    }
  });

  it("gives each error a stable, unique platform code", () => {
    expect(errorCode("ReceivableDuplicateInvoice")).toBe("RECEIVABLE.DUPLICATE_INVOICE");
    expect(errorCode("ERC721NonexistentToken")).toBe("ERC721.NONEXISTENT_TOKEN");
    expect(errorCode("OperationAlreadyExecuted")).toBe("OPERATION.ALREADY_EXECUTED");
    expect(new Set(committed.map((e) => e.code)).size).toBe(committed.length);
  });
});
