// Test helper: a minimal XML well-formedness parser (tag balance, quoted unique attributes, entities, one root).
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated direct text content, entities decoded. */
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_.:]*/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;

function decode(s: string, where: number): string {
  const stripped = s.replace(ENTITY, '');
  if (stripped.includes('&')) throw new Error(`XML: bare '&' or unknown entity near offset ${where}`);
  if (stripped.includes('<')) throw new Error(`XML: raw '<' in text near offset ${where}`);
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#x([0-9A-Fa-f]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d: string) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');
}

/** Parses `src`, throwing on any well-formedness violation; returns the root element. */
export function parseXml(src: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  while (i < src.length) {
    if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i);
      if (end < 0) throw new Error(`XML: unterminated processing instruction at ${i}`);
      i = end + 2;
    } else if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) throw new Error(`XML: unterminated comment at ${i}`);
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i);
      if (end < 0 || stack.length === 0) throw new Error(`XML: bad CDATA at ${i}`);
      stack[stack.length - 1].text += src.slice(i + 9, end);
      i = end + 3;
    } else if (src.startsWith('<!DOCTYPE', i)) {
      const end = src.indexOf('>', i);
      i = end + 1;
    } else if (src.startsWith('</', i)) {
      const m = NAME.exec(src.slice(i + 2));
      const end = src.indexOf('>', i);
      if (!m || end < 0 || src.slice(i + 2 + m[0].length, end).trim() !== '') throw new Error(`XML: malformed end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`XML: </${m[0]}> at ${i} does not close <${open?.name ?? '(nothing)'}>`);
      i = end + 1;
    } else if (src[i] === '<') {
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new Error(`XML: malformed start tag at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      let j = i + 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(j))![0].length;
        j += ws;
        if (src.startsWith('/>', j) || src[j] === '>') break;
        if (ws === 0) throw new Error(`XML: expected whitespace before an attribute at ${j}`);
        const a = /^([A-Za-z_:][-A-Za-z0-9_.:]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(src.slice(j));
        if (!a) throw new Error(`XML: malformed attribute in <${el.name}> at ${j}: ${JSON.stringify(src.slice(j, j + 30))}`);
        if (a[1] in el.attrs) throw new Error(`XML: duplicate attribute ${a[1]} in <${el.name}> at ${j}`);
        el.attrs[a[1]] = decode(a[3] ?? a[4], j);
        j += a[0].length;
      }
      const selfClosing = src.startsWith('/>', j);
      if (stack.length > 0) stack[stack.length - 1].children.push(el);
      else if (root) throw new Error(`XML: second root element <${el.name}> at ${i}`);
      else root = el;
      if (!selfClosing) stack.push(el);
      i = j + (selfClosing ? 2 : 1);
    } else {
      const next = src.indexOf('<', i);
      const text = src.slice(i, next < 0 ? src.length : next);
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`XML: text outside the root element at ${i}`);
      } else {
        stack[stack.length - 1].text += decode(text, i);
      }
      i = next < 0 ? src.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`XML: unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('XML: no root element');
  return root;
}

/** All elements in document order. */
export function walk(el: XmlElement, out: XmlElement[] = []): XmlElement[] {
  out.push(el);
  for (const c of el.children) walk(c, out);
  return out;
}

/** Text of every <text> element inside a group whose class includes `role` (e.g. 'role-axis-label'). */
export function textsIn(root: XmlElement, role: string): string[] {
  const out: string[] = [];
  const visit = (el: XmlElement, inside: boolean): void => {
    const here = inside || (el.attrs.class ?? '').split(/\s+/).includes(role);
    if (here && el.name === 'text') out.push(el.text);
    for (const c of el.children) visit(c, here);
  };
  visit(root, false);
  return out;
}

/** Parses an SVG document and checks its root. */
export function parseSvg(svg: string): XmlElement {
  const root = parseXml(svg);
  if (root.name !== 'svg' || root.attrs.xmlns !== 'http://www.w3.org/2000/svg') {
    throw new Error(`expected an <svg xmlns="http://www.w3.org/2000/svg"> root, received <${root.name}>`);
  }
  return root;
}
