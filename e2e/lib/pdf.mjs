// The text of a PDF as a reader copies it, by poppler's pdftotext (Debian's poppler-utils,
// which scripts/test installs): the documents embed their font with a ToUnicode map, so the
// text comes back as written — Swedish and Sámi letters included.
import { spawnSync } from "node:child_process";

/** The text of `body` (a Buffer holding a PDF), its lines as laid out. */
export function pdfText(body) {
  const r = spawnSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: body });
  if (r.error) throw new Error(`pdftotext: ${r.error.message} (apt-get install poppler-utils)`);
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.toString("utf8");
}
