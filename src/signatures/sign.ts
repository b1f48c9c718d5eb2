import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import {
  DEFAULT_FULCIO_URL,
  DEFAULT_REKOR_URL,
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Signature,
  type Signer,
  type Witness,
} from '@sigstore/sign';
import type { Descriptor } from '../oci/descriptor.js';
import { CancelledError, InputError, messageOf, OciCopyError } from '../oci/errors.js';
import { printable } from '../oci/text.js';
import { isPushNoter, type Target } from '../targets/target.js';
import { attachBundle, attachLegacySignature } from './attach.js';
import {
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_PREDICATE_ANNOTATION,
  COSIGN_BUNDLE_ANNOTATION,
  COSIGN_CERTIFICATE_ANNOTATION,
  COSIGN_CHAIN_ANNOTATION,
  COSIGN_PAYLOAD_TYPE,
  COSIGN_SIGN_PREDICATE,
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_TIMESTAMP_ANNOTATION,
  CREATED_ANNOTATION,
  IN_TOTO_PAYLOAD_TYPE,
} from './constants.js';
import { readCosignKeyFile } from './cosign-key.js';
import { SigningError } from './errors.js';
import { certificateIdentity } from './identity.js';
import { keyFingerprint, publicKeyPem, signWithKey } from './public-key.js';
import type { SignRecord, SignerIdentity } from './record.js';
import { signStatement } from './statement.js';

export interface SignOptions {
  mode: 'key' | 'keyless';
  /** `bundle` (default): a v0.3 bundle referrer, as cosign v3 writes. `legacy`: cosign's `sha256-<hex>.sig` tag. */
  format?: 'bundle' | 'legacy';
  /** The private key, read once (`readCosignKeyFile`): for `key`. */
  key?: KeyObject;
  /** Or a cosign key file's PEM and its password, read here. */
  keyFile?: string;
  password?: string;
  /** Fulcio for `keyless` (default the public-good instance). */
  fulcioUrl?: string;
  /** Rekor: always for `keyless` (default the public-good log); for `key` only when given. */
  rekorUrl?: string;
  /** An RFC 3161 timestamp authority, in addition to the log. */
  tsaUrl?: string;
  /** The OIDC token for `keyless`, fetched when needed (the runner's, audience `sigstore`). */
  identityToken?: () => Promise<string>;
  signal?: AbortSignal;
  /** Per request to Fulcio, Rekor and the TSA. */
  timeoutMs?: number;
  /** Told a line worth saying: the signature's list (referrers index, `.sig`) lost entries to another writer and was merged again. */
  onNotice?: (message: string) => void;
}

/**
 * A key signing as cosign does with its type (ECDSA P-256 with SHA-256, P-384 with SHA-384, RSA
 * PKCS#1 v1.5 with SHA-256, Ed25519), its public key as the bundle's key hint.
 */
class KeySigner implements Signer {
  constructor(private readonly key: KeyObject) {}
  async sign(data: Buffer): Promise<Signature> {
    const pub = createPublicKey(this.key);
    const hint = createHash('sha256')
      .update(pub.export({ type: 'spki', format: 'der' }))
      .digest('base64');
    return { signature: signWithKey(this.key, data), key: { $case: 'publicKey', publicKey: publicKeyPem(pub), hint } };
  }
}

/**
 * Signs `subject` (a digest now in `dst`) and attaches the signature there. `repository` is the full
 * name the image is known by (`ghcr.io/acme/app`): the legacy payload's `docker-reference`.
 * Keyless: an ephemeral key, a Fulcio certificate for the OIDC identity, a Rekor entry (and a TSA
 * stamp when asked). With a key: the key's signature, logged when a Rekor is named. Errors are one
 * line (`SigningError`, `InputError` for the key) and hold no token, password or key.
 */
