// Builds static/dist from GOV.UK Frontend and our own Sass: run by `npm run build`.
// The output is generated, so it is not committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dist = join(here, "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const css = sass.compile(join(here, "src", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(dist, "application.css"), css.css);
// The panel pack's own sheet: linked by its printable page, and the only styles of its PDF.
const pack = sass.compile(join(here, "src", "pack.scss"), { style: "compressed" });
writeFileSync(join(dist, "pack.css"), pack.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
// Only the images: the GDS Transport font and the crown are for GOV.UK services alone.
cpSync(join(govuk, "assets", "images", "favicon.ico"), join(dist, "images", "favicon.ico"));
console.log(`Built ${dist}`);
