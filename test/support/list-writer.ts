// One writer of a list that other processes write at the same moment, run as a child process by
// test/support/concurrent-writers.ts: it adds one referrer to a subject's `sha256-<hex>` index
// (`referrer`), or one signature layer to its cosign `.sig` tag (`sig`), through the code under test.
// It gets ready (blobs pushed), prints `ready`, waits for `go` on standard input, writes, and
// prints one JSON line: what it added, and what the write had to say.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { digestOf } from '../../src/oci/digest.js';
import { attachLegacySignature } from '../../src/signatures/attach.js';
import { COSIGN_SIGNATURE_ANNOTATION } from '../../src/signatures/constants.js';
import { openRegistryRepository } from '../../src/targets/registry/index.js';
import { isPushNoter } from '../../src/targets/target.js';

export const ATTESTATION_TYPE = 'application/vnd.example.attestation.v1';

const [kind, registry, repository, subjectJson, name] = process.argv.slice(2);
const subject = JSON.parse(subjectJson) as { mediaType: string; digest: string; size: number };
const dst = openRegistryRepository({ transport: 'registry', registry, repository, tags: [] });

async function push(mediaType: string, bytes: Buffer) {
  const desc = { mediaType, digest: digestOf(bytes), size: bytes.length };
  if (!(await dst.exists(desc))) await dst.push(desc, Readable.from([bytes]));
  return desc;
}

const go = new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'go') resolve();
  });
});

let result: { added: string; merges?: number; notes: string[] };
if (kind === 'referrer') {
  const config = await push('application/vnd.oci.empty.v1+json', Buffer.from('{}'));
  const layer = await push('application/vnd.in-toto+json', Buffer.from(JSON.stringify({ predicate: { writer: name } })));
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: ATTESTATION_TYPE,
      config,
      layers: [layer],
      subject,
      annotations: { 'org.example.writer': name },
    }),
  );
  const desc = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(bytes), size: bytes.length };
  process.stdout.write('ready\n');
  await go;
  await dst.push(desc, Readable.from([bytes]));
  result = { added: desc.digest, notes: isPushNoter(dst) ? dst.pushNotes(desc).map((n) => n.message) : [] };
} else {
  const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': subject.digest } }, optional: { name } }));
  await push('application/vnd.dev.cosign.simplesigning.v1+json', payload);
  process.stdout.write('ready\n');
  await go;
  const signature = Buffer.from(`signature of ${name}`).toString('base64');
  const attached = await attachLegacySignature(dst, subject, payload, { [COSIGN_SIGNATURE_ANNOTATION]: signature });
  result = { added: digestOf(payload), merges: attached.merges, notes: [] };
}
await dst.close('success');
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
