/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015, checked in the browser the
 * way the API checks it (backend/src/modules/onboarding/uscc.ts): 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, S, V, Z); characters 3–8 are the
 * administrative division code (digits); the 18th is the check character
 * 31 − (Σ value(cᵢ) × wᵢ mod 31), 31 → 0.
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** Why a code is invalid, as a catalogue key and its values; `ok` when it is valid. */
export type UsccCheck =
  | { ok: true }
  | { ok: false; reason: "length"; length: number }
  | { ok: false; reason: "character"; position: number; character: string }
  | { ok: false; reason: "division" }
  | { ok: false; reason: "check"; given: string; expected: string };

export function checkUscc(code: string): UsccCheck {
  if (code.length !== 18) return { ok: false, reason: "length", length: code.length };
  const bad = [...code].findIndex((c) => !ALPHABET.includes(c));
  if (bad >= 0) return { ok: false, reason: "character", position: bad + 1, character: code[bad] };
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return { ok: false, reason: "division" };
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) return { ok: false, reason: "check", given: code[17], expected };
  return { ok: true };
}
