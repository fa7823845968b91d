// The page each table-of-contents entry (nav.toc a[href^="#"]) is expected to start on when printed, or null
// when the page box of the CSS @page rule is not understood. Run with print media emulated: it lays the
// document out as wide as the page's content box and places its content page by page, as Chromium does:
// forced breaks (break-before/after: page) start a page; a line, a table row, an image and a block that
// avoids breaks (break-inside: avoid) move to the next page when they do not fit; a paragraph keeps two
// lines on each side of a break; a table repeats its header on the page it continues on. An estimate
// only: the printed PDF's bookmarks say where the headings are.
async () => {
  const SIZES = {  // CSS named page sizes, portrait, in mm
    a5: [148, 210], a4: [210, 297], a3: [297, 420], b5: [176, 250], b4: [250, 353],
    letter: [215.9, 279.4], legal: [215.9, 355.6], ledger: [279.4, 431.8],
  };
  const FORCED = new Set(['page', 'left', 'right', 'recto', 'verso', 'always']);
  const rules = sheet => { try { return [...sheet.cssRules]; } catch { return []; } };  // another origin's: unread
  const pageRule = [...document.styleSheets].flatMap(rules)
    .find(rule => rule instanceof CSSPageRule && rule.selectorText === '');
  const probe = document.createElement('div');
  probe.style.cssText = 'position:absolute;visibility:hidden;height:0';
  document.body.append(probe);
  const px = length => {  // NaN if not a length
    probe.style.width = '';
    probe.style.width = length;
    return probe.style.width ? probe.getBoundingClientRect().width : NaN;
  };
  const box = () => {  // Letter when no size is given, as printed (Page.printToPDF's default paper)
    const size = (pageRule?.style.getPropertyValue('size') || 'auto').trim().toLowerCase().split(/\s+/);
    const lengths = size.filter(word => /\d/.test(word));
    const name = size.find(word => word in SIZES) ?? (lengths.length ? null : 'letter');
    let [width, height] = name ? SIZES[name].map(mm => px(`${mm}mm`)) : lengths.map(px);
    height = height ?? width;
    if (size.includes('landscape') !== width > height) [width, height] = [height, width];
    const margin = side => px(pageRule?.style.getPropertyValue(`margin-${side}`) || '0');
    return [width - margin('left') - margin('right'), height - margin('top') - margin('bottom')];
  };
  let width, height;
  try { [width, height] = box(); } finally { probe.remove(); }
  if (!(width > 0 && height > 0)) return null;
  await document.fonts.ready;
  const root = document.documentElement;
  const style = root.getAttribute('style');
  root.style.width = `${width}px`;
  try { return place(height); } finally {
    if (style === null) root.removeAttribute('style'); else root.setAttribute('style', style);
  }

  function place(pageHeight) {
    const links = [...document.querySelectorAll('nav.toc a[href^="#"]')];
    const targets = links.map(a => document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))));
    const events = [];  // in document order: {break}, {target}, {top, bottom, line?, head?, empty?}
    walk(document.body, events, new Set(targets), pageHeight);
    let page = 1, pageTop = 0, used = false, waiting = [];
    const pageOf = new Map();
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event.break !== undefined) {
        if (used) { page += 1; pageTop = event.break; used = false; }
      } else if (event.target) {
        waiting.push(event.target);
      } else if (event.empty) {  // a box without content, on the next page if its margin pushed it past this one
        if (used && event.top - pageTop > pageHeight + 0.5) { page += 1; pageTop = event.top; }
        used = true;
      } else {
        if (used && event.bottom - pageTop > pageHeight + 0.5) {
          const start = keepLines(events, i);
          page += 1; pageTop = events[start].top - (events[start].head ?? 0);
          for (const [target, at] of pageOf) if (at.index >= start) pageOf.set(target, {page, index: at.index});
        }
        used = true;
        waiting.forEach(target => pageOf.set(target, {page, index: i}));
        waiting = [];
      }
    }
    waiting.forEach(target => pageOf.set(target, {page, index: events.length}));
    return targets.map(target => (target && pageOf.has(target) ? pageOf.get(target).page : null));
  }

  // Where the page breaks when line ``i`` does not fit: two lines of its paragraph stay on each side.
  function keepLines(events, i) {
    const line = events[i].line;
    if (!line) return i;
    const [index, count] = line;
    if (index === 1 && count >= 2) return i - 1;
    if (count - index === 1 && index >= 3) return i - 1;
    return i;
  }

  function walk(element, events, targets, pageHeight) {
    const style = getComputedStyle(element);
    if (style.display === 'none') return;
    const rect = element.getBoundingClientRect();
    if (FORCED.has(style.breakBefore)) events.push({break: rect.top - leadingMargin(element)});
    if (targets.has(element)) events.push({target: element});
    const whole = element.matches('svg, img, tr') || style.breakInside === 'avoid';
    const before = events.length;
    if (whole && rect.height <= pageHeight) {
      element.querySelectorAll('[id]').forEach(inner => targets.has(inner) && events.push({target: inner}));
      events.push({top: rect.top, bottom: rect.bottom, head: repeatedHead(element)});
    } else {
      const lines = [];
      for (const child of element.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) lines.push(...lineRects(child));
        else if (child.nodeType === Node.ELEMENT_NODE) {
          if (getComputedStyle(child).display.startsWith('inline') && !child.matches('svg, img')) {
            lines.push(...inlineRects(child, events, targets));
          } else { flush(lines, events); walk(child, events, targets, pageHeight); }
        }
      }
      flush(lines, events);
      if (events.length === before) events.push({top: rect.top, bottom: rect.bottom, empty: true});
    }
    if (FORCED.has(style.breakAfter)) events.push({break: rect.bottom});
  }

  // The top margin kept after a forced break before ``element``: its own, or its first children's it collapses with.
  function leadingMargin(element) {
    let margin = 0;
    for (let inner = element; inner; inner = inner.firstElementChild) {
      const style = getComputedStyle(inner);
      margin = Math.max(margin, parseFloat(style.marginTop) || 0);
      if (style.display !== 'block' || parseFloat(style.paddingTop) || parseFloat(style.borderTopWidth)) break;
    }
    return margin;
  }

  function lineRects(node) {
    const range = document.createRange();
    range.selectNodeContents(node);
    return [...range.getClientRects()].filter(r => r.height > 0);
  }

  function inlineRects(element, events, targets) {
    element.querySelectorAll('[id]').forEach(inner => targets.has(inner) && events.push({target: inner}));
    if (targets.has(element)) events.push({target: element});
    return [...element.getClientRects()].filter(r => r.height > 0);
  }

  // The lines of a run of inline content, one event each (rects on one line merged), numbered in their run.
  function flush(rects, events) {
    const lines = [];
    for (const r of rects.sort((a, b) => a.top - b.top)) {
      const last = lines[lines.length - 1];
      if (last && r.top < last.bottom - 0.5) last.bottom = Math.max(last.bottom, r.bottom);
      else lines.push({top: r.top, bottom: r.bottom});
    }
    lines.forEach((line, index) => events.push({...line, line: [index, lines.length]}));
    rects.length = 0;
  }

  // The height of the header a table row's table repeats on the page the row starts.
  function repeatedHead(element) {
    if (!element.matches('tr') || element.closest('thead')) return 0;
    const head = element.closest('table')?.tHead;
    return head ? head.getBoundingClientRect().height : 0;
  }
}
