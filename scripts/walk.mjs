// Compares two coverlet Cobertura reports (without, then with a Slack Approve click) and prints every source file of
// ours with a line that ran more often with the click: the files the click touched. Usage: node walk.mjs BASE CLICK
import { readFileSync } from "node:fs";

function hits(file) {
  const counts = new Map();
  let current = null;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const cls = line.match(/<class [^>]*filename="([^"]+)"/);
    if (cls) { current = cls[1]; continue; }
    const hit = current && line.match(/<line number="(\d+)" hits="(\d+)"/);
    if (!hit) continue;
    const key = `${current}:${hit[1]}`;
    counts.set(key, Math.max(counts.get(key) ?? 0, Number(hit[2])));
  }
  return counts;
}

const [base, click] = process.argv.slice(2).map(hits);
const files = new Map();
for (const [key, n] of click) {
  const before = base.get(key) ?? 0;
  if (n <= before) continue;
  const file = key.slice(0, key.lastIndexOf(":"));
  const f = files.get(file) ?? { more: 0, onlyWithClick: 0 };
  f.more++;
  if (before === 0) f.onlyWithClick++;
  files.set(file, f);
}
const sorted = [...files].filter(([file]) => !file.includes("/obj/")).sort(([a], [b]) => a.localeCompare(b));
console.log("lines  only-with-click  file");
for (const [file, f] of sorted) console.log(`${String(f.more).padStart(5)}  ${String(f.onlyWithClick).padStart(15)}  ${file}`);
const byProject = new Map();
for (const [file] of sorted) byProject.set(file.split("/")[0], (byProject.get(file.split("/")[0]) ?? 0) + 1);
console.log(`\n${sorted.length} files: ` + [...byProject].map(([p, n]) => `${p} ${n}`).join(", "));
