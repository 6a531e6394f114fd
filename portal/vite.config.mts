import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

const root = fileURLToPath(new URL(".", import.meta.url));
const api = process.env.PORTAL_API_URL ?? "http://127.0.0.1:3000";

/** Assets below this stay uncompressed (the API's COMPRESSION_THRESHOLD, backend/src/shared/http/compression.ts). */
const PRECOMPRESS_FROM = 1024;

/**
 * Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside every script, style sheet
 * and other text asset from PRECOMPRESS_FROM bytes up, where it is smaller: the API serves them to
 * the clients that accept them (servePortal), so the highest settings cost nothing per request.
 */
function precompress(): Plugin {
  return {
    name: "chainfactor:precompress",
    apply: "build",
    async writeBundle(options, bundle) {
      const dir = options.dir;
      if (!dir) return;
      const names = Object.keys(bundle).filter((n) => n.startsWith("assets/") && /\.(js|mjs|css|svg|json|txt|map)$/.test(n));
      await Promise.all(
        names.map(async (name) => {
          const raw = await readFile(join(dir, name));
          if (raw.length < PRECOMPRESS_FROM) return;
          const [br, gz] = await Promise.all([
            promisify(brotliCompress)(raw, {
              params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
            }),
            promisify(gzip)(raw, { level: 9 }),
          ]);
          if (br.length < raw.length) await writeFile(join(dir, `${name}.br`), br);
          if (gz.length < raw.length) await writeFile(join(dir, `${name}.gz`), gz);
        }),
      );
    },
  };
}

const inNodeModules = (pkgs: string) => new RegExp(`[\\\\/]node_modules[\\\\/](?:${pkgs})[\\\\/]`);

export default defineConfig({
  root,
  base: "/portal/",
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL("../dist/portal", import.meta.url)),
    emptyOutDir: true,
    // .vite/manifest.json: which chunk each page loads and preloads (test/portal/bundle.test.ts,
    // scripts/portal-sizes.ts read it; the API never serves dot folders)
    manifest: true,
    // The polyfill is an inline script, which the API's Content-Security-Policy refuses.
    modulePreload: { polyfill: false },
    // The entry chunk is the portal's own shell (with the Chinese catalogues) and stays under 250 kB
    // (test/portal/bundle.test.ts); the libraries every page needs are chunks of their own, preloaded
    // beside it and cached for a year apart from the portal's releases; the chart library (~420 kB,
    // the one chunk above 250 kB) loads only with a chart. Sizes: README, "The portal".
    chunkSizeWarningLimit: 450,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: "react", test: inNodeModules("react|react-dom|scheduler"), priority: 3 },
            { name: "router", test: inNodeModules("react-router|react-router-dom|cookie|set-cookie-parser"), priority: 2, tags: ["$initial"] },
            { name: "libs", test: /[\\/]node_modules[\\/]/, priority: 1, tags: ["$initial"] },
            // the chart library and what it alone uses: loaded with a chart (React.lazy in the pages)
            { name: "charts", test: inNodeModules("recharts") },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      "/v1": { target: api, changeOrigin: false },
      "/openapi.json": { target: api, changeOrigin: false },
      "/health": { target: api, changeOrigin: false },
    },
  },
});
