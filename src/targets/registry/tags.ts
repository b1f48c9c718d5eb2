import { NotFoundError } from '../../oci/errors.js';
import { isTag } from '../../oci/reference.js';
import { pullScope } from './auth.js';
import { during, type RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { discard, header, readBody } from './http.js';
import { parseBoundedJson } from '../../oci/json.js';
import { printable } from '../../oci/text.js';

/** Tags asked for per page; registries that page (GHCR, Docker Hub) cap it themselves. */
const PAGE_SIZE = 1000;
/** One page of a tag list is a small JSON document. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** No registry has this many pages of tags: a `Link` chain longer than this is a loop. */
export const MAX_TAG_PAGES = 10_000;

/**
 * Every tag of a repository, through `GET /v2/<repo>/tags/list`, following `Link: <…>; rel="next"`
 * from page to page (GHCR and Docker Hub page their lists; distribution answers all at once). Each
 * tag once, in the registry's order; names that are not valid tags are dropped, since nothing could
 * be copied under them. A next page on another origin is refused: the list is the registry's word.
 * The list is read to its end or not at all: a page that fails, a next page that is no URL or one
 * already read fails the whole list (prune takes the list as what the source has).
 */
export async function listTags(client: RegistryClient, repository: string): Promise<string[]> {
  const place = `${client.registry}/${repository}`;
  const op = `listing the tags of ${place}`;
  return during(op, async () => {
    const seen = new Set<string>();
    const pages = new Set<string>();
    let url: URL | undefined = client.url(`/v2/${repository}/tags/list?n=${PAGE_SIZE}`);
    for (let page = 0; url; page++) {
      if (page >= MAX_TAG_PAGES) throw new RegistryError(`${op}: more than ${MAX_TAG_PAGES} pages; refusing to read on`);
      // A registry that links back to a page it sent never reaches the end of its list.
      if (pages.has(url.href))
        throw new RegistryError(
          `${op}: the next page is one it sent before (${printable(url.pathname + url.search, 200)}); refusing to read in a loop`,
        );
      pages.add(url.href);
      const res = await client.send({ method: 'GET', url, headers: { accept: 'application/json' } }, [pullScope(repository)]);
      if (res.status === 404) {
        await discard(res);
        throw new NotFoundError(`repository ${place} not found`);
      }
      if (res.status !== 200) return client.fail(res, op);
      const next = nextPage(header(res, 'link'), res.url);
      let body: { tags?: unknown };
      try {
        body = parseBoundedJson((await readBody(res, MAX_PAGE_BYTES)).toString('utf8')) as { tags?: unknown };
      } catch (err) {
        if (err instanceof RegistryError) throw err;
        throw new RegistryError(`${op}: the answer is not JSON`);
      }
      const tags = body?.tags;
      if (tags !== null && tags !== undefined && !Array.isArray(tags)) throw new RegistryError(`${op}: the answer's "tags" is not a list`);
      for (const tag of tags ?? []) if (typeof tag === 'string' && isTag(tag)) seen.add(tag);
      if (next && next.origin !== client.base.origin) {
        throw new RegistryError(`${op}: the next page is on another host (${next.host}); refusing`);
      }
      url = next;
    }
    return [...seen];
  });
}

/**
 * The `rel="next"` target of a `Link` header, resolved against the page it came with. A next page
 * that is not a URL is an error: read as the end, it would cut the list short, and a short source
 * list makes prune remove tags the source still has.
 */
export function nextPage(link: string | undefined, base: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2])) continue;
    try {
      return new URL(m[1], base);
    } catch {
      throw new RegistryError(
        `the next page (Link: <${printable(m[1], 200)}>) is not a URL; refusing to take the pages so far as the whole list`,
      );
    }
  }
  return undefined;
}
