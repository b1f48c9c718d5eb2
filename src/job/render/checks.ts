import type { ItemOutcome } from '../outcome/outcome.js';

/** What the checks say of an image, a line each, in the order they ran; `told`: less what the log said as they ran. */
export function checkLines(r: ItemOutcome, told = false): string[] {
  return r.presented.flatMap((p) => p.logLines(r, told));
}

/** The same lines, each with where a summary lists it (`Signatures`) and its mark. */
export function markedCheckLines(r: ItemOutcome): Array<{ heading: string; mark: string; line: string }> {
  return r.presented.flatMap((p) => p.logLines(r, false).map((line) => ({ heading: p.heading, mark: p.mark, line })));
}

/** Short phrases for the image's row of a summary table, each with its mark. */
export function checkCells(r: ItemOutcome): Array<{ mark: string; text: string }> {
  return r.presented.flatMap((p) => p.summaryCells().map((text) => ({ mark: p.mark, text })));
}

/**
 * The checks' parts of the image's JSON record, by key: fields of checks sharing a key merged in
 * the order they ran, a field given twice keeping the first.
 */
export function jsonParts(r: ItemOutcome): Record<string, Record<string, unknown>> {
  const parts: Record<string, Record<string, unknown>> = {};
  for (const p of r.presented) {
    const part = p.json();
    if (!part) continue;
    const fields = (parts[part.key] ??= {});
    for (const [name, value] of Object.entries(part.fields)) if (!(name in fields)) fields[name] = value;
  }
  return parts;
}

/** What the checks wrote to a destination that otherwise got nothing (`the signature above`), if they did. */
export function checksWrote(r: ItemOutcome): string | undefined {
  const wrote = r.presented.map((p) => p.wrote()).filter((w): w is string => !!w);
  return wrote.length ? wrote.join(' and ') : undefined;
}
