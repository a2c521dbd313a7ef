/// <reference types="vitest/config" />
import { resolve } from "node:path";
import { build, defineConfig, type Plugin, type Rollup } from "vite";

const root = import.meta.dirname;

function onwarn(warning: Rollup.RollupLog, warn: Rollup.LoggingFunction) {
  // TanStack Query marks its modules "use client" (for React Server Components); harmless here.
  if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
  warn(warning);
}

/**
 * The matrix benchmark page (`make bench`, bench/README.md): bench/matrix.html, built into
 * dist/bench/ after the app by a build of its own, so the app's chunks and CSS order stay
 * exactly what they are without it (a second input would move shared modules into a chunk).
 * Only when GATEHOUSE_BENCH_PAGE=1 (bench/matrix.sh, which removes it again when it ends):
 * the app's own build leaves it out.
 */
function benchPage(): Plugin {
  return {
    name: "gatehouse-bench-page",
    apply: "build",
    async closeBundle() {
      await build({
        configFile: false,
        root,
        clearScreen: false,
        logLevel: "warn",
        esbuild: { jsx: "automatic" },
        build: {
          outDir: "dist",
          emptyOutDir: false,
          target: "es2022",
          minify: true,
          sourcemap: false,
          rollupOptions: { input: { "bench-matrix": resolve(root, "bench/matrix.html") }, onwarn },
        },
      });
    },
  };
}

// No @vitejs/plugin-react: esbuild compiles TSX with the automatic runtime. That also keeps
// the React Refresh preamble (an inline script) out of the page, which the CSP forbids.
export default defineConfig({
  root,
  clearScreen: false,
  esbuild: { jsx: "automatic" },
  server: { port: 5173, strictPort: true },
  plugins: process.env.GATEHOUSE_BENCH_PAGE === "1" ? [benchPage()] : [],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    minify: true,
    sourcemap: false,
    rollupOptions: { onwarn },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // Some tests wait for the UI's real timers (the 3 s re-check of an apply running
    // elsewhere); a loaded CI machine must not turn those into timeouts.
    testTimeout: 20_000,
  },
});
