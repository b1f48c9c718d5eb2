import type { Descriptor } from '../../oci/descriptor.js';
import { parseDigest } from '../../oci/digest.js';
import { NotFoundError } from '../../oci/errors.js';
import { parseIndex } from '../../oci/manifest.js';
import { MediaType } from '../../oci/media-types.js';
import { pullScope } from './auth.js';
import { during, type RegistryClient } from './client.js';
import { discard, header, readBody } from './http.js';
import type { Manifests } from './manifests.js';

/** The tag the referrers tag schema keeps an index under: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/**
 * What refers to `subject`: the referrers API when the registry has it, else the index kept under
 * the tag schema (distribution 2.8 answers the API with a plain-text 404).
 */
export async function listReferrers(
  client: RegistryClient,
  manifests: Manifests,
  repository: string,
  subject: Descriptor,
  artifactType?: string,
): Promise<Descriptor[]> {
  const op = `listing referrers of ${subject.digest} in ${client.registry}/${repository}`;
  return during(op, async () => {
    const url = client.url(`/v2/${repository}/referrers/${subject.digest}`);
    if (artifactType) url.searchParams.set('artifactType', artifactType);
    const res = await client.send({ method: 'GET', url, headers: { accept: MediaType.OciIndex } }, [pullScope(repository)]);
    const type = header(res, 'content-type')?.split(';')[0].trim();
    let list: Descriptor[];
    if (res.status === 200 && type === MediaType.OciIndex) {
      list = parseIndex(await readBody(res, 4 * 1024 * 1024), `referrers of ${subject.digest}`).manifests;
    } else if (res.status === 404 || res.status === 200 || res.status === 405 || res.status === 400) {
      await discard(res);
      try {
        const { bytes } = await manifests.get(referrersTag(subject.digest), op);
        list = parseIndex(bytes, `referrers index of ${subject.digest}`).manifests;
      } catch (err) {
        if (err instanceof NotFoundError) return [];
        throw err;
      }
    } else {
      return client.fail(res, op);
    }
    return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
  });
}
