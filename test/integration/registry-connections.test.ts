import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { digestOf } from '../../src/oci/digest.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { MediaType } from '../../src/oci/media-types.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { openRegistryRepository } from '../../src/targets/registry/repository.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

// A pool of one connection: a response left unread holds it, and the next request waits forever.
describe('registry connections are given back', () => {
  let registry: TestRegistry;
  let agent: Agent;
  let http: HttpClient;

  before(async () => {
    registry = await startRegistry();
    agent = new Agent({ connections: 1 });
    http = new HttpClient({ dispatcher: agent, timeouts: { headersMs: 5000 } });
  });
  after(async () => {
    await http.close();
    await agent.destroy();
    await registry.stop();
  });

  it('releases a blob download that is dropped before its first byte is read', async () => {
    const repo = openRegistryRepository({ transport: 'registry', registry: registry.host, repository: 'conn/one', tags: [] }, { http });
    const bytes = randomBytes(8 * 1024 * 1024);
    const desc: Descriptor = { mediaType: MediaType.OciLayer, digest: digestOf(bytes), size: bytes.length };
    await repo.push(desc, Readable.from([bytes]));
    const dropped = await repo.fetch(desc);
    dropped.destroy();
    await new Promise((r) => dropped.once('close', r));
    const exists = await Promise.race([
      repo.exists(desc),
      new Promise<string>((r) => setTimeout(() => r('the connection is still held'), 3000).unref()),
    ]);
    assert.equal(exists, true);
  });
});
