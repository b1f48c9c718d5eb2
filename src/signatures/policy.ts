import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Voice } from '../settings/voice.js';
import { InputError, messageOf } from '../oci/errors.js';
import { digestOf } from '../oci/digest.js';
import { printable, quoted } from '../oci/text.js';
import { keyFingerprint, keyKind, signingHash } from './public-key.js';
import { VerifySetting } from './settings.js';
import { checkTrustedRootText } from './trust-root-file.js';
import type { TrustRoot } from './trust-root.js';

/** The verification settings as a user gives them (step inputs, flags, keys of an `images` entry). */
export interface VerifyPolicySettings {
  /** A PEM public key: the key itself, or a file holding it. */
  key?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  /** Required in-toto predicate types: comma-separated, or a list; cosign's short names are accepted. */
  attestationTypes?: string | string[];
  /** A `trusted_root.json` file (or its JSON); empty or `public-good` for Sigstore's public-good instance. */
  trustedRoot?: string;
  /** Each platform manifest of an index must be signed too, not only the index. */
  platforms?: boolean;
  /** `enforce` (empty: the default) or `warn`, as given. */
  mode?: string;
}

/**
 * What a policy does with an image that fails it: `enforce` refuses it (nothing is copied, the
 * image fails); `warn` copies it anyway, with a warning that names the digest and what was missing,
 * and records it unverified. Teams roll a policy out in `warn` before enforcing it.
 */
export type VerifyMode = 'enforce' | 'warn';

export type SignerRule =
  | { kind: 'key'; key: KeyObject; fingerprint: string }
  | { kind: 'identity'; identity?: string; identityRegexp?: RegExp; identityPattern?: string; issuer: string };

/** A checked policy: who must have signed, which attestations must be there, and what to trust. */
export interface VerifyPolicy {
  signer: SignerRule;
  /** Predicate types that must each have an accepted attestation; empty: an accepted signature is required. */
  attestationTypes: string[];
  platforms: boolean;
  /** Where trust comes from; loaded on first use. */
  trustRootName: string;
  /** The digest (`sha256:…`) of the `trusted_root.json` given, as its bytes were read; absent for the public-good root. */
  trustRootDigest?: string;
  trustRoot(): Promise<TrustRoot>;
  /** The policy in words, for lines and reports: `identity …, issuer …` or `key SHA256:…`. */
  description: string;
  /** `enforce` (absent: the same): an image that fails is refused; `warn`: it is copied, and the failure is a warning. */
  mode?: VerifyMode;
}

/** cosign's short names for predicate types (`cosign verify-attestation --type`). */
const PREDICATE_SHORT_NAMES: Record<string, string> = {
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  vsa: 'https://slsa.dev/verification_summary/v1',
};

type FileReader = (path: string) => string;

/** A key or a trusted root is a small file; a larger one is not what was meant. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Reads a small text file (relative to the working directory); the action passes its workspace reader instead. */
export function readSmallFile(path: string): string {
  if (statSync(path).size > MAX_FILE_BYTES) throw Object.assign(new Error('too large'), { code: `larger than ${MAX_FILE_BYTES} bytes` });
  return readFileSync(path, 'utf8');
}

/**
 * Checks verification settings. Undefined when none is given (nothing to verify); otherwise a policy,
 * or an `InputError` of one line naming the setting at fault in `voice`'s words. Files (a key, a
 * trusted root) are read now, with `readFile`.
 */
