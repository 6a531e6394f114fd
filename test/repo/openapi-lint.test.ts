import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Spectral, Document, getDiagnosticSeverity, type ISpectralDiagnostic, type RulesetDefinition } from "@stoplight/spectral-core";
import { Json } from "@stoplight/spectral-parsers";
import { oas } from "@stoplight/spectral-rulesets";
import { describeApi } from "../../backend/src/platform";
import { sourceFiles } from "./support/files";

/**
 * /openapi.json is what integrators generate clients from: it passes Spectral's `oas` recommended
 * ruleset (every operation with an operationId, a description and a tag defined at the top level,
 * valid schemas and examples) with no error or warning, and no rule of it is switched off.
 */

const ROOT = join(__dirname, "../..");
const SRC = join(ROOT, "backend/src");

async function lint(document: unknown): Promise<ISpectralDiagnostic[]> {
  const spectral = new Spectral();
  // the ruleset is declared with its severities widened to `string`, which RulesetDefinition does not accept
  spectral.setRuleset({ extends: [[oas as RulesetDefinition, "recommended"]] });
  return spectral.run(new Document(JSON.stringify(document, null, 2), Json, "openapi.json"));
}

/** Errors and warnings (severities count down from error, 0). */
const faults = (found: ISpectralDiagnostic[]) =>
  found.filter((d) => d.severity <= getDiagnosticSeverity("warn")).map((d) => `${d.code} at ${d.path.join(".")}: ${d.message}`);

const files = (dir: string) => sourceFiles(dir);

describe("/openapi.json for integrators", () => {
  it("passes Spectral's oas recommended ruleset with no errors or warnings", async () => {
    const document = describeApi();
    expect(Object.keys(document.paths).length).toBeGreaterThan(50);
    expect(faults(await lint(document))).toEqual([]);
  });

  it("is checked by a ruleset that finds what the document used to get wrong (the check itself works)", async () => {
    const document = structuredClone(describeApi()) as any;
    delete document.paths["/v1/receivables"].get.operationId;
    document.paths["/v1/receivables"].get.tags = ["Nowhere"];
    document.components.schemas.DraftCreate.properties.body.additionalProperties = { nullable: true };
    const codes = faults(await lint(document)).map((f) => f.split(" ")[0]);
    expect(codes).toEqual(expect.arrayContaining(["operation-operationId", "operation-tag-defined", "oas3-valid-schema-example"]));
  });

  it("names each operation <module>.<verb> after the folder that declares its route", () => {
    const wrong: string[] = [];
    let routes = 0;
    for (const file of files(SRC)) {
      const source = readFileSync(file, "utf8");
      const declared = (source.match(/\broutes\.add(Public)?\(/g) ?? []).length;
      if (!declared) continue;
      routes += declared;
      const [top, module] = relative(SRC, file).split(sep);
      const owner = top === "modules" ? module : module === undefined ? "platform" : top;
      const ids = [...source.matchAll(/\boperationId: "([^"]*)"/g)].map((m) => m[1]);
      if (ids.length !== declared) wrong.push(`${relative(ROOT, file)}: ${declared} routes, ${ids.length} operationIds`);
      for (const id of ids) if (id.split(".")[0] !== owner) wrong.push(`${relative(ROOT, file)}: ${id} is not ${owner}.<verb>`);
    }
    expect(wrong).toEqual([]);
    const document = describeApi();
    expect(Object.values(document.paths).flatMap((ops) => Object.keys(ops))).toHaveLength(routes);
  });
});
