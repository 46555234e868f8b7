// Renders the example batch's three style references from SVG with sharp, so the images in
// resources/examples/fantasy-items/ are reproducible and owned by the project.
// Run from the repo root: node resources/examples/make-refs.mjs
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'fantasy-items');

// One flat palette for all three: the brand DNA the example profile should find.
const P = { ink: '#1d3557', teal: '#2a9d8f', sand: '#e9c46a', coral: '#e76f51', cream: '#f4ecd8', sky: '#a8dadc' };
const S = 512;
const frame = (body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}">
  <rect width="${S}" height="${S}" fill="${P.cream}"/>
  <circle cx="256" cy="256" r="200" fill="${P.sky}" opacity="0.55"/>
  <ellipse cx="256" cy="452" rx="150" ry="22" fill="${P.ink}" opacity="0.18"/>
  <g stroke="${P.ink}" stroke-width="10" stroke-linejoin="round" stroke-linecap="round">${body}</g>
</svg>`;

const refs = {
  'sword.png': frame(`
    <path d="M256 60 L290 110 L290 330 L222 330 L222 110 Z" fill="${P.cream}"/>
    <path d="M256 80 L256 320" stroke="${P.sky}" stroke-width="8"/>
    <rect x="180" y="330" width="152" height="30" rx="12" fill="${P.sand}"/>
    <rect x="238" y="360" width="36" height="70" rx="8" fill="${P.coral}"/>
    <circle cx="256" cy="446" r="20" fill="${P.sand}"/>
    <circle cx="256" cy="345" r="10" fill="${P.teal}" stroke-width="6"/>`),
  'potion.png': frame(`
    <rect x="226" y="92" width="60" height="40" rx="8" fill="${P.sand}"/>
    <rect x="232" y="130" width="48" height="60" fill="${P.cream}"/>
    <path d="M232 190 C150 220 130 300 150 360 C170 420 342 420 362 360 C382 300 362 220 280 190 Z" fill="${P.cream}"/>
    <path d="M146 320 C200 300 312 340 366 320 C370 380 330 420 256 420 C182 420 142 380 146 320 Z" fill="${P.coral}"/>
    <circle cx="215" cy="355" r="14" fill="${P.sand}" stroke-width="6"/>
    <circle cx="290" cy="375" r="9" fill="${P.sand}" stroke-width="6"/>
    <path d="M190 250 C185 270 185 290 190 305" stroke="${P.sky}" stroke-width="8" fill="none"/>`),
  'shield.png': frame(`
    <path d="M256 70 L396 120 C396 280 340 380 256 440 C172 380 116 280 116 120 Z" fill="${P.teal}"/>
    <path d="M256 110 L356 146 C356 270 314 350 256 398 C198 350 156 270 156 146 Z" fill="${P.cream}"/>
    <path d="M256 110 L256 398" stroke-width="8"/>
    <path d="M156 200 L356 200" stroke-width="8"/>
    <circle cx="256" cy="200" r="34" fill="${P.coral}"/>
    <circle cx="256" cy="200" r="12" fill="${P.sand}" stroke-width="6"/>`),
};

await mkdir(out, { recursive: true });
for (const [name, svg] of Object.entries(refs)) {
  const file = join(out, name);
  // Palette PNG: flat art needs few colours, keeping each file far under the 150 KB budget.
  const info = await sharp(Buffer.from(svg)).png({ palette: true, colours: 64, compressionLevel: 9 }).toFile(file);
  console.log(`${file} ${info.width}x${info.height} ${info.size} bytes`);
}