export function parseVerifyPolicy(raw: VerifyPolicySettings, voice: Voice, readFile: FileReader = readSmallFile): VerifyPolicy | undefined {
  const text = (v: string | undefined) => (typeof v === 'string' ? v.trim() : '');
  const keyText = text(raw.key);
  const identity = text(raw.certificateIdentity);
  const identityRegexp = text(raw.certificateIdentityRegexp);
  const issuer = text(raw.certificateOidcIssuer);
  const types = parseAttestationTypes(raw.attestationTypes, voice);
  const rootText = text(raw.trustedRoot);
  const mode = parseVerifyMode(text(raw.mode), voice);
  const name = (s: string) => voice.input(s);
  const anything = keyText || identity || identityRegexp || issuer || types.length || rootText || raw.platforms;
  if (!anything) {
    // `enforce` is the default, said or not; `warn` with no policy beside it would warn of nothing.
    if (mode === 'warn')
      throw new InputError(
        `${name(VerifySetting.Mode)} is warn but nothing is verified: give the policy beside it (${VerifySetting.Key}, or ${VerifySetting.CertificateIdentity} with ${VerifySetting.CertificateOidcIssuer})`,
      );
    return undefined;
  }

  let signer: SignerRule;
  if (keyText) {
    const keyless = [
      identity && VerifySetting.CertificateIdentity,
      identityRegexp && VerifySetting.CertificateIdentityRegexp,
      issuer && VerifySetting.CertificateOidcIssuer,
    ].find(Boolean);
    if (keyless)
      throw new InputError(
        `${name(VerifySetting.Key)} and ${name(keyless)} are both given: verify with a key or with a certificate identity, not both`,
      );
    const key = readPublicKey(keyText, name(VerifySetting.Key), readFile);
    signer = { kind: 'key', key, fingerprint: keyFingerprint(key) };
  } else {
    if (identity && identityRegexp) {
      throw new InputError(
        `${name(VerifySetting.CertificateIdentity)} and ${name(VerifySetting.CertificateIdentityRegexp)} are both given: give one`,
      );
    }
    if (!identity && !identityRegexp) {
      throw new InputError(
        `verification needs a signer: give ${name(VerifySetting.Key)}, or ${name(VerifySetting.CertificateIdentity)} (or ${name(VerifySetting.CertificateIdentityRegexp)}) with ${name(VerifySetting.CertificateOidcIssuer)}`,
      );
    }
    if (!issuer) {
      throw new InputError(
        `${name(VerifySetting.CertificateOidcIssuer)} is missing: a certificate identity means nothing without the issuer that vouched for it (GitHub Actions: https://token.actions.githubusercontent.com)`,
      );
    }
    signer = {
      kind: 'identity',
      issuer,
      ...(identity
        ? { identity }
        : {
            identityRegexp: compileIdentityRegexp(identityRegexp, name(VerifySetting.CertificateIdentityRegexp)),
            identityPattern: identityRegexp,
          }),
    };
  }

  // The Sigstore libraries load with the first use of the root (`loadTrustRoots` before the job).
  let trustRoot: () => Promise<TrustRoot>;
  let trustRootName: string;
  let trustRootDigest: string | undefined;
  if (!rootText || rootText === 'public-good') {
    trustRoot = async () => (await import('./trust-root.js')).publicGoodTrustRoot();
    trustRootName = 'Sigstore public-good';
  } else {
    const fromJson = rootText.startsWith('{');
    const what = fromJson ? name(VerifySetting.TrustedRoot) : `${name(VerifySetting.TrustedRoot)} (${printable(rootText)})`;
    const rootJson = fromJson ? rootText : readNamedFile(rootText, name(VerifySetting.TrustedRoot), readFile);
    const json = checkTrustedRootText(rootJson, what);
    trustRootDigest = digestOf(rootJson);
    const rootName = fromJson ? 'the trusted root given inline' : printable(rootText);
    let loaded: Promise<TrustRoot> | undefined;
    trustRoot = () => (loaded ??= import('./trust-root.js').then((m) => m.trustRootFromJson(json, rootName, what)));
    trustRootName = rootName;
  }

  return {
    signer,
    attestationTypes: types,
    platforms: raw.platforms === true,
    trustRoot,
    trustRootName,
    ...(trustRootDigest ? { trustRootDigest } : {}),
    description: describePolicy(signer, types),
    mode: mode ?? 'enforce',
  };
}

