/**
 * results.svg: one group of horizontal bars per workload, one bar per peer, the length its
 * primary metric's ratio to raw node:net on a log scale (1.0 = raw node:net, drawn as a line;
 * right of it = better). Plain SVG text, no chart library.
 */
import type { Impl } from "./peers.js";
import { fmt, rated } from "./rounds.js";
import type { Results } from "./report.js";

const COLORS: Record<Impl, string> = {
  raw: "#9e9e9e",
  wasock: "#1f77b4",
  native: "#2ca02c",
  php: "#8c564b",
  jco: "#d62728",
  wasmer: "#9467bd",
};

const MIN = 0.01, MAX = 4;
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function chart(r: Results): string {
  const labelW = 260, plotW = 560, valueW = 70, left = 10, bar = 14, gap = 4, groupGap = 30, top = 70;
  const x = (v: number): number => labelW + (plotW * (Math.log10(Math.min(Math.max(v, MIN), MAX)) - Math.log10(MIN))) / (Math.log10(MAX) - Math.log10(MIN));
  const parts: string[] = [];
  let y = top;
  for (const w of r.workloads) for (const m of rated(w)) {
    const rows = w.peers;
    if (!rows.some((p) => Number.isFinite(p.median[m.key]))) continue;
    parts.push(`<text x="${left}" y="${y + 12}" class="h">${esc(w.title)} — ${esc(m.label)} (${m.better} is better; bar: right = better)</text>`);
    y += 22;
    for (const p of rows) {
      const ratio = p.id === p.baseline && Number.isFinite(p.median[m.key]) ? 1 : p.ratio[m.key]!;
      parts.push(`<text x="${labelW - 6}" y="${y + bar - 3}" class="l">${esc(p.name)}</text>`);
      if (Number.isFinite(ratio)) {
        const clipped = ratio > MAX ? " ▸" : "";
        parts.push(`<rect x="${x(MIN)}" y="${y}" width="${Math.max(1, x(ratio) - x(MIN)).toFixed(1)}" height="${bar}" fill="${COLORS[p.impl]}"/>`);
        parts.push(`<text x="${labelW + plotW + 6}" y="${y + bar - 3}" class="v">${fmt(ratio, 2)}×${clipped} · ${fmt(p.median[m.key], m.digits ?? 1)} ${esc(m.unit)}</text>`);
      } else {
        const why = Number.isFinite(p.median[m.key]) ? "no baseline" : p.notes.length || p.errors.length ? "not measured (see results.json)" : "not measured";
        parts.push(`<text x="${x(MIN) + 4}" y="${y + bar - 3}" class="v" fill="#888">— ${esc(why)}</text>`);
      }
      y += bar + gap;
    }
    y += groupGap - gap;
  }
  const height = y + 10;
  const grid = [0.01, 0.03, 0.1, 0.3, 1, 3].map((t) => {
    const gx = x(t).toFixed(1);
    return `<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${height - 20}" class="${t === 1 ? "one" : "g"}"/><text x="${gx}" y="${top - 12}" class="t">${t}×</text>`;
  });
  const legend = (Object.keys(COLORS) as Impl[]).map((k, i) =>
    `<rect x="${left + i * 120}" y="30" width="12" height="12" fill="${COLORS[k]}"/><text x="${left + i * 120 + 16}" y="40" class="k">${{ raw: "raw node:net", wasock: "wasock", native: "native (gcc)", php: "PHP sockets", jco: "preview2-shim", wasmer: "@wasmer/sdk" }[k]}</text>`,
  );
  const width = labelW + plotW + valueW + 130;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<style>.h{font-size:13px;font-weight:bold}.l{font-size:11px;text-anchor:end}.v{font-size:11px}.t{font-size:10px;text-anchor:middle;fill:#555}.k{font-size:11px}.g{stroke:#ddd}.one{stroke:#333;stroke-dasharray:4 2}</style>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="15" font-weight="bold">wasock benchmark suite — ratio to raw node:net on the same runtime (log scale), ${esc(r.date.slice(0, 10))}, ${r.machine.cpus} × ${esc(r.machine.model)}</text>`,
    ...legend,
    ...grid,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
