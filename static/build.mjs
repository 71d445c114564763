// Builds static/dist from GOV.UK Frontend, our own Sass and our own scripts: run by
// `npm run build`. The output is generated, so it is not committed.
//
// Every file a page links to is written under a name that carries a hash of its content
// (application.3f2a9c1b7d4e.css), so it can be kept by browsers for a year (immutable):
// a changed file is a new name. manifest.json maps each plain name to its hashed one; the
// app reads it once at start (tracker/assets.py). Each file also gets a .gz and a .br beside
// it, which WhiteNoise serves to browsers that accept them, so nothing is compressed per request.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dist = join(here, "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "images"), { recursive: true });

const manifest = {};

function hashed(name, content) {
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const dot = name.indexOf(".");
  const file = `${name.slice(0, dot)}.${digest}${name.slice(dot)}`;
  writeFileSync(join(dist, file), content);
  writeFileSync(join(dist, `${file}.gz`), gzipSync(content, { level: 9 }));
  writeFileSync(join(dist, `${file}.br`), brotliCompressSync(content));
  manifest[name] = file;
  return file;
}

const css = sass.compile(join(here, "src", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
hashed("application.css", css.css);
// The panel pack's own sheet: linked by its printable page, and the only styles of its PDF.
hashed("pack.css", sass.compile(join(here, "src", "pack.scss"), { style: "compressed" }).css);

// Scripts: GOV.UK Frontend first, then ours, each module's imports rewritten to the hashed
// names of what it imports (so a module's hash covers its imports' hashes too).
hashed("govuk-frontend.min.js", readFileSync(join(govuk, "govuk-frontend.min.js")));
const scripts = join(here, "js");
const pending = readdirSync(scripts).filter((name) => /\.m?js$/.test(name));
const importOf = /(from\s*|import\s*)"\.\.?\/(?:dist\/|js\/)?([\w.-]+)"/g;
while (pending.length) {
  const ready = pending.findIndex((name) => {
    const text = readFileSync(join(scripts, name), "utf8");
    return [...text.matchAll(importOf)].every((m) => manifest[m[2]]);
  });
  if (ready < 0) throw new Error(`Unresolved imports among ${pending.join(", ")}`);
  const [name] = pending.splice(ready, 1);
  const text = readFileSync(join(scripts, name), "utf8");
  hashed(name, text.replace(importOf, (_, lead, file) => `${lead}"./${manifest[file]}"`));
}

// Only the images: the GDS Transport font and the crown are for GOV.UK services alone.
writeFileSync(join(dist, "images", "favicon.ico"), readFileSync(join(govuk, "assets", "images", "favicon.ico")));
writeFileSync(join(dist, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Built ${dist}`);