/** `enforce` or `warn` (any case); undefined when not given; anything else is one line naming the setting and the two values. */
export function parseVerifyMode(value: string, voice: Voice): VerifyMode | undefined {
  const mode = value.trim().toLowerCase();
  if (!mode) return undefined;
  if (mode === 'enforce' || mode === 'warn') return mode;
  throw new InputError(
    `${voice.input(VerifySetting.Mode)} is ${voice.value(value.trim())}: use enforce (an image that fails the policy is not copied) or warn (it is copied, with a warning)`,
  );
}

/**
 * Loads each policy's trust root, so a key or certificate in a trusted root that cannot be read is
 * one line before anything is copied, not a refusal of every image.
 */
export async function loadTrustRoots(policies: readonly (VerifyPolicy | undefined)[]): Promise<void> {
  await Promise.all(policies.map((p) => p?.trustRoot()));
}

/** `identity X, issuer Y` / `identity matching /re/, issuer Y` / `key SHA256:…`, then `attestations A, B`. */
export function describePolicy(signer: SignerRule, types: string[]): string {
  const who =
    signer.kind === 'key'
      ? `key ${signer.fingerprint}`
      : `${signer.identity !== undefined ? `identity ${printable(signer.identity)}` : `identity matching /${printable(signer.identityPattern ?? '')}/`}, issuer ${printable(signer.issuer)}`;
  return types.length ? `${who}; attestation${types.length > 1 ? 's' : ''} ${types.map((t) => printable(t)).join(', ')}` : who;
}

function parseAttestationTypes(value: string | string[] | undefined, voice: Voice): string[] {
  const parts = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [])
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter(Boolean);
  const out: string[] = [];
  for (const part of parts) {
    const type = PREDICATE_SHORT_NAMES[part.toLowerCase()] ?? part;
    let url: URL | undefined;
    try {
      url = new URL(type);
    } catch {
      url = undefined;
    }
    if (!url || !/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) {
      throw new InputError(
        `${voice.input(VerifySetting.AttestationType)} has ${quoted(part)}, which is not a predicate type: give a URI (https://slsa.dev/provenance/v1) or one of ${Object.keys(PREDICATE_SHORT_NAMES).join(', ')}`,
      );
    }
    if (!out.includes(type)) out.push(type);
  }
  return out;
}

/** The regexp must match the whole identity (cosign matches anywhere in it: add `.*` where a part is meant). */
function compileIdentityRegexp(source: string, what: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    throw new InputError(`${what} is not a valid regular expression: ${printable(messageOf(err), 200)}`);
  }
}

/** A PEM public key, given as itself or in a file. The key's text is never echoed back. */
function readPublicKey(value: string, what: string, readFile: FileReader): KeyObject {
  const inline = value.includes('-----BEGIN');
  const pem = inline ? value : readNamedFile(value, what, readFile);
  const where = inline ? what : `${what} (${printable(value)})`;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    throw new InputError(`${where} holds a private key: give the public key (cosign.pub), and keep the private key secret`);
  if (!pem.includes('-----BEGIN'))
    throw new InputError(`${where} is not a PEM public key: give the contents of cosign.pub (-----BEGIN PUBLIC KEY-----) or its path`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new InputError(
      `${where} is not a PEM public key that can be read: give the contents of cosign.pub (-----BEGIN PUBLIC KEY-----) or its path`,
    );
  }
  if (signingHash(key) === undefined)
    throw new InputError(
      `${where} is a ${keyKind(key)} key, which cosign does not sign with: give an ECDSA (P-256, P-384, P-521), RSA or Ed25519 public key`,
    );
  return key;
}

function readNamedFile(path: string, what: string, readFile: FileReader): string {
  try {
    return readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? messageOf(err)})`;
    throw new InputError(`${what} names ${quoted(path)}, which ${why}: give the file's path (in the workspace) or its contents`);
  }
}
