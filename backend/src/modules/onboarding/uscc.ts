/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, S, V, Z):
 *   1      registration authority (1-9, A-H, J-N, P-R, T, U, W, X, Y)
 *   2      organization type
 *   3-8    administrative division code (digits)
 *   9-17   organization code
 *   18     check character: 31 - (Σ value(c_i) × w_i mod 31), 31 → 0
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  const check = (31 - (sum % 31)) % 31;
  return ALPHABET[check];
}

/** Why `code` is not a valid unified social credit code, or null if it is. */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `must be 18 characters, got ${code.length}`;
  const bad = [...code].findIndex((c) => !ALPHABET.includes(c));
  if (bad >= 0) {
    return `character ${bad + 1} ("${code[bad]}") is not allowed: use digits and capital letters except I, O, S, V and Z`;
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return "characters 3 to 8 (the administrative division code) must be digits";
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) return `the check character (18th) is "${code[17]}" but the first 17 characters give "${expected}": check for a typo`;
  return null;
}

/** A valid code built from 17 characters (for seeds and tests). */
export function withUsccCheck(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}
