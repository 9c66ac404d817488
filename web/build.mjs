// Builds the viewer into dist/: index.html, style.css and one app.js.
// Deterministic: the same sources and lockfile give the same bytes.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

const here = new URL(".", import.meta.url).pathname;
rmSync(`${here}dist`, { recursive: true, force: true });
mkdirSync(`${here}dist`);
await build({
  absWorkingDir: here,
  entryPoints: [`${here}src/main.ts`],
  bundle: true,
  format: "iife",
  target: "es2022",
  outfile: `${here}dist/app.js`,
  legalComments: "eof",
  logLevel: "warning",
});
copyFileSync(`${here}index.html`, `${here}dist/index.html`);
copyFileSync(`${here}style.css`, `${here}dist/style.css`);
