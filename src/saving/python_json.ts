// JSON as Python's json module writes it: bare NaN, Infinity and -Infinity are accepted (real Keras configs hold them).

const SENTINEL = '\u0000layerwise-nonfinite:';

/**
 * JSON.parse that also accepts Python's non-standard NaN / Infinity / -Infinity tokens outside strings, read as the
 * JavaScript numbers. Plain JSON parses exactly as JSON.parse does.
 * @example parsePythonJson('{"x": NaN}').x  // NaN
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
  }
  let out = '';
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      // copy the string literal verbatim, escapes included
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(SENTINEL + token);
      i += token.length - 1;
      found = true;
      continue;
    }
    out += ch;
  }
  if (!found) return JSON.parse(text);
  return JSON.parse(out, (_key, value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith(SENTINEL)) return value;
    const token = value.slice(SENTINEL.length);
    return token === 'NaN' ? NaN : token === 'Infinity' ? Infinity : -Infinity;
  });
}
