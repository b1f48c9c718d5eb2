import { InputError } from './errors.js';
import { editDistance } from './spelling.js';
import { quoted } from './text.js';

/** The transports references may name, as they are written. */
const KNOWN = ['docker://', 'oci:', 'oci-archive:', 'docker-archive:'];

/** skopeo's other transports, and what to do instead. */
const ELSEWHERE: Record<string, string> = {
  'docker-daemon': 'export the image with `docker save IMAGE -o app.tar` and copy from docker-archive:app.tar, or push it to a registry',
  'containers-storage': 'export the image with `podman save --format oci-archive -o app.tar IMAGE` and copy from oci-archive:app.tar',
  dir: 'use oci:PATH, an OCI image-layout directory (`skopeo copy dir:PATH oci:PATH` converts one)',
  ostree: 'copy the image to oci:PATH or oci-archive:FILE with skopeo first',
  sif: 'copy the image to oci:PATH or oci-archive:FILE with skopeo first',
  tarball: 'use oci-archive:FILE for an OCI layout in a tar file, or docker-archive:FILE for what `docker save` writes',
};

/** name:tag[,tag…] on Docker Hub: `alpine:3.19`, `node:20,lts`. */
const TAGGED = /^[A-Za-z0-9_][A-Za-z0-9_.,-]*$/;

/**
 * Refuses a reference that starts with a transport this tool does not have: a word before `:`
 * with no `/`, `.` or `[` (so not a registry host) and no port after it, unless it reads as a
 * Docker Hub `name:tag` and is not a near miss of a transport (`oci-achive:app.tar`). skopeo's other
 * transports are named as not supported, with what to use. The known transports pass, to be parsed.
 */
export function checkTransport(value: string, what: string, forms: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    if (scheme[1] !== 'docker') throw unknown(value, scheme[1], what, forms);
    return;
  }
  const name = value.replace(/@.*$/, '');
  const colon = name.indexOf(':');
  if (colon <= 0) return;
  const word = name.slice(0, colon);
  const rest = name.slice(colon + 1);
  if (/[/.[\]]/.test(word) || word === 'localhost' || /^[0-9]+(\/|$)/.test(rest)) return;
  // `docker:27` is Docker Hub's docker image; the file transports were parsed before this check.
  if (word === 'docker') return;
  if (Object.hasOwn(ELSEWHERE, word)) {
    throw new InputError(`${what} ${quoted(value)} uses skopeo's ${word}: transport, which oci-copy does not have: ${ELSEWHERE[word]}`);
  }
  if (TAGGED.test(rest) && nearest(word) === undefined) return;
  throw unknown(value, word, what, forms);
}

function unknown(value: string, word: string, what: string, forms: string): InputError {
  const near = nearest(word);
  const hint = near ? `did you mean ${near}? ` : '';
  return new InputError(`${what} ${quoted(value)} has unknown transport ${quoted(word)}: ${hint}${forms}`);
}

/** The transport within a typo or two of `word` (one for short words; case does not count), if any but itself. */
function nearest(word: string): string | undefined {
  const limit = word.length <= 4 ? 1 : 2;
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of [...KNOWN, ...Object.keys(ELSEWHERE).map((t) => `${t}:`)]) {
    const bare = name.replace(/:(\/\/)?$/, '');
    const distance = bare === word ? limit + 1 : editDistance(lower, bare);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
