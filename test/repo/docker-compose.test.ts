import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

// No Docker engine runs here, so check what can be checked without one: the compose file parses,
// every service can be built or pulled, every host path it mounts exists, and dependencies resolve.
const ROOT = resolve(__dirname, "../..");

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
  command?: string[];
}

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")) as { services: Record<string, Service> };
  const services = Object.entries(compose.services);

  it("defines the ledger node and the contract deployment", () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(["ledger", "deploy"]));
  });

  it.each(services)("%s can be built or pulled", (_name, service) => {
    expect(Boolean(service.build ?? service.image)).toBe(true);
    if (service.build) {
      const context = typeof service.build === "string" ? service.build : service.build.context;
      const dockerfile = typeof service.build === "string" ? "Dockerfile" : service.build.dockerfile ?? "Dockerfile";
      expect(existsSync(join(ROOT, context, dockerfile))).toBe(true);
    }
  });

  it.each(services)("%s mounts only host paths that exist", (_name, service) => {
    for (const volume of service.volumes ?? []) {
      const host = volume.split(":")[0];
      if (host.startsWith(".") || host.startsWith("/")) expect(existsSync(join(ROOT, host)), volume).toBe(true);
    }
  });

  it.each(services)("%s depends only on defined services", (_name, service) => {
    const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dep of deps) expect(Object.keys(compose.services)).toContain(dep);
  });

  it("runs only scripts that exist", () => {
    for (const [, service] of services) {
      for (const arg of service.command ?? []) {
        if (/^scripts\/.+\.ts$/.test(arg)) expect(existsSync(join(ROOT, arg)), arg).toBe(true);
      }
    }
  });
});
