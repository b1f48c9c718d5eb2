/** What verification and signing found and did, for the outcome of an image and its report. */

/** Who signed, as the Fulcio certificate says (keyless), or the key's fingerprint (signed with a key). */
export interface SignerIdentity {
  /** The certificate's subject alternative name: a workflow URL, an e-mail address. */
  identity?: string;
  /** The OIDC issuer that vouched for the identity (`https://token.actions.githubusercontent.com`). */
  issuer?: string;
  /** GitHub Actions: the workflow file and ref that ran (`https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3`). */
  workflow?: string;
  /** The source repository (`https://github.com/acme/app`). */
  repository?: string;
  /** The commit the workflow ran on. */
  commit?: string;
  /** The ref the workflow ran on (`refs/tags/v1.2.3`). */
  ref?: string;
  /** The event that started it (`push`, `release`). */
  trigger?: string;
  /** The run (`https://github.com/acme/app/actions/runs/123/attempts/1`). */
  run?: string;
  /** For a key: `SHA256:<base64>` of the public key's DER, as `ssh-keygen -l` shows fingerprints. */
  keyFingerprint?: string;
}

export type SignatureForm = 'bundle' | 'legacy';
export type SignatureKind = 'signature' | 'attestation';

/** One signature or attestation found for a digest, and what came of checking it. */
export interface FoundSignature {
  form: SignatureForm;
  kind: SignatureKind;
  /** Where it was found: `referrer sha256:…` or `tag sha256-….sig` (layer n). */
  where: string;
  /** The manifest (a bundle referrer) or layer (cosign's legacy form) that holds it, when it could be read. */
  digest?: string;
  /** The in-toto predicate type, for an attestation (and cosign v3's signature statement). */
  predicateType?: string;
  /** The signer, when the certificate or key could be read (also when the signature did not verify). */
  signer?: SignerIdentity;
  /** The signature, its certificate chain and its transparency-log proof or timestamp all hold. */
  valid: boolean;
  /** Valid, and signed by whom the policy requires. */
  accepted: boolean;
  /** Why it was not accepted, as a phrase: `its certificate does not chain to the trust root`. */
  problem?: string;
  /** The transparency log's index of the entry, when the bundle carries one. */
  tlogIndex?: string;
  /** When the log integrated the entry, or the TSA stamped it (ISO 8601). */
  signedAt?: string;
}

/** The result of verifying one digest (and, when asked, the platform manifests under it). */
export interface VerificationRecord {
  digest: string;
  /** True: the policy is satisfied (a refusal throws instead of returning false). */
  verified: boolean;
  /** The policy, as a phrase: `identity …, issuer …` or `key SHA256:…`, and required predicate types. */
  policy: string;
  /** The trust root: `Sigstore public-good` or the file it came from. */
  trustRoot: string;
  /** Everything found, accepted or not. */
  found: FoundSignature[];
  /** The signer of the first accepted signature or attestation. */
  signer?: SignerIdentity;
  /** Predicate types of the accepted attestations. */
  predicateTypes: string[];
  /** The transparency-log index of the first accepted entry that has one. */
  tlogIndex?: string;
  /** Each platform manifest's own record, when the policy covers platforms. */
  platforms?: VerificationRecord[];
}

/** What signing wrote. */
export interface SignRecord {
  digest: string;
  mode: 'key' | 'keyless';
  format: 'bundle' | 'legacy';
  signer: SignerIdentity;
  /** The manifest that holds the signature: a bundle referrer, or the `.sig` manifest. */
  manifest: string;
  /** The tag it is kept under, for the legacy form (`sha256-<hex>.sig`). */
  tag?: string;
  tlogIndex?: string;
}
