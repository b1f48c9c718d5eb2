import type { Platform } from '../oci/descriptor.js';
import { InputError } from '../oci/errors.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { Input } from './names.js';
import type { Voice } from './voice.js';

/**
 * The values of settings as the action's inputs and the command line's flags give them: the same
 * checks and the same words for both, each error naming the setting as `voice` says.
 */

/** More than any registry's pull limit: Docker Hub's is 100 to a few thousand per 6 h. */
export const MAX_PULL_BUDGET = 1_000_000;
export const MIN_REQUESTS_PER_SECOND = 0.1;
export const MAX_REQUESTS_PER_SECOND = 10_000;

/** A sync list is a small text file. */
export const MAX_LIST_BYTES = 4 * 1024 * 1024;

/** `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0`, any case; empty is `fallback`. */
export function parseBoolean(value: string, name: string, fallback: boolean, voice: Voice): boolean {
  const v = value.trim().toLowerCase();
  if (!v) return fallback;
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw new InputError(`${voice.input(name)} is ${voice.value(value.trim())}: use true or false`);
}

/** A whole number from `min` to `max`; empty is `fallback`. */
export function parseWholeNumber(value: string, name: string, fallback: number, min: number, max: number, voice: Voice): number {
  const v = value.trim();
  if (!v) return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(`${voice.input(name)} is ${voice.value(v)}: use a whole number from ${min} to ${max}`);
  }
  return Number(v);
}

/** `requests-per-second`: a number from MIN to MAX (decimals allowed), or undefined when empty. */
export function parseRequestsPerSecond(v: string, voice: Voice): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || n < MIN_REQUESTS_PER_SECOND || n > MAX_REQUESTS_PER_SECOND) {
    throw new InputError(
      `${voice.input(Input.RequestsPerSecond)} is ${voice.value(v)}: use a number of requests a second from ${MIN_REQUESTS_PER_SECOND} to ${MAX_REQUESTS_PER_SECOND.toLocaleString('en')} (GHCR allows 2,000 a minute: 30)`,
    );
  }
  return n;
}

/** `linux/amd64`, or a list separated by commas or new lines (`linux/amd64,linux/arm64`), each once. */
export function parsePlatforms(value: string, voice: Voice): Platform | Platform[] | undefined {
  const platforms: Platform[] = [];
  const seen = new Set<string>();
  for (const part of value
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const p = parsePlatform(part, voice.input(Input.Platform));
    const key = formatPlatform(p);
    if (!seen.has(key)) platforms.push(p);
    seen.add(key);
  }
  if (platforms.length === 0) return undefined;
  return platforms.length === 1 ? platforms[0] : platforms;
}

/** Destination references, each given once. */
export function parseDestinations(lines: string[], voice: Voice): Reference[] {
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line))
      throw new InputError(`${voice.input(Input.Destination)} lists ${voice.value(line)} twice: give each destination once`);
    seen.add(line);
  }
  return lines.map((line) => parseReference(line, voice.input(Input.Destination)));
}

/** A registry login as a user gives it. */
export interface Credentials {
  username?: string;
  password?: string;
  /** Where they came from, or would have: `the username and password inputs`, for the 401 message. */
  from: string;
}

/**
 * `check` or `repair`: `true` (HEAD each blob), `deep` (download and hash each blob too), or
 * false / empty (off): the deep flag, or undefined when off.
 */
export function parseIntegrityMode(value: string, name: string, voice: Voice): { deep: boolean } | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'deep') return { deep: true };
  try {
    return parseBoolean(v, name, false, voice) ? { deep: false } : undefined;
  } catch {
    throw new InputError(`${voice.input(name)} is ${voice.value(value.trim())}: use true, deep or false`);
  }
}

/** The job's `integrity` from the `check` and `repair` settings: at most one of them. */
export function integritySetting(
  check: { deep: boolean } | undefined,
  repair: { deep: boolean } | undefined,
  names: { check: string; repair: string },
): { mode: 'check' | 'repair'; deep: boolean } | undefined {
  if (check && repair)
    throw new InputError(
      `${names.check} and ${names.repair} are both given: check only reports (it writes nothing), repair checks and puts back what is missing; choose one`,
    );
  if (check) return { mode: 'check', deep: check.deep };
  if (repair) return { mode: 'repair', deep: repair.deep };
  return undefined;
}
