// Vite builds the single-page app into dist/, which provisio-api serves
// (PROVISIO_UI_DIR). `npm run dev` proxies /api to a running API
// (PROVISIO_API_URL, default http://127.0.0.1:8080) so that cookies and the
// Origin check see one origin.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const apiUrl = process.env.PROVISIO_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [svelte()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { "/api": { target: apiUrl, changeOrigin: false } },
  },
  preview: {
    proxy: { "/api": { target: apiUrl, changeOrigin: false } },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
