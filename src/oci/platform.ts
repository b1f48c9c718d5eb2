import type { Platform } from './descriptor.js';
import { InputError } from './errors.js';
import { quoted } from './text.js';

/** Parses `os/arch[/variant]`, as docker and skopeo accept it (`linux/arm64`, `linux/arm/v7`). */
export function parsePlatform(value: string, what = 'platform'): Platform {
  const parts = value.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new InputError(`${what} ${quoted(value)} is not a platform: use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm/v7`);
  }
  const [os, architecture, variant] = parts.map((p) => p.toLowerCase());
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Variants that equal their absence: `arm64` is `arm64/v8`, `arm` defaults to v7 in the field. */
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

/** True when `candidate` (from an index) serves what `wanted` (from the user) asks for. */
export function platformMatches(wanted: Platform, candidate: Platform | undefined): boolean {
  if (!candidate) return false;
  if (wanted.os !== candidate.os.toLowerCase() || wanted.architecture !== candidate.architecture.toLowerCase()) return false;
  if (!wanted.variant) return true;
  const have = candidate.variant?.toLowerCase() ?? DEFAULT_VARIANT[candidate.architecture];
  return have === wanted.variant;
}

/** What a copy takes for its platforms: none, one, or a list. */
export type PlatformsAsked = Platform | readonly Platform[] | undefined;

/** The platforms asked for, as a list (empty when none). */
export function platformList(platform: PlatformsAsked): Platform[] {
  if (!platform) return [];
  return Array.isArray(platform) ? [...(platform as readonly Platform[])] : [platform as Platform];
}