export async function signImage(dst: Target, subject: Descriptor, repository: string, opts: SignOptions): Promise<SignRecord> {
  return signAndAttach(dst, subject, repository, opts, { data: signStatement(subject.digest), predicateType: COSIGN_SIGN_PREDICATE });
}

/**
 * Signs an in-toto `statement` about `subject` (a digest now in `dst`; the statement must name it)
 * as a DSSE envelope, and attaches it as a v0.3 bundle referrer annotated with `predicateType`, as
 * cosign v3's `attest` does: an attestation, such as a verification summary. Signed as `signImage`
 * signs (a key, or keyless); `opts.format` is not read (an attestation is always a bundle).
 */
export async function attestImage(
  dst: Target,
  subject: Descriptor,
  statement: Buffer,
  predicateType: string,
  opts: SignOptions,
): Promise<SignRecord> {
  return signAndAttach(dst, subject, '', { ...opts, format: 'bundle' }, { data: statement, predicateType });
}

async function signAndAttach(
  dst: Target,
  subject: Descriptor,
  repository: string,
  opts: SignOptions,
  dsse: { data: Buffer; predicateType: string },
): Promise<SignRecord> {
  const format = opts.format ?? 'bundle';
  const tokens: string[] = [];
  const { signer, key } = await makeSigner(opts, tokens);
  const witnesses = makeWitnesses(opts);
  const what = `signing ${subject.digest} (${opts.mode === 'key' ? 'with a key' : 'keyless'})`;
  stopIfAborted(opts.signal);

  let bundle: Bundle;
  let payload: Buffer | undefined;
  try {
    if (format === 'bundle') {
      bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({ data: dsse.data, type: IN_TOTO_PAYLOAD_TYPE });
    } else {
      payload = simpleSigningPayload(subject.digest, repository);
      bundle = await new MessageSignatureBundleBuilder({ signer, witnesses }).create({ data: payload });
    }
  } catch (err) {
    if (err instanceof OciCopyError) throw err;
    throw new SigningError(`${what} failed: ${printable(redact(messageOf(err), tokens), 400)}`);
  }
  stopIfAborted(opts.signal);

  const cert = leafCertificate(bundle);
  const identity: SignerIdentity = cert ? certificateIdentity(cert) : { keyFingerprint: keyFingerprint(createPublicKey(key!)) };
  const tlogIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
  const base = { digest: subject.digest, mode: opts.mode, format, signer: identity, ...(tlogIndex !== undefined ? { tlogIndex } : {}) };

  if (format === 'bundle') {
    const annotations = {
      [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
      [BUNDLE_PREDICATE_ANNOTATION]: dsse.predicateType,
      [CREATED_ANNOTATION]: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    const manifest = await attachBundle(dst, subject, Buffer.from(JSON.stringify(bundleToJSON(bundle))), annotations, opts.signal);
    if (isPushNoter(dst)) for (const note of dst.pushNotes(manifest)) opts.onNotice?.(note.message);
    return { ...base, manifest: manifest.digest };
  }
  const { manifest, tag, merges } = await attachLegacySignature(dst, subject, payload!, legacyAnnotations(bundle), opts.signal);
  if (merges) {
    const times = merges === 1 ? 'once' : `${merges} times`;
    opts.onNotice?.(
      `the signature tag ${tag} of ${subject.digest} lost layers to another signer at the same time: merged and written again (${times})`,
    );
  }
  return { ...base, manifest: manifest.digest, tag };
}

async function makeSigner(opts: SignOptions, tokens: string[]): Promise<{ signer: Signer; key?: KeyObject }> {
  if (opts.mode === 'key') {
    const key =
      opts.key ??
      (opts.keyFile !== undefined
        ? await readCosignKeyFile(
            opts.keyFile,
            opts.password ?? '',
            undefined,
            opts.password ? { from: 'the password option' } : { giveIn: 'the password option' },
          )
        : undefined);
    if (!key) throw new InputError('signing with a key needs the key: give sign-key (a cosign key file)');
    if (key.type !== 'private') throw new InputError('signing with a key needs the private key (cosign.key), not the public one');
    return { signer: new KeySigner(key), key };
  }
  const fetchToken = opts.identityToken;
  if (!fetchToken)
    throw new InputError('keyless signing needs an OIDC identity token: in GitHub Actions, give the job `permissions: id-token: write`');
  // Each token handed out is remembered, so that no error line can carry it (sigstore-js quotes an invalid one).
  const getToken = async () => {
    const token = await fetchToken();
    tokens.push(token);
    return token;
  };
  const signer = new FulcioSigner({
    fulcioBaseURL: opts.fulcioUrl ?? DEFAULT_FULCIO_URL,
    identityProvider: { getToken },
    timeout: opts.timeoutMs ?? 30_000,
    retry: 2,
  });
  return { signer };
}

function makeWitnesses(opts: SignOptions): Witness[] {
  const fetch = { timeout: opts.timeoutMs ?? 30_000, retry: 2 };
  const out: Witness[] = [];
  const rekor = opts.rekorUrl ?? (opts.mode === 'keyless' ? DEFAULT_REKOR_URL : undefined);
  if (rekor) out.push(new RekorWitness({ rekorBaseURL: rekor, ...fetch }));
  if (opts.tsaUrl) out.push(new TSAWitness({ tsaBaseURL: opts.tsaUrl, ...fetch }));
  return out;
}

/** cosign's simple-signing payload (pkg/signature/payload): what the legacy `.sig` signs. */
export function simpleSigningPayload(digest: string, repository: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': digest }, type: COSIGN_PAYLOAD_TYPE },
      optional: null,
    }),
  );
}

