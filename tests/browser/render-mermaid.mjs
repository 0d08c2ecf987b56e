// Renders Mermaid diagrams with the real mermaid package in headless Chromium, as GitHub does.
//
//   node render-mermaid.mjs <dir>
//
// Reads every <dir>/*.mmd, and for each one calls mermaid.parse, reads Mermaid's own edge list (so callers can check
// linkStyle indices against Mermaid's), calls mermaid.render, writes <name>.svg beside it, and reports the stroke style
// of every drawn link, the classes, label text and computed fill of every node (the SVG is put in the page for that, as
// GitHub puts it), and every element or attribute in the SVG that could run or fetch something (markup that reached
// the drawing from a label). Prints one JSON document on stdout:
//   { "results": [ { "file", "ok", "error", "edges": [{start,end,text,style}], "paths": [{id,style}],
//                    "nodes": [{id,classes,text,fill}], "markup": ["<img src>", "onerror", ...] } ] }
// Exit code 0 when it ran (diagram errors are in the JSON), 2 when it could not run at all.
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2];
if (!dir) {
  console.error('usage: node render-mermaid.mjs <directory with .mmd files>');
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.mmd')).sort();
const diagrams = files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));

const userDataDir = mkdtempSync(join(tmpdir(), 'sa-chromium-'));
let context;
try {
  // A persistent context is how playwright takes a fresh --user-data-dir.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.SESSIONANALYTICS_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Nothing may come from the network: the diagrams must render from the package alone.
  await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ path: join(here, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js') });

  const results = await page.evaluate(async (items) => {
    const mermaid = globalThis.mermaid;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: true } });
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const { file, text } = items[i];
      const result = { file, ok: false, error: null, edges: [], paths: [], nodes: [], markup: [], svg: null };
      try {
        // parse throws on any syntax error (suppressErrors is off by default).
        await mermaid.parse(text);
        const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
        if (typeof diagram.db.getEdges === 'function') {
          result.edges = diagram.db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text ?? '', style: (e.style ?? []).join(';') }));
        }
        const { svg } = await mermaid.render(`diagram${i}`, text);
        // Read back as the browser reads it when GitHub puts it in a page.
        const doc = document.createElement('div');
        doc.innerHTML = svg;
        if (!doc.querySelector('svg')) throw new Error('mermaid produced no <svg>');
        if (/Syntax error in text/i.test(svg)) throw new Error('mermaid rendered its syntax-error picture');
        document.body.appendChild(doc);
        result.paths = [...doc.querySelectorAll('path.flowchart-link')].map((p) => ({ id: p.id, style: p.getAttribute('style') ?? '' }));
        result.nodes = [...doc.querySelectorAll('g.node')].map((g) => {
          const shape = g.querySelector('rect, polygon, circle, ellipse, path');
          return {
            id: g.id,
            classes: g.getAttribute('class') ?? '',
            text: (g.textContent ?? '').trim(),
            fill: shape ? getComputedStyle(shape).fill : '',
          };
        });
        // Anything a label could smuggle in: elements that load or run, and event-handler or script-URL attributes.
        for (const el of doc.querySelectorAll('img, script, iframe, object, embed, a, image')) {
          const tag = el.tagName.toLowerCase();
          if (['img', 'script', 'iframe', 'object', 'embed', 'image', 'a'].includes(tag)) result.markup.push('<' + tag + '>');
        }
        for (const el of doc.querySelectorAll('*')) {
          for (const a of el.attributes) {
            if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) result.markup.push(a.name);
          }
        }
        doc.remove();
        result.svg = svg;
        result.ok = true;
      } catch (e) {
        result.error = String(e && e.message ? e.message : e);
      }
      out.push(result);
    }
    return out;
  }, diagrams);

  for (const r of results) {
    if (r.svg) writeFileSync(join(dir, r.file.replace(/\.mmd$/, '.svg')), r.svg);
    delete r.svg;
  }
  process.stdout.write(JSON.stringify({ results }));
} catch (e) {
  console.error(String(e && e.stack ? e.stack : e));
  process.exitCode = 2;
} finally {
  if (context) await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
