// Prints the bundle's size, raw and compressed, against the 250 KB budget.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync } from "node:zlib";
const b = readFileSync(new URL("../static/editor.js", import.meta.url));
const gz = gzipSync(b, { level: 9 }).length, br = brotliCompressSync(b).length;
const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log(`editor.js: ${kb(b.length)} raw, ${kb(gz)} gzip, ${kb(br)} brotli; budget 250 KB compressed: ${gz <= 250 * 1024 ? "within" : "OVER"} (${(100 * gz / (250 * 1024)).toFixed(0)}%)`);
if (gz > 250 * 1024) process.exit(1);
