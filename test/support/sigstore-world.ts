// A private Sigstore on loopback for tests: @sigstore/mock's Fulcio CA (with a CT log), Rekor log and
// timestamp authority behind one node:http server, the trusted_root.json that trusts exactly them,
// and the GitHub runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). A CLI subprocess can
// reach all of it, as a runner reaches the real services.
//
// What the mock cannot do: its Fulcio trusts any JWT without checking its signature, and names the
// certificate's subject after one claim of the token; real Fulcio verifies the token against the
// issuer's keys and, for GitHub Actions, names it `https://github.com/<job_workflow_ref>`. The token
// here carries that value in a `fulcio_subject` claim for the mock to use; every other extension
// (issuer, repository, commit, ref, workflow, run) comes from GitHub's own claim names, as in Fulcio.
// The mock Rekor logs a proposed entry as it is given; real Rekor canonicalizes a `dsse` entry into
// the hashes and signatures its type defines (rekor pkg/types/dsse/v0.0.1), which the world does
// here before the mock logs it. The mock TSA stamps the time to the millisecond, which pkijs writes
// with trailing zeros cut (`.12Z`) and @sigstore/core reads only as three digits: the world's TSA
// clock is set to the whole second before each stamp.
import { createHash, generateKeyPairSync, randomBytes, sign as signData } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
// The handler modules only: the package's index loads nock, which would patch node:http for the whole test process.
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js';
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js';
import { initializeTSA, tsaHandler } from '@sigstore/mock/dist/timestamp/index.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The claims of a GitHub Actions OIDC token (a subset, the ones Fulcio reads). */
export interface GithubClaims {
  repository: string;
  ref: string;
  sha: string;
  workflow: string;
  /** `acme/app/.github/workflows/release.yml@refs/tags/v1.2.3` */
  job_workflow_ref: string;
  event_name: string;
  run_id: string;
  run_attempt: string;
  [claim: string]: string;
}

export function githubClaims(repository = 'acme/app', ref = 'refs/tags/v1.2.3', workflowFile = 'release.yml'): GithubClaims {
  const owner = repository.split('/')[0];
  return {
    repository,
    repository_owner: owner,
    repository_id: '4242',
    repository_owner_id: '77',
    repository_visibility: 'public',
    ref,
    sha: createHash('sha1').update(`${repository}@${ref}`).digest('hex'),
    workflow: 'release',
    workflow_ref: `${repository}/.github/workflows/${workflowFile}@${ref}`,
    workflow_sha: createHash('sha1').update(`${repository}@${ref}`).digest('hex'),
    job_workflow_ref: `${repository}/.github/workflows/${workflowFile}@${ref}`,
    job_workflow_sha: createHash('sha1').update(`${repository}@${ref}`).digest('hex'),
    event_name: 'push',
    run_id: '9001',
    run_attempt: '1',
    runner_environment: 'github-hosted',
  };
}

/** The identity real Fulcio gives a GitHub Actions token: the job's workflow as a URL. */
export function workflowIdentity(claims: GithubClaims): string {
  return `https://github.com/${claims.job_workflow_ref}`;
}

export interface TokenRequest {
  url: string;
  authorization?: string;
}

export interface SigstoreWorld {
  /** `http://127.0.0.1:PORT`: Fulcio, Rekor and the TSA all answer here. */
  url: string;
  fulcioUrl: string;
  rekorUrl: string;
  tsaUrl: string;
  /** The trusted_root.json for exactly this world's CA, logs and TSA. */
  trustedRoot: Record<string, unknown>;
  trustedRootPath: string;
  /** The Fulcio CA's root certificate (PEM), for `openssl verify -CAfile`. */
  fulcioRootPem: string;
  /** The Rekor log's public key (PEM). */
  rekorKeyPem: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN of a simulated runner. */
  tokenRequestUrl: string;
  tokenRequestToken: string;
  /** The claims the runner endpoint puts in its tokens. */
  claims: GithubClaims;
  /** A JWT with GitHub's claims (and `aud`), signed by a key of the world's own. */
  identityToken(claims?: GithubClaims, audience?: string): string;
  tokenRequests(): TokenRequest[];
  /** Counts of requests per service path (`/api/v2/signingCert`, `/api/v1/log/entries`, `/api/v1/timestamp`). */
  serviceRequests(): Record<string, number>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** Where trusted_root.json is written. */
  dir: string;
  claims?: GithubClaims;
  /** The CA's clock: certificates issued as if at this time (for an expired certificate). */
  caClock?: Date;
}

