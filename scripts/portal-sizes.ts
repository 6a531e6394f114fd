/**
 * The built portal's weight, after `npm run build:portal`: the entry chunk, what the browser loads
 * with it before the first page shows, the chart library and the largest other chunks, each raw,
 * gzip and brotli (the copies the build wrote beside them, which the API serves as they are).
 *
 *   npm run portal:sizes              a table
 *   npm run portal:sizes -- --json    the same as JSON
 *
 * test/portal/bundle.test.ts reads the build with the helpers below.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const PORTAL_DIST = join(__dirname, "..", "dist", "portal");

/** One entry of Vite's build manifest (dist/portal/.vite/manifest.json). */
export interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  /** Chunks imported statically: Vite preloads them with this one. */
  imports?: string[];
  /** Chunks imported with import(): loaded when the code asks. */
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export function readManifest(dir = PORTAL_DIST): Manifest {
  const path = join(dir, ".vite", "manifest.json");
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build:portal\` first`);
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/** The manifest key of index.html's script. */
export function entryKey(m: Manifest): string {
  const keys = Object.keys(m).filter((k) => m[k].isEntry);
  if (keys.length !== 1) throw new Error(`expected one entry in the manifest, found ${keys.join(", ") || "none"}`);
  return keys[0];
}

/** The chunk files that load with a chunk, before it runs: itself and its static imports, transitively. */
export function preloadedFiles(m: Manifest, key: string): string[] {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const i of m[k]?.imports ?? []) visit(i);
  };
  visit(key);
  return [...seen].map((k) => m[k].file);
}

/** Every script chunk of the build (assets/*.js), by file. */
export function scriptFiles(m: Manifest): string[] {
  return [...new Set(Object.values(m).map((c) => c.file))].filter((f) => f.endsWith(".js"));
}

export interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}

/** A file's size as it is and as sent gzip or brotli: the build's copy, else compressed here as the build would. */
export function sizeOf(file: string, dir = PORTAL_DIST): Size {
  const path = join(dir, file);
  const raw = readFileSync(path);
  const copy = (suffix: string, make: () => Buffer) => (existsSync(path + suffix) ? statSync(path + suffix).size : make().length);
  return {
    raw: raw.length,
    gzip: copy(".gz", () => gzipSync(raw, { level: 9 })),
    brotli: copy(".br", () => brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })),
  };
}

const total = (sizes: Size[]): Size => sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }), { raw: 0, gzip: 0, brotli: 0 });

/** Whether a chunk holds the chart library (Recharts names its wrapper element with this class). */
export const isChartChunk = (file: string, dir = PORTAL_DIST): boolean => readFileSync(join(dir, file), "utf8").includes("recharts-wrapper");

export interface Report {
  entry: { file: string } & Size;
  /** The entry with the chunks and style sheets preloaded beside it: what loads before the first page. */
  firstLoad: { files: string[] } & Size;
  charts: ({ file: string } & Size)[];
  largest: ({ file: string } & Size)[];
}

export function report(dir = PORTAL_DIST, largest = 6): Report {
  const m = readManifest(dir);
  const entry = entryKey(m);
  const first = preloadedFiles(m, entry);
  const css = [...new Set(Object.keys(m).filter((k) => first.includes(m[k].file)).flatMap((k) => m[k].css ?? []))];
  const sized = (file: string) => ({ file, ...sizeOf(file, dir) });
  const scripts = scriptFiles(m).map(sized);
  return {
    entry: sized(m[entry].file),
    firstLoad: { files: [...first, ...css], ...total([...first, ...css].map((f) => sizeOf(f, dir))) },
    charts: scripts.filter((s) => isChartChunk(s.file, dir)),
    largest: [...scripts].sort((a, b) => b.raw - a.raw).slice(0, largest),
  };
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

function main() {
  const r = report();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const row = (what: string, s: Size) => `| ${what} | ${kB(s.raw)} | ${kB(s.gzip)} | ${kB(s.brotli)} |`;
  console.log("| chunk | raw | gzip | brotli |");
  console.log("|---|--:|--:|--:|");
  console.log(row(`entry \`${r.entry.file}\``, r.entry));
  console.log(row(`first load (entry + ${r.firstLoad.files.length - 1} preloaded scripts and style sheets)`, r.firstLoad));
  for (const c of r.charts) console.log(row(`chart library \`${c.file}\` (only with a chart)`, c));
  for (const c of r.largest) if (c.file !== r.entry.file && !r.charts.some((x) => x.file === c.file)) console.log(row(`\`${c.file}\``, c));
}

if (require.main === module) main();
