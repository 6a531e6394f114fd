import type { Party } from "./facts";
import type { Bilingual, Column, Value } from "./sheet";

/** The parties table every document opens with: role, legal name, 统一社会信用代码. */
export function partyColumns(width: number): Column[] {
  return [
    { label: { zh: "当事人", en: "Role" }, width: 120 },
    { label: { zh: "名称", en: "Legal name" }, width: width - 120 - 150 },
    { label: { zh: "统一社会信用代码", en: "Unified social credit code" }, width: 150 },
  ];
}

export function partyRow(role: Bilingual, party: Party): Value[] {
  return [{ main: role.zh, sub: role.en }, { main: party.name }, { main: party.uscc }];
}