/** What Rekor stores for a proposed `dsse` v0.0.1 entry: the envelope's and payload's hashes and its signatures, not the envelope. */
function canonicalDsse(body: string): string {
  const entry = JSON.parse(body) as {
    kind?: string;
    apiVersion?: string;
    spec?: { proposedContent?: { envelope: string; verifiers: string[] } };
  };
  const proposed = entry.spec?.proposedContent;
  if (entry.kind !== 'dsse' || !proposed) return body;
  const envelope = JSON.parse(proposed.envelope) as { payload: string; signatures: Array<{ sig: string }> };
  const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  return JSON.stringify({
    apiVersion: entry.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(proposed.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s, i) => ({ signature: s.sig, verifier: proposed.verifiers[i] ?? proposed.verifiers[0] })),
    },
  });
}

const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const DER_CERT = (der: ArrayBufferView) =>
  `-----BEGIN CERTIFICATE-----\n${bytes(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;

export async function startSigstoreWorld(options: WorldOptions): Promise<SigstoreWorld> {
  const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tokenKey = ec();
  const claims = options.claims ?? githubClaims();
  const tokenRequestToken = randomBytes(16).toString('hex');
  const tokens: TokenRequest[] = [];
  const counts: Record<string, number> = {};

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const ctLog = await initializeCTLog(ec());
  const ca = await initializeCA(ec(), ctLog, options.caClock);
  const rekorKeys = ec();
  const tlog = await initializeTLog(url, rekorKeys);
  const tsaClock = new Date();
  const tsa = await initializeTSA(ec(), tsaClock);
  const handlers = [fulcioHandler(ca, { subjectClaim: 'fulcio_subject' }), rekorHandler(tlog), tsaHandler(tsa)];

  const identityToken = (c: GithubClaims = claims, audience = 'sigstore') => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'JWT', kid: 'test' };
    const payload = {
      ...c,
      iss: GITHUB_ISSUER,
      aud: audience,
      sub: `repo:${c.repository}:ref:${c.ref}`,
      iat: now,
      nbf: now,
      exp: now + 300,
      fulcio_subject: workflowIdentity(c),
    };
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${enc(header)}.${enc(payload)}`;
    const sig = signData('sha256', Buffer.from(input), { key: tokenKey.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = new URL(req.url ?? '/', url).pathname;
        if (req.method === 'GET' && path === '/runner/idtoken') {
          tokens.push({ url: req.url ?? '', authorization: req.headers.authorization });
          if (req.headers.authorization !== `Bearer ${tokenRequestToken}`) {
            res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad request token"}');
            return;
          }
          const audience = new URL(req.url ?? '/', url).searchParams.get('audience') ?? 'default';
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: identityToken(claims, audience) }));
          return;
        }
        const handler = handlers.find((h) => h.path === path);
        if (!handler || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        counts[path] = (counts[path] ?? 0) + 1;
        tsaClock.setTime(Math.floor(Date.now() / 1000) * 1000);
        let body = Buffer.concat(chunks).toString('utf8');
        if (path === '/api/v1/log/entries') body = canonicalDsse(body);
        const result = await handler.fn(body);
        res.writeHead(result.statusCode, { 'content-type': result.contentType ?? 'text/plain' });
        res.end(
          typeof result.response === 'string'
            ? result.response
            : Buffer.from(result.response.buffer, result.response.byteOffset, result.response.byteLength),
        );
      })().catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
  });

  const b64 = (b: ArrayBufferView) => bytes(b).toString('base64');
  const rekorDer = rekorKeys.publicKey.export({ type: 'spki', format: 'der' });
  const start = '2000-01-01T00:00:00Z';
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(rekorDer), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: b64(createHash('sha256').update(rekorDer).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(ctLog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor: { start },
      },
    ],
  };
  const trustedRootPath = join(options.dir, `trusted_root-${(server.address() as AddressInfo).port}.json`);
  await writeFile(trustedRootPath, JSON.stringify(trustedRoot, null, 2));

  return {
    url,
    fulcioUrl: url,
    rekorUrl: url,
    tsaUrl: url,
    trustedRoot,
    trustedRootPath,
    fulcioRootPem: DER_CERT(ca.rootCertificate),
    rekorKeyPem: rekorKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    tokenRequestUrl: `${url}/runner/idtoken?api-version=2.0`,
    tokenRequestToken,
    claims,
    identityToken,
    tokenRequests: () => [...tokens],
    serviceRequests: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
