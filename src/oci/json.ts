/**
 * JSON from outside, read with a bound on nesting. `JSON.parse` builds every nested array and object
 * before anything can look at them: 4 MiB of `[` makes two million arrays (hundreds of MB, seconds
 * of work) where no manifest nests more than a handful of levels. One pass over the bytes, counting
 * brackets outside strings, refuses such a document first.
 */

/** Far deeper than any manifest, index, config or error body (they nest 5 or 6 levels). */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` nests arrays and objects more than `max` levels deep. */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** `JSON.parse`, refusing (with a SyntaxError, as for any document that is not JSON) one nested too deep. */
export function parseBoundedJson(text: string): unknown {
  if (nestsDeeperThan(text)) throw new SyntaxError(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  return JSON.parse(text);
}
