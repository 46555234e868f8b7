import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, screenshot } from './harness.ts';

/** The laptop/desktop sizes every screen must hold at (issue 12 bullet 10), plus the suite's own 1280×800 (where the ETA card once clipped). */
export const SIZES = [
  { name: '1024x700', width: 1024, height: 700 },
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
] as const;

const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: string[] }

/** Runs axe-core in the page (WCAG 2 A/AA rules) and returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not as an inline <script>: the app's CSP
  // (script-src 'self') rightly blocks inline scripts, and the scan must not weaken it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE}\n;void 0`);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Layout defects a screenshot shows: a control wider than its scroll container's visible box
 * (clipped), buttons/inputs overlapping each other, or content spilling out of the window
 * sideways. Returns one line per defect.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  // A plain script string: tsx would inject its __name helper into a function body, which does
  // not exist in the page.
  return page.evaluate(LAYOUT_SCRIPT) as Promise<string[]>;
}

const LAYOUT_SCRIPT = `(() => {
  const problems = [];
  function name(el) {
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + cls + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) problems.push('page scrolls sideways: ' + doc.scrollWidth + ' > ' + doc.clientWidth);
  const controls = [...document.querySelectorAll('button, input, select, textarea, [role="tab"], label.check')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  });
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    // Clipped: a button narrower than its content whose text does not end in an ellipsis.
    if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 2 && cs.textOverflow !== 'ellipsis' && cs.overflow !== 'visible') problems.push('clipped ' + name(el) + ': content ' + el.scrollWidth + 'px in ' + el.clientWidth + 'px');
    if (r.right > window.innerWidth + 1) problems.push('off-screen ' + name(el) + ': right edge ' + Math.round(r.right) + ' > ' + window.innerWidth);
  }
  // Tiles and count cells must stay inside their strip (no tile cut off at the edge).
  for (const el of document.querySelectorAll('dl.counts > div, .tiles > *, .stat-tile')) {
    const r = el.getBoundingClientRect();
    const p = el.parentElement.getBoundingClientRect();
    if (r.width > 0 && (r.right > p.right + 1 || r.right > window.innerWidth + 1)) problems.push('overflowing tile ' + name(el) + ': right edge ' + Math.round(r.right) + ' > ' + Math.round(Math.min(p.right, window.innerWidth)));
  }
  // A number in a count card or tile must fit its box (an ETA once spilled out of its card).
  for (const el of document.querySelectorAll('dl.counts dd, .stat-tile .stat-value')) {
    if (el.scrollWidth > el.clientWidth + 1) problems.push('clipped value ' + name(el) + ': content ' + el.scrollWidth + 'px in ' + el.clientWidth + 'px');
  }
  // Overlays are meant to cover the page (dialogs, toasts, the sticky start bar and banner):
  // overlap is only a defect between controls in the normal flow.
  function floating(el) {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const p = getComputedStyle(e).position;
      if (p === 'fixed' || p === 'sticky' || e.getAttribute('role') === 'dialog') return true;
    }
    return false;
  }
  const boxes = controls.filter((el) => !floating(el)).map((el) => ({ el, r: el.getBoundingClientRect() }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 4 && y > 4) problems.push('overlap ' + name(a.el) + ' x ' + name(b.el) + ' (' + Math.round(x) + 'x' + Math.round(y) + ' px)');
    }
  }
  return problems.slice(0, 20);
})()`;

/** Screenshot + axe + layout check of the current screen at every size; returns what failed. */
export async function checkAtAllSizes(page: Page, label: string): Promise<string[]> {
  const failures: string[] = [];
  // Outcome toasts of earlier steps would sit over the screenshots: dismiss them first.
  await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toasts button[aria-label="Dismiss"]').forEach((b) => b.click()));
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.waitForTimeout(150);
    await screenshot(page, `${label}@${size.name}`);
    for (const p of await layoutProblems(page)) failures.push(`${label}@${size.name}: ${p}`);
    for (const v of await axeSerious(page)) failures.push(`${label}@${size.name}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
  }
  return failures;
}
