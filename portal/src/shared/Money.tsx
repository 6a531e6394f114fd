import { formatFen } from "./money";

/** An amount in fen shown in yuan; tabular digits so columns line up. */
export function Money({ fen }: { fen: string | bigint | null | undefined }) {
  if (fen === null || fen === undefined) return <span>—</span>;
  return <span className="money">{formatFen(fen)}</span>;
}
