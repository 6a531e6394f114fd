/** A language's catalogues keyed by namespace, from the JSON files of its folder (`./<lng>/<ns>.json`). */
export function byNamespace(files: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [path, catalogue] of Object.entries(files)) {
    const ns = /\/(\w+)\.json$/.exec(path)?.[1];
    if (ns) out[ns] = catalogue;
  }
  return out;
}
