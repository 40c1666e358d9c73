// Copies the desktop screenshots the specs saved (artifacts/*-desktop.png)
// to docs/ui/ and rewrites docs/ui.md's gallery between its markers, in the
// order a visitor meets the pages. Run after `npm test`: node gallery.mjs
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "../..");
const pages = [
  ["sign-in", "Sign-in"],
  ["sign-in-refused", "A wrong password, in words"],
  ["my-requests", "My requests"],
  [
    "new-request",
    "The request form, generated from the template's parameter schema, checking as you type",
  ],
  ["request-awaiting", "A request awaiting authorization: timeline and plan"],
  ["inbox", "The authorizer's inbox, the deadline counting down"],
  [
    "authorize",
    "The authorize page: region and profile, the plan property by property, Approve and Reject",
  ],
  ["authorize-replanned", "The plan made again for another region"],
  ["decision-approved", "Approved"],
  ["request-provisioned", "Provisioned: progress bars complete, outputs"],
  [
    "authorize-refused",
    "A requester on the authorize page: told why, nothing to press",
  ],
  ["decision-rejected", "Rejected"],
  ["request-rejected", "The requester sees the rejection and its reason"],
  ["request-timed-out", "No decision in time"],
  ["decision-timed-out", "An authorizer arriving too late"],
  [
    "request-needs-intervention",
    "A stuck resource, with retry, exclude, rollback and abort for operators",
  ],
  ["inbox-operator", "The operator's inbox"],
  ["stack", "A stack: lock holder, queue, drift, requests"],
  ["audit", "The audit trail of a request"],
  ["not-found", "An unknown page"],
  ["request-not-found", "A request one may not see"],
];
mkdirSync(path.join(root, "docs/ui"), { recursive: true });
const lines = [];
for (const [name, caption] of pages) {
  const source = path.join(here, "artifacts", `${name}-desktop.png`);
  if (!existsSync(source)) continue;
  copyFileSync(source, path.join(root, "docs/ui", `${name}.png`));
  lines.push(`**${caption}**\n\n![${caption}](ui/${name}.png)\n`);
}
const doc = path.join(root, "docs/ui.md");
const text = readFileSync(doc, "utf8");
const start = "<!-- gallery: tests/e2e/gallery.mjs writes this -->";
const end = "<!-- end of gallery -->";
const before = text.slice(0, text.indexOf(start) + start.length);
const after = text.slice(text.indexOf(end));
writeFileSync(doc, `${before}\n\n${lines.join("\n")}\n${after}`);
console.log(`${lines.length} screenshots in docs/ui/`);
