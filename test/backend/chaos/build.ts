/**
 * The backend transpiled once to JavaScript for the chaos suite's child processes. The fault tests
 * start their children through ts-node, which transpiles ~280 files on every start: several seconds
 * of CPU per process on this 2-core machine, too slow for a monkey that restarts a process every few
 * seconds. Here the same transpilation (TypeScript's transpileModule, as ts-node's transpile-only
 * mode does, with the repository's compiler options) is done once per test run, into a directory
 * under node_modules/.cache so that the compiled files resolve packages from the repository's
 * node_modules. A child then starts in about a second.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import type { Stack } from "../support/stack";

const ROOT = join(__dirname, "../../..");
const SOURCES = ["backend/src", "typechain-types"];

let built: string | null = null;
let builtOptions: ts.CompilerOptions = {};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Transpiles backend/src and typechain-types (once per process); returns the output root. */
export function compiledBackend(): string {
  if (built) return built;
  const out = join(ROOT, "node_modules/.cache", `cf-chaos-build-${process.pid}`);
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson({ ...config.compilerOptions, noEmit: false }, ROOT);
  for (const src of SOURCES) for (const file of files(join(ROOT, src))) transpileInto(out, file, options);
  built = out;
  builtOptions = options;
  return out;
}

function transpileInto(out: string, file: string, options: ts.CompilerOptions) {
  const target = join(out, relative(ROOT, file));
  mkdirSync(dirname(target), { recursive: true });
  if (file.endsWith(".json")) copyFileSync(file, target);
  else if (file.endsWith(".ts") && !file.endsWith(".d.ts")) {
    const js = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file }).outputText;
    writeFileSync(target.replace(/\.ts$/, ".js"), js);
  }
}

/** A script that imports only the backend (`scripts/demo.ts`, say), transpiled beside the compiled backend; returns its .js file. */
export function compiledScript(path: string): string {
  const out = compiledBackend();
  transpileInto(out, join(ROOT, path), builtOptions);
  return join(out, path.replace(/\.ts$/, ".js"));
}

/** Like `stack.spawn`, from the compiled backend. */
export function spawnCompiled(stack: Stack, name: "api" | "worker" | "indexer", env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(compiledBackend(), `backend/src/${name}.js`)], {
    env: { ...process.env, ...stack.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  stack.children.push(child);
  return child;
}

export function removeCompiled() {
  if (built) rmSync(built, { recursive: true, force: true });
  built = null;
}
