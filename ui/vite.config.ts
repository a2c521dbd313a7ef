/// <reference types="vitest/config" />
import { resolve } from "node:path";
import { defineConfig } from "vite";

// No @vitejs/plugin-react: esbuild compiles TSX with the automatic runtime. That also keeps
// the React Refresh preamble (an inline script) out of the page, which the CSP forbids.
export default defineConfig({
  root: import.meta.dirname,
  clearScreen: false,
  esbuild: { jsx: "automatic" },
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    minify: true,
    sourcemap: false,
    rollupOptions: {
      // The app, and the matrix benchmark page (`make bench`, bench/README.md) next to it.
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        "bench-matrix": resolve(import.meta.dirname, "bench/matrix.html"),
      },
      onwarn(warning, warn) {
        // TanStack Query marks its modules "use client" (for React Server Components); harmless here.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
