/**
 * Small SVG charts drawn from figures the core computed (nothing is
 * calculated here but positions): the SVG element helper, the palette, a
 * percentage as staff read it, round axis ticks, and grouped bars by category.
 */
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (the DOM helper makes HTML elements). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export const COLORS = ['#2f6f62', '#d08c2f', '#5b7fbf', '#b4441f'];

/** 0.6364 → "63.6%", null → "—". */
export const pct = (r) => (r == null ? '—' : `${(r * 100).toFixed(1)}%`);

/**
 * The top of an axis that gives round ticks in quarters: 1, 2, 4, 5 or 10 × a power of ten.
 * @param {number} max
 */
export function roundTop(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 4, 5, 10].map((m) => m * p).find((t) => t >= max) ?? 10 * p;
}

/** A chart's caption with its legend. */
export function figure(title, names, svg) {
  return h('figure', { class: 'chart' },
    h('figcaption', {}, title, ' ', names.length > 1 ? names.map((n, k) => h('span', { class: 'legend' }, h('i', { style: `background:${COLORS[k]}` }), n)) : null),
    svg);
}

/**
 * Bars side by side for each category (e.g. this clinic and the industry).
 * @param {{title: string, categories: string[], series: Array<{name: string, values: Array<number|null>}>, percent?: boolean, money?: boolean}} c
 */
export function groupedBars(c) {
  const W = 560; const H = 230; const L = 64; const B = 34; const T = 14;
  const all = c.series.flatMap((se) => se.values.filter((v) => v != null));
  const top = c.percent ? Math.min(1, roundTop(Math.max(0.01, ...all))) : roundTop(Math.max(1, ...all));
  const slot = (W - L - 8) / Math.max(1, c.categories.length);
  const y = (v) => H - B - (v / top) * (H - B - T);
  const label = (v) => (c.percent ? `${Math.round(v * 100)}%` : c.money ? `¥${v.toLocaleString('zh-CN')}` : v.toLocaleString('zh-CN'));
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => s('g', {},
    s('line', { x1: L, x2: W - 8, y1: y(f * top), y2: y(f * top), stroke: '#e3e8e5' }),
    s('text', { x: L - 6, y: y(f * top) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5d6b66' }, label(f * top))));
  const w = (slot * 0.7) / c.series.length;
  const bars = c.categories.map((cat, i) => c.series.map((se, k) => {
    const v = se.values[i];
    if (v == null) return null;
    const x = L + i * slot + slot * 0.15 + k * w;
    return s('rect', { x, y: y(Math.max(0, v)), width: w - 2, height: Math.max(0, y(0) - y(Math.max(0, v))), fill: COLORS[k] },
      s('title', {}, `${cat} ${se.name}：${c.percent ? pct(v) : label(v)}`));
  }));
  // As many characters as the slot holds (a Chinese character is about 12 units wide).
  const fits = Math.max(2, Math.floor(slot / 12.5));
  const names = c.categories.map((cat, i) => s('text', { x: L + (i + 0.5) * slot, y: H - 12, 'text-anchor': 'middle', 'font-size': 12, fill: '#33413c' },
    s('title', {}, cat), [...cat].length > fits ? `${[...cat].slice(0, fits - 1).join('')}…` : cat));
  return figure(c.title, c.series.map((se) => se.name),
    s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': c.title }, grid, bars, names));
}
