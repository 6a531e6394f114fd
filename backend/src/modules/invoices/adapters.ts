import { join } from "node:path";
import type { DataSource } from "typeorm";
import { HttpLogistics, HttpRegistry, HttpTaxBureau, type HttpOptions } from "./adapters/http";
import { LocalLogistics, LocalRegistry, LocalTaxBureau, SeedFiles } from "./adapters/local";
import { REPO_ROOT } from "../../shared/paths";
import type { Adapters } from "./ports";

/** `seeds/` at the repository root. */
export const DEFAULT_SEEDS_DIR = join(REPO_ROOT, "seeds");

/**
 * Local adapters (seeds/ and Postgres) unless *_ADAPTER_URL points at an HTTP service.
 *
 *   TAX_ADAPTER_URL, LOGISTICS_ADAPTER_URL, REGISTRY_ADAPTER_URL   base URLs of the HTTP services
 *   TAX_ADAPTER_TOKEN, LOGISTICS_ADAPTER_TOKEN, REGISTRY_ADAPTER_TOKEN   optional bearer tokens
 *   ADAPTER_TIMEOUT_MS (default 5000), ADAPTER_RETRIES (default 2)   per request
 *   SEEDS_DIR (default: the repository's seeds/)   data of the local adapters
 */
export function createAdapters(ds: DataSource, env: Record<string, string | undefined> = process.env): Adapters {
  const seeds = new SeedFiles(env.SEEDS_DIR || DEFAULT_SEEDS_DIR);
  const int = (name: string, fallback: number, min: number) => {
    const v = env[name];
    if (v === undefined || v === "") return fallback;
    if (!/^[0-9]{1,7}$/.test(v) || Number(v) < min) throw new Error(`${name}=${JSON.stringify(v)} is invalid: expected an integer >= ${min}`);
    return Number(v);
  };
  const http = (prefix: "TAX" | "LOGISTICS" | "REGISTRY"): HttpOptions | null => {
    const url = env[`${prefix}_ADAPTER_URL`];
    if (!url) return null;
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`${prefix}_ADAPTER_URL is invalid: expected an http(s) base URL`);
    return {
      baseUrl: url,
      token: env[`${prefix}_ADAPTER_TOKEN`] || undefined,
      timeoutMs: int("ADAPTER_TIMEOUT_MS", 5000, 1),
      retries: int("ADAPTER_RETRIES", 2, 0),
    };
  };
  const tax = http("TAX");
  const logistics = http("LOGISTICS");
  const registry = http("REGISTRY");
  return {
    tax: tax ? new HttpTaxBureau(tax) : new LocalTaxBureau(seeds),
    logistics: logistics ? new HttpLogistics(logistics) : new LocalLogistics(seeds),
    registry: registry ? new HttpRegistry(registry) : new LocalRegistry(ds, seeds),
  };
}
