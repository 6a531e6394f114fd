/**
 * Where a financing stands in a bank's book (its bucket), beside its certificate's own state. Kept
 * free of imports: the catalogue tests read it in node.
 */

/** Where a financing stands in a bank's book. */
export type Bucket = "inProgress" | "funded" | "due" | "overdue" | "defaulted" | "settled" | "failed";

export const BUCKETS: readonly Bucket[] = ["inProgress", "funded", "due", "overdue", "defaulted", "settled", "failed"];

/** The buckets that are their certificate's state: the book says them with the state's own word. */
export const BUCKET_OF_STATE: Readonly<Record<string, Bucket>> = { overdue: "overdue", defaulted: "defaulted", settled: "settled" };

/**
 * What the book says of a financing: its bucket, then its certificate's state where that says
 * something else (a settled certificate's financing is "settled" once, not "settled settled").
 */
export const bookWords = (bucket: string, state: string | null): string[] => (state === null || state === bucket ? [bucket] : [bucket, state]);
