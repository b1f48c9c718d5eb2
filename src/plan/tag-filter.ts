import semver from 'semver';
import { isAttachmentTag } from '../oci/referrer-kinds.js';
import { quoted } from '../oci/text.js';

/**
 * Which tags of a repository a sync entry takes: allow and deny regexes that match the whole tag,
 * a semver range over the tags that read as versions, and the N highest versions of what is left.
 */
export interface TagFilter {
  /** Any of them selects a tag; none given selects every tag. */
  include: RegExp[];
  /** Any of them drops a tag. */
  exclude: RegExp[];
  /** An npm `semver` range; tags that do not read as versions are dropped when it is given. */
  semver?: string;
  /** After the other filters, the tags of the N highest versions. */
  latest?: number;
}

/** `[v]MAJOR[.MINOR[.PATCH]][-PRE]`: missing parts are 0, leading zeros are numbers (`2024.01` is 2024.1.0). */
const VERSION_TAG = /^v?([0-9]{1,9})(?:\.([0-9]{1,9}))?(?:\.([0-9]{1,9}))?(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;

/**
 * A tag read as a version (`3.18` is 3.18.0), in the library's own type: a user of the declarations
 * needs no `@types/semver`.
 */
export interface TagVersion {
  /** `3.18.0`, `3.20.0-rc1` */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: ReadonlyArray<string | number>;
}

/** The version a tag reads as, or undefined when it does not read as one. */
export function tagVersion(tag: string): TagVersion | undefined {
  return semverOf(tag);
}

function semverOf(tag: string): semver.SemVer | undefined {
  const m = VERSION_TAG.exec(tag);
  if (!m) return undefined;
  const core = [m[1], m[2] ?? '0', m[3] ?? '0'].map((n) => String(Number(n))).join('.');
  const pre = m[4]
    ? `-${m[4]
        .split('.')
        .map((p) => (/^[0-9]+$/.test(p) ? String(Number(p)) : p))
        .join('.')}`
    : '';
  return semver.parse(`${core}${pre}`) ?? undefined;
}

/** A regex that must match a whole tag, as regsync reads them: `3\.1[0-9]` means exactly that. */
export function wholeTagRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

/** The pattern a `wholeTagRegex` was made from, as the user wrote it. */
function patternOf(re: RegExp): string {
  const m = /^\^\(\?:([\s\S]*)\)\$$/.exec(re.source);
  return (m ? m[1] : re.source).replace(/\\\//g, '/');
}

/** The filters in the words of a list entry: `tags "3\.1.*"`, `exclude-tags "rc.*"`, `semver ">=3"`, `latest 2`; none when it takes every tag. */
export function describeFilter(filter: TagFilter): string[] {
  const list = (res: RegExp[]) => res.map((re) => quoted(patternOf(re), 200)).join(', ');
  return [
    ...(filter.include.length ? [`tags ${list(filter.include)}`] : []),
    ...(filter.exclude.length ? [`exclude-tags ${list(filter.exclude)}`] : []),
    ...(filter.semver !== undefined ? [`semver ${quoted(filter.semver, 200)}`] : []),
    ...(filter.latest !== undefined ? [`latest ${filter.latest}`] : []),
  ];
}

/** A tag's characters, and the two wildcards. */
const GLOB = /^[A-Za-z0-9_.*?-]{1,256}$/;

/**
 * A glob over whole tags: `*` any run of characters (none too), `?` one; everything else stands for
 * itself (a `.` is a dot). Undefined when `pattern` has characters no tag has (`v[0-9]+`, `^v.*$`):
 * it was written as a regular expression.
 */
export function tagGlob(pattern: string): RegExp | undefined {
  if (!GLOB.test(pattern)) return undefined;
  const body = pattern.replace(/[.*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : '\\.'));
  return new RegExp(`^${body}$`);
}

/** Whether `range` is an npm semver range this filter can use. */
export function isSemverRange(range: string): boolean {
  return semver.validRange(range) !== null;
}

/**
 * The tags `filter` selects, versions highest first, then the rest in alphabetical order.
 * Attachment tags are never selected.
 */
export function selectTags(tags: readonly string[], filter: TagFilter): string[] {
  // cosign's attachment tags and referrers-schema indexes travel with their image when `referrers` is on.
  let kept = [...new Set(tags)].filter((t) => !isAttachmentTag(t));
  if (filter.include.length) kept = kept.filter((t) => filter.include.some((re) => re.test(t)));
  if (filter.exclude.length) kept = kept.filter((t) => !filter.exclude.some((re) => re.test(t)));
  const versions = new Map<string, semver.SemVer>();
  for (const t of kept) {
    const v = semverOf(t);
    if (v) versions.set(t, v);
  }
  if (filter.semver !== undefined) {
    const range = filter.semver;
    kept = kept.filter((t) => {
      const v = versions.get(t);
      return v !== undefined && semver.satisfies(v, range);
    });
  }
  if (filter.latest !== undefined) {
    // The N highest distinct versions: `3.20` and `3.20.0` are one version and both are kept.
    const highest = [...new Set(kept.filter((t) => versions.has(t)).map((t) => versions.get(t)!.version))]
      .sort((a, b) => semver.rcompare(a, b))
      .slice(0, filter.latest);
    const chosen = new Set(highest);
    kept = kept.filter((t) => versions.has(t) && chosen.has(versions.get(t)!.version));
  }
  return kept.sort((a, b) => {
    const va = versions.get(a);
    const vb = versions.get(b);
    if (va && vb) return semver.rcompare(va, vb) || a.localeCompare(b);
    if (va) return -1;
    if (vb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
