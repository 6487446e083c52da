// sha256sum lists (SHA256SUMS files): browser-safe.

/** Parses `sha256sum` output ("<hex>  <name>" lines, '*' binary marker allowed) into name -> hex. */
export function parseChecksums(text: string, source = 'SHA256SUMS'): Map<string, string> {
  const sums = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(trimmed);
    if (!m) throw new Error(`${source}: line ${i + 1} is not "<sha256 hex>  <file name>": ${JSON.stringify(line)}`);
    sums.set(m[2].trim(), m[1].toLowerCase());
  });
  return sums;
}