function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const c = bundle.verificationMaterial.content;
  const raw =
    c.$case === 'x509CertificateChain'
      ? c.x509CertificateChain.certificates[0]?.rawBytes
      : c.$case === 'certificate'
        ? c.certificate.rawBytes
        : undefined;
  return raw ? X509Certificate.parse(Buffer.from(raw)) : undefined;
}

/**
 * The annotations of a legacy `.sig` layer from a message-signature bundle, as cosign writes them
 * (pkg/oci/static): the signature (base64), the certificate and chain (PEM), the Rekor entry with
 * its signed entry timestamp, and the RFC 3161 timestamp.
 */
function legacyAnnotations(bundle: Bundle): Record<string, string> {
  if (bundle.content.$case !== 'messageSignature') throw new Error('a legacy signature is a message signature');
  const out: Record<string, string> = { [COSIGN_SIGNATURE_ANNOTATION]: bundle.content.messageSignature.signature.toString('base64') };
  const c = bundle.verificationMaterial.content;
  if (c.$case === 'x509CertificateChain') {
    const [leaf, ...chain] = c.x509CertificateChain.certificates.map((x) => pem(Buffer.from(x.rawBytes)));
    out[COSIGN_CERTIFICATE_ANNOTATION] = leaf;
    out[COSIGN_CHAIN_ANNOTATION] = chain.join('');
  }
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry?.inclusionPromise) {
    out[COSIGN_BUNDLE_ANNOTATION] = JSON.stringify({
      SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp.toString('base64'),
      Payload: {
        body: entry.canonicalizedBody.toString('base64'),
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: entry.logId.keyId.toString('hex'),
      },
    });
  }
  const stamp = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps[0];
  if (stamp)
    out[COSIGN_TIMESTAMP_ANNOTATION] = JSON.stringify({ SignedRFC3161Timestamp: Buffer.from(stamp.signedTimestamp).toString('base64') });
  return out;
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

/** The message with every identity token, and anything shaped like a JWT, replaced by `[token]`. */
function redact(message: string, tokens: string[]): string {
  let out = message;
  for (const t of tokens) if (t) out = out.split(t).join('[token]');
  return out.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '[token]');
}

function stopIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError(`signing stopped: ${messageOf(signal.reason)}`);
}
