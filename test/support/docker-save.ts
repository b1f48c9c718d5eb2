// Archives as `docker save` wrote them before Docker 25, built without the code under test: one
// directory per layer (`<id>/layer.tar`, `<id>/json`, `<id>/VERSION`), `<config hex>.json`,
// `manifest.json` and `repositories`. A layer already saved for another image is a symbolic link
// `../<first id>/layer.tar`, and entries come in name order, as moby's walk of its export
// directory put them: a link may come before the file it points to.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tarOf, type TarEntry } from './tar-entries.js';

export interface LegacyImage {
  repoTags: string[];
  /** Each layer as the files it adds: name → bytes. */
  layers: Array<Record<string, Buffer>>;
  architecture?: string;
}

export interface LegacyArchive {
  /** The config of each image, in order: its digest is what an import must keep. */
  configs: Buffer[];
  /** The uncompressed layer digests of each image, as its config lists them. */
  diffIds: string[][];
  /** The entries that are symbolic links, name → target. */
  links: Map<string, string>;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export async function writeLegacyDockerSave(path: string, images: LegacyImage[]): Promise<LegacyArchive> {
  const entries: TarEntry[] = [];
  const firstCopy = new Map<string, string>();
  const links = new Map<string, string>();
  const list = [];
  const repositories: Record<string, Record<string, string>> = {};
  const configs: Buffer[] = [];
  const diffIds: string[][] = [];
  for (const [i, image] of images.entries()) {
    const layerTars = await Promise.all(image.layers.map((files) => tarOf(Object.entries(files).map(([name, body]) => ({ name, body })))));
    const diffs = layerTars.map((t) => `sha256:${sha(t)}`);
    const config = Buffer.from(
      JSON.stringify({ architecture: image.architecture ?? 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffs } }),
    );
    const layerPaths: string[] = [];
    let parent: string | undefined;
    for (const [j, tar] of layerTars.entries()) {
      // v1 ids differ per image and position even for the same layer bytes, hence the links.
      const id = sha(`${i}/${j}/${diffs[j]}`);
      entries.push({ name: `${id}/`, type: 'directory' }, { name: `${id}/VERSION`, body: '1.0' });
      entries.push({ name: `${id}/json`, body: JSON.stringify({ id, ...(parent ? { parent } : {}) }) });
      const earlier = firstCopy.get(diffs[j]);
      if (earlier) {
        entries.push({ name: `${id}/layer.tar`, type: 'symlink', linkname: `../${earlier}/layer.tar` });
        links.set(`${id}/layer.tar`, `../${earlier}/layer.tar`);
      } else {
        entries.push({ name: `${id}/layer.tar`, body: tar });
        firstCopy.set(diffs[j], id);
      }
      layerPaths.push(`${id}/layer.tar`);
      parent = id;
    }
    entries.push({ name: `${sha(config)}.json`, body: config });
    list.push({ Config: `${sha(config)}.json`, RepoTags: image.repoTags, Layers: layerPaths });
    for (const name of image.repoTags) {
      const colon = name.lastIndexOf(':');
      (repositories[name.slice(0, colon)] ??= {})[name.slice(colon + 1)] = parent!;
    }
    configs.push(config);
    diffIds.push(diffs);
  }
  entries.push({ name: 'manifest.json', body: JSON.stringify(list) }, { name: 'repositories', body: JSON.stringify(repositories) });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  await writeFile(path, await tarOf(entries));
  return { configs, diffIds, links };
}
