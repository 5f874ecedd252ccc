import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/renderer", import.meta.url)),
    emptyOutDir: true,
    // Maps stay beside the build for debugging; the built files do not point at them and the dashboard server never
    // serves them (they would hand out the whole source).
    sourcemap: "hidden",
    target: "es2022",
  },
});
