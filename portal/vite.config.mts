import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const root = fileURLToPath(new URL(".", import.meta.url));
const api = process.env.PORTAL_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  root,
  base: "/portal/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/portal", import.meta.url)),
    emptyOutDir: true,
    // The polyfill is an inline script, which the API's Content-Security-Policy refuses.
    modulePreload: { polyfill: false },
    // the entry (React, the router, TanStack Query, i18next and both catalogues) is ~505 kB, ~160 kB
    // gzipped, cached for a year under its hash; the charts load apart with the pages that draw them
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/v1": { target: api, changeOrigin: false },
      "/openapi.json": { target: api, changeOrigin: false },
      "/health": { target: api, changeOrigin: false },
    },
  },
});
