export const id = 671;
export const ids = [671,555];
export const modules = {

/***/ 15671:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  signatureStages: () => (/* binding */ signatureStages)
});

// EXTERNAL MODULE: ./lib/src/copy/cosign-attachments.js
var cosign_attachments = __webpack_require__(47944);
// EXTERNAL MODULE: ./lib/src/copy/read-manifest.js
var read_manifest = __webpack_require__(91208);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/manifest.js
var oci_manifest = __webpack_require__(98775);
// EXTERNAL MODULE: ./lib/src/oci/media-types.js
var media_types = __webpack_require__(7964);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./lib/src/targets/target.js
var target = __webpack_require__(87586);
;// CONCATENATED MODULE: ./lib/src/signatures/constants.js
/**
 * The names Sigstore and cosign give to what they store in a registry. Checked against cosign's own
 * source (pkg/oci/static, pkg/oci/remote/write.go, cmd/cosign/cli/sign) and its BUNDLE_SPEC.md.
 */
/** A Sigstore bundle as an OCI referrer: the manifest's `artifactType` and its one layer's media type. */
const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** Every media type a Sigstore bundle has been stored under (v0.1 to v0.3, and v0.3's first spelling). */
function isBundleMediaType(type) {
    return (typeof type === 'string' &&
        (type.startsWith('application/vnd.dev.sigstore.bundle.v0.') || type.startsWith('application/vnd.dev.sigstore.bundle+json')));
}
/** Annotations cosign and GitHub put on a bundle referrer, so a listing tells them apart. */
const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const CREATED_ANNOTATION = 'org.opencontainers.image.created';
/** cosign v3 signs an image by signing an in-toto statement with this predicate type about its digest. */
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
const IN_TOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
/** SLSA's verification summary attestation (VSA): what a verifier checked of an artifact, and that it passed. */
const VSA_PREDICATE = 'https://slsa.dev/verification_summary/v1';
/** cosign before v3: the layer types of `sha256-<hex>.sig` and `.att`, and the annotations on each layer. */
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
const COSIGN_CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
const COSIGN_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
const COSIGN_TIMESTAMP_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';
/** The `type` a simple-signing payload of cosign carries in `critical`. */
const COSIGN_PAYLOAD_TYPE = 'cosign container image signature';
/**
 * cosign v2 with `--registry-referrers-mode=oci-1-1` stores the same layers as OCI referrers, not
 * under tags: signatures as an artifact of this type (simple-signing layers), attestations as one
 * of the in-toto type (DSSE envelope layers; earlier releases named it by the envelope's type).
 */
const COSIGN_SIGNATURE_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
function cosignReferrerKind(artifactType) {
    if (artifactType === COSIGN_SIGNATURE_ARTIFACT)
        return 'signature';
    if (artifactType === IN_TOTO_PAYLOAD_TYPE || artifactType === DSSE_ENVELOPE)
        return 'attestation';
    return undefined;
}
/** A bundle or a signature layer is small JSON; anything larger is refused unread. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
/** At most this many signatures (bundles, or layers of a `.sig`/`.att`) are read for one digest; the rest are named as not read. */
const MAX_CANDIDATES = 64;

;// CONCATENATED MODULE: ./lib/src/signatures/discovery.js








function isUnreadable(c) {
    return 'problem' in c;
}
/**
 * Finds every signature and attestation of a digest in a source, in the forms in use: Sigstore
 * bundles among its referrers (the referrers API, else the `sha256-<hex>` tag-schema index: the
 * target's own listing picks), cosign's `sha256-<hex>.sig` / `.att` tags, and the same layers as
 * referrers (cosign v2's referrers mode). Each manifest and
 * bundle is read whole, verified against its digest, and refused over its size limit (4 MiB for a
 * manifest, 1 MiB for a bundle or payload). Content that is missing or malformed becomes an
 * unreadable candidate (another may still satisfy the policy); a failure of the source itself throws.
 * One instance serves every digest of an image: the source's tag list is read once.
 */
class SignatureDiscovery {
    src;
    cosign;
    constructor(src) {
        this.src = src;
        this.cosign = new cosign_attachments/* CosignAttachments */.i(src);
    }
    async find(subject, signal) {
        const found = [];
        let unread = 0;
        if ((0,target/* isReferrerLister */.Xn)(this.src)) {
            for (const ref of await this.src.referrers(subject)) {
                const cosignKind = cosignReferrerKind(ref.artifactType);
                if (!isBundleMediaType(ref.artifactType) && !cosignKind)
                    continue;
                if (found.length >= MAX_CANDIDATES)
                    unread++;
                else if (cosignKind)
                    found.push(...(await this.readCosignLayers(`referrer ${ref.digest}`, cosignKind, ref, MAX_CANDIDATES - found.length, signal, subject)));
                else
                    found.push(...(await this.readBundleReferrer(subject, ref, MAX_CANDIDATES - found.length, signal)));
            }
        }
        if (this.cosign.possible) {
            for (const att of await this.cosign.find(subject)) {
                if (att.kind !== 'signature' && att.kind !== 'attestation')
                    continue;
                if (found.length >= MAX_CANDIDATES)
                    unread++;
                else
                    found.push(...(await this.readCosignLayers(`tag ${att.tag}`, att.kind, att.desc, MAX_CANDIDATES - found.length, signal)));
            }
        }
        // Said, not dropped in silence: a digest with this many signatures is being flooded.
        if (unread)
            found.unshift({
                form: 'bundle',
                kind: 'signature',
                where: `${unread} more signature manifest${unread > 1 ? 's' : ''}`,
                problem: `not read: at most ${MAX_CANDIDATES} signatures are looked at for one digest`,
            });
        return found;
    }
    async readBundleReferrer(subject, ref, room, signal) {
        const where = `referrer ${ref.digest}`;
        const kind = ref.annotations?.['dev.sigstore.bundle.predicateType'] &&
            ref.annotations['dev.sigstore.bundle.predicateType'] !== 'https://sigstore.dev/cosign/sign/v1'
            ? 'attestation'
            : 'signature';
        return this.readable('bundle', kind, where, async () => {
            const manifest = await this.manifest(ref, signal);
            // A listing can be stale or lie; the manifest itself must name this digest as its subject.
            if (manifest.subject?.digest !== subject.digest) {
                return [
                    {
                        form: 'bundle',
                        kind,
                        where,
                        problem: `its manifest refers to ${(0,oci_text/* printable */.g$)(manifest.subject?.digest ?? 'nothing', 80)}, not ${subject.digest}`,
                    },
                ];
            }
            const layers = (manifest.layers ?? []).filter((l) => isBundleMediaType(l.mediaType)).slice(0, room);
            if (!layers.length)
                return [{ form: 'bundle', kind, where, problem: 'its manifest holds no Sigstore bundle layer' }];
            const out = [];
            for (const layer of layers) {
                const bundle = await this.small(layer, 'Sigstore bundle', signal);
                out.push({
                    form: 'bundle',
                    where,
                    digest: ref.digest,
                    bundle,
                    annotations: { ...(ref.annotations ?? {}), ...(manifest.annotations ?? {}) },
                });
            }
            return out;
        });
    }
    /**
     * The layers of a cosign `.sig` / `.att` manifest, found under its tag or (cosign v2's referrers
     * mode) as a referrer: `subject` given, the manifest must name it, as a bundle referrer must.
     */
    async readCosignLayers(place, kind, desc, room, signal, subject) {
        const layerType = kind === 'signature' ? SIMPLE_SIGNING : DSSE_ENVELOPE;
        return this.readable('legacy', kind, place, async () => {
            const manifest = await this.manifest(desc, signal);
            if (subject && manifest.subject?.digest !== subject.digest) {
                return [
                    {
                        form: 'legacy',
                        kind,
                        where: place,
                        problem: `its manifest refers to ${(0,oci_text/* printable */.g$)(manifest.subject?.digest ?? 'nothing', 80)}, not ${subject.digest}`,
                    },
                ];
            }
            const all = (manifest.layers ?? []).filter((l) => l.mediaType === layerType);
            const layers = all.slice(0, room);
            if (!layers.length)
                return [{ form: 'legacy', kind, where: place, problem: `its manifest holds no ${layerType} layer` }];
            const out = [];
            if (all.length > layers.length)
                out.push({
                    form: 'legacy',
                    kind,
                    where: `${place}, ${all.length - layers.length} more layers`,
                    problem: `not read: at most ${MAX_CANDIDATES} signatures are looked at for one digest`,
                });
            for (const [i, layer] of layers.entries()) {
                const where = layers.length > 1 ? `${place}, layer ${i + 1}` : place;
                const payload = await this.readable('legacy', kind, where, async () => [
                    {
                        form: 'legacy',
                        kind,
                        where,
                        digest: layer.digest,
                        payload: await this.small(layer, 'signature payload', signal),
                        annotations: layer.annotations ?? {},
                    },
                ]);
                out.push(...payload);
            }
            return out;
        });
    }
    /** Missing or malformed content is the candidate's problem; anything else (the network, a closed target) is thrown. */
    async readable(form, kind, where, read) {
        try {
            return await read();
        }
        catch (err) {
            if (err instanceof errors/* ContentError */.yg)
                return [{ form, kind, where, problem: (0,oci_text/* printable */.g$)(err.message, 300) }];
            if (err instanceof errors/* NotFoundError */.m_)
                return [{ form, kind, where, problem: 'its content is missing from the source' }];
            throw err;
        }
    }
    async manifest(desc, signal) {
        if (!(0,media_types/* isImageManifest */.pJ)(desc.mediaType))
            throw new errors/* ContentError */.yg(`${desc.digest} is a ${(0,oci_text/* printable */.g$)(desc.mediaType, 100)}, not an image manifest`);
        const bytes = await (0,read_manifest/* readManifest */.W)(await this.src.fetch(desc, signal), desc);
        return (0,oci_manifest/* parseImageManifest */.Sw)(bytes, `manifest ${desc.digest}`);
    }
    async small(desc, what, signal) {
        if (desc.size > MAX_BUNDLE_BYTES)
            throw new errors/* ContentError */.yg(`its ${what} is ${desc.size} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit`);
        return (0,read_manifest/* readManifest */.W)(await this.src.fetch({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, signal), desc, MAX_BUNDLE_BYTES, what);
    }
}

// EXTERNAL MODULE: ./lib/src/signatures/errors.js
var signatures_errors = __webpack_require__(91005);
;// CONCATENATED MODULE: ./lib/src/signatures/describe.js

/** `signed by X (issuer Y)`, `signed with key SHA256:…`, or nothing when the signer is unknown. */
function signedBy(signer) {
    if (!signer)
        return '';
    if (signer.keyFingerprint)
        return `signed with key ${signer.keyFingerprint}`;
    if (!signer.identity && !signer.issuer)
        return '';
    return `signed by ${(0,oci_text/* printable */.g$)(signer.identity ?? 'no identity')}${signer.issuer ? ` (issuer ${(0,oci_text/* printable */.g$)(signer.issuer)})` : ''}`;
}
/** `a bundle signature (referrer sha256:…) signed by X (issuer Y): its signer is not the identity required`. */
function describeFound(f) {
    const what = `a ${f.form} ${f.kind}${f.kind === 'attestation' && f.predicateType ? ` of type ${(0,oci_text/* printable */.g$)(f.predicateType)}` : ''} (${(0,oci_text/* printable */.g$)(f.where)})`;
    const by = signedBy(f.signer);
    return `${what}${by ? ` ${by}` : ''}${f.accepted ? '' : `: ${f.problem ?? 'not accepted'}`}`;
}
/**
 * What the policy requires, as the end of a refusal: `required identity X, issuer Y (trust root Z)`.
 * A key policy uses the trust root only for a signature's transparency-log entry: without one
 * among `found`, the root is not named.
 */
function describeRequired(policy, found = []) {
    const usedRoot = policy.signer.kind !== 'key' || found.some((f) => f.tlogIndex !== undefined);
    return `required ${policy.description}${usedRoot ? ` (trust root ${(0,oci_text/* printable */.g$)(policy.trustRootName)})` : ''}`;
}
/** The one-line refusal: what is missing, everything found and why each falls short, what was required. */
function refusalLine(digest, missing, found, policy, context = '') {
    const shown = found.slice(0, 5).map(describeFound);
    const more = found.length > shown.length ? `; and ${found.length - shown.length} more` : '';
    const what = found.length
        ? `found ${found.length}: ${shown.join('; ')}${more}`
        : 'found none (no Sigstore bundle among its referrers, no cosign .sig or .att tag)';
    return `no ${missing} of ${digest}${context} satisfies the policy: ${what}; ${describeRequired(policy, found)}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(61040);
// EXTERNAL MODULE: ./node_modules/@sigstore/core/dist/index.js
var core_dist = __webpack_require__(83917);
// EXTERNAL MODULE: ./node_modules/@sigstore/protobuf-specs/dist/index.js
var protobuf_specs_dist = __webpack_require__(19654);
// EXTERNAL MODULE: ./node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(54187);
// EXTERNAL MODULE: ./lib/src/oci/digest.js
var oci_digest = __webpack_require__(36618);
// EXTERNAL MODULE: ./lib/src/oci/json.js
var json = __webpack_require__(83300);
// EXTERNAL MODULE: ./lib/src/signatures/public-key.js
var public_key = __webpack_require__(24741);
;// CONCATENATED MODULE: ./lib/src/signatures/statement.js


/** The statement in a DSSE payload, or a phrase saying why it is not one. */
function parseStatement(payload) {
    let doc;
    try {
        doc = JSON.parse(payload.toString('utf8'));
    }
    catch {
        return 'its payload is not JSON';
    }
    if (!doc || typeof doc !== 'object')
        return 'its payload is not an in-toto statement';
    if (doc._type !== IN_TOTO_STATEMENT_V1 && doc._type !== IN_TOTO_STATEMENT_V01)
        return 'its payload is not an in-toto statement';
    if (typeof doc.predicateType !== 'string' || !doc.predicateType)
        return 'its statement has no predicateType';
    if (!Array.isArray(doc.subject))
        return 'its statement has no subject';
    const subjects = [];
    for (const s of doc.subject) {
        if (!s || typeof s !== 'object' || !s.digest || typeof s.digest !== 'object')
            continue;
        const digest = {};
        for (const [k, v] of Object.entries(s.digest))
            if (typeof v === 'string')
                digest[k] = v;
        subjects.push({ ...(typeof s.name === 'string' ? { name: s.name } : {}), digest });
    }
    return { predicateType: doc.predicateType, subjects, ...(doc.predicate !== undefined ? { predicate: doc.predicate } : {}) };
}
/** Whether the statement is about `digest` (`sha256:<hex>`): one subject carries that very hash. */
function statementNames(statement, digest) {
    const { algorithm, hex } = (0,oci_digest/* parseDigest */.m)(digest);
    return statement.subjects.some((s) => s.digest[algorithm]?.toLowerCase() === hex);
}
/** The digests a statement names, for saying what it was about instead: `sha256:…`. */
function statementDigests(statement) {
    return statement.subjects.flatMap((s) => Object.entries(s.digest).map(([alg, hex]) => `${alg}:${hex}`));
}
/**
 * The statement cosign v3 signs to sign an image (cmd/cosign/cli/sign/sign.go, signDigestBundle):
 * in-toto v1, one subject with the digest only, predicate type `https://sigstore.dev/cosign/sign/v1`,
 * an empty predicate.
 */
function signStatement(digest) {
    const { algorithm, hex } = (0,oci_digest/* parseDigest */.m)(digest);
    return Buffer.from(JSON.stringify({
        _type: IN_TOTO_STATEMENT_V1,
        subject: [{ digest: { [algorithm]: hex } }],
        predicateType: COSIGN_SIGN_PREDICATE,
        predicate: {},
    }));
}

;// CONCATENATED MODULE: ./lib/src/signatures/verification-summary.js




/**
 * SLSA's verification summary (https://slsa.dev/spec/v1.0/verification_summary): an in-toto
 * statement about a digest, with predicate type `https://slsa.dev/verification_summary/v1`, saying
 * who verified it, when, against which policy, from which attestations, and that it passed. The
 * next hop can require one (`verify-attestation-type: vsa`) instead of verifying the whole chain again.
 */
/** The verifier's URI when no workflow identity names it (signed with a key). */
const OCI_COPY_URI = 'https://github.com/oci-copy/oci-copy';
/**
 * The policy as the summary names it: its requirements as canonical JSON (who must have signed,
 * the predicate types, the platforms, the trust root by name and, for a file, its digest), carried
 * as `content`, with that JSON's SHA-256 as its digest and the policy in words as its name. Two runs
 * of the same policy give the same digest; a summary already there for it is not written again.
 */
function policyDescriptor(policy) {
    const signer = policy.signer.kind === 'key'
        ? { key: policy.signer.fingerprint }
        : {
            ...(policy.signer.identity !== undefined
                ? { identity: policy.signer.identity }
                : { identityRegexp: policy.signer.identityPattern }),
            issuer: policy.signer.issuer,
        };
    const body = {
        signer,
        attestationTypes: [...policy.attestationTypes].sort(),
        platforms: policy.platforms,
        trustRoot: { name: policy.trustRootName, ...(policy.trustRootDigest ? { digest: policy.trustRootDigest } : {}) },
    };
    const bytes = Buffer.from(JSON.stringify(body));
    return {
        name: `${policy.description} (trust root ${policy.trustRootName})`,
        digest: { sha256: (0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex') },
        mediaType: 'application/json',
        content: bytes.toString('base64'),
    };
}
/**
 * What satisfied the policy: the accepted attestations of the required predicate types, or, when
 * the policy requires none, the accepted signatures. Each is named where it was found, by the
 * digest of its referrer manifest (a bundle) or its layer (cosign's legacy form).
 */
function inputAttestations(found, policy) {
    const satisfied = found.filter((f) => policy.attestationTypes.length
        ? f.accepted && f.kind === 'attestation' && f.predicateType !== undefined && policy.attestationTypes.includes(f.predicateType)
        : f.accepted && f.kind === 'signature');
    return satisfied.flatMap((f) => {
        if (!f.digest)
            return [];
        const { algorithm, hex } = (0,oci_digest/* parseDigest */.m)(f.digest);
        return [
            {
                name: `${f.kind} (${f.form}) ${(0,oci_text/* printable */.g$)(f.where)}`,
                digest: { [algorithm]: hex },
                ...(f.predicateType ? { annotations: { predicateType: f.predicateType } } : {}),
            },
        ];
    });
}
/**
 * The SLSA levels verified: with build provenance required and verified, `SLSA_BUILD_LEVEL_2` when
 * it is signed keyless (a Fulcio certificate names the build's workload identity, vouched for by an
 * OIDC issuer: authentic provenance from a hosted build) and `SLSA_BUILD_LEVEL_1` when signed with a
 * key (provenance exists and is authentic to the key, the builder unknown); never level 3, which
 * asks of the build platform what no signature shows. Without provenance required, no build level
 * is verified: `SLSA_BUILD_LEVEL_0`.
 */
function verifiedLevels(policy, predicateTypes) {
    const provenance = policy.attestationTypes.filter((t) => t.startsWith('https://slsa.dev/provenance/'));
    if (!provenance.length || !provenance.every((t) => predicateTypes.includes(t)))
        return ['SLSA_BUILD_LEVEL_0'];
    return [policy.signer.kind === 'identity' ? 'SLSA_BUILD_LEVEL_2' : 'SLSA_BUILD_LEVEL_1'];
}
/** The in-toto v1 statement of a verification summary, as the bytes that are signed. */
function summaryStatement(input) {
    const { algorithm, hex } = (0,oci_digest/* parseDigest */.m)(input.digest);
    return Buffer.from(JSON.stringify({
        _type: IN_TOTO_STATEMENT_V1,
        subject: [{ name: input.name, digest: { [algorithm]: hex } }],
        predicateType: VSA_PREDICATE,
        predicate: input.summary,
    }));
}
/** The digest (`sha256:…`) of the policy a summary names, and its result; undefined when the predicate is not a summary. */
function readSummary(predicate) {
    if (!predicate || typeof predicate !== 'object')
        return undefined;
    const p = predicate;
    const sha = p.policy?.digest?.sha256;
    return {
        ...(typeof sha === 'string' ? { policyDigest: `sha256:${sha}` } : {}),
        ...(typeof p.verificationResult === 'string' ? { result: p.verificationResult } : {}),
    };
}
/**
 * Why a verification summary cannot vouch for the digest, as a phrase, or undefined when it can:
 * its `verificationResult` must be `PASSED`, as SLSA's verifiers require before trusting one.
 */
function summaryProblem(predicate) {
    const read = readSummary(predicate);
    if (!read)
        return 'its verification summary has no predicate';
    if (read.result !== 'PASSED')
        return `its verification summary says ${read.result === undefined ? 'no verificationResult' : (0,oci_text/* printable */.g$)(read.result, 40)}, not PASSED`;
    return undefined;
}

;// CONCATENATED MODULE: ./lib/src/signatures/entity.js












const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
/**
 * A Sigstore bundle, parsed and tied to `subject`: a DSSE envelope must hold an in-toto statement
 * naming the digest; a message signature must sign the digest itself (the manifest's bytes, which
 * `manifestBytes` reads only then).
 */
async function prepareBundle(c, subject, manifestBytes) {
    const base = { form: 'bundle', where: c.where, digest: c.digest };
    let bundle;
    try {
        bundle = (0,dist.bundleFromJSON)((0,json/* parseBoundedJson */.Rj)(c.bundle.toString('utf8')));
    }
    catch (err) {
        const why = err instanceof dist.ValidationError && err.fields?.length
            ? `lacks or mangles ${err.fields.slice(0, 3).join(', ')}`
            : err instanceof SyntaxError
                ? 'is not JSON'
                : 'cannot be read';
        return { ...base, kind: 'signature', problem: `its bundle is malformed: it ${why}` };
    }
    if (bundle.content.$case === 'dsseEnvelope') {
        const env = bundle.content.dsseEnvelope;
        if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE)
            return { ...base, kind: 'attestation', problem: `its DSSE payload is ${(0,oci_text/* printable */.g$)(env.payloadType, 80)}, not an in-toto statement` };
        const statement = parseStatement(env.payload);
        if (typeof statement === 'string')
            return { ...base, kind: 'attestation', problem: statement };
        const kind = statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation';
        const predicateType = (0,oci_text/* printable */.g$)(statement.predicateType, 200);
        if (!statementNames(statement, subject.digest))
            return {
                ...base,
                kind,
                predicateType,
                problem: `its statement is about ${aboutWhat(statementDigests(statement))}, not ${subject.digest}`,
            };
        const summary = statement.predicateType === VSA_PREDICATE ? summaryProblem(statement.predicate) : undefined;
        if (summary)
            return { ...base, kind, predicateType, problem: summary };
        return entityOf({ ...base, kind, predicateType, statement: env.payload }, bundle);
    }
    const digest = bundle.content.messageSignature.messageDigest;
    const { hex } = (0,oci_digest/* parseDigest */.m)(subject.digest);
    if (!digest ||
        (digest.algorithm !== protobuf_specs_dist.HashAlgorithm.SHA2_256 && digest.algorithm !== protobuf_specs_dist.HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED) ||
        digest.digest.toString('hex') !== hex) {
        return {
            ...base,
            kind: 'signature',
            problem: `it signs ${digest ? `sha256:${digest.digest.toString('hex')}` : 'no digest'}, not ${subject.digest}`,
        };
    }
    // The signed artifact is the manifest itself: read (and verified against its digest) only now.
    return entityOf({ ...base, kind: 'signature' }, bundle, await manifestBytes());
}
/**
 * The verifier's view of a parsed bundle. Everything here is parsing of bytes from outside (the
 * certificate, the timestamps): any failure is the bundle's, said as such.
 */
function entityOf(base, bundle, artifact) {
    let certificate;
    try {
        certificate = leafOf(bundle);
        // The chain is built from the trust root; a bundle that brings a root of its own is refused
        // (Sigstore's bundle format forbids it), not quietly used or ignored.
        if (chainOf(bundle).some((c) => c.isCA && c.subject.equals(c.issuer)))
            return { ...base, problem: 'its certificate chain holds a root certificate, which a bundle must not carry' };
    }
    catch {
        return { ...base, problem: 'its certificate cannot be read' };
    }
    try {
        const tlogIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
        return {
            ...base,
            ...(certificate ? { certificate } : {}),
            ...(tlogIndex !== undefined ? { tlogIndex } : {}),
            entity: byKeyType((0,verify_dist/* toSignedEntity */.DC)(bundle, artifact), bundle, artifact),
        };
    }
    catch (err) {
        return { ...base, problem: `its bundle is malformed: ${(0,oci_text/* printable */.g$)(err instanceof Error ? err.message : String(err), 160)}` };
    }
}
/**
 * The entity with its signature checked by the hash the key's type takes (`signingHash`): the
 * verifier hashes with SHA-256 whatever the key (a message signature with the digest's algorithm),
 * which P-384 and Ed25519 signatures cosign makes do not use.
 */
function byKeyType(entity, bundle, artifact) {
    const inner = entity.signature;
    const c = bundle.content;
    const signed = c.$case === 'dsseEnvelope' ? preAuthEncoding(c.dsseEnvelope.payloadType, c.dsseEnvelope.payload) : artifact;
    if (!signed)
        return entity;
    const signature = {
        signature: inner.signature,
        compareSignature: (s) => inner.compareSignature(s),
        compareDigest: (d) => inner.compareDigest(d),
        compareSignedDigest: (d) => inner.compareSignedDigest(d),
        verifySignature: (key) => (0,public_key/* verifiesWithKey */.zs)(key, signed, inner.signature),
    };
    return { ...entity, signature };
}
/** DSSE's pre-authentication encoding, the bytes a DSSE signature signs. */
function preAuthEncoding(payloadType, payload) {
    const type = Buffer.from(payloadType, 'utf8');
    return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}
/**
 * One layer of a cosign `.sig` (a simple-signing payload, the signature in an annotation) or `.att`
 * (a DSSE envelope), with its certificate, Rekor bundle and RFC 3161 timestamp annotations, as the
 * bundle the verifier reads: cosign's legacy layout, converted and nothing more.
 */
function prepareLegacy(c, subject) {
    const base = { form: 'legacy', kind: c.kind, where: c.where, digest: c.digest };
    const ann = c.annotations;
    let certificate;
    const certPem = ann[COSIGN_CERTIFICATE_ANNOTATION];
    if (certPem) {
        try {
            certificate = core_dist.X509Certificate.parse(certPem);
        }
        catch {
            return { ...base, problem: 'its certificate annotation cannot be read' };
        }
    }
    const tlog = ann[COSIGN_BUNDLE_ANNOTATION] ? rekorBundleEntry(ann[COSIGN_BUNDLE_ANNOTATION]) : undefined;
    if (typeof tlog === 'string')
        return { ...base, problem: tlog };
    const material = {
        content: certificate
            ? { $case: 'x509CertificateChain', x509CertificateChain: { certificates: [{ rawBytes: certificate.root.toDER() }] } }
            : { $case: 'publicKey', publicKey: { hint: '' } },
        tlogEntries: tlog ? [tlog] : [],
        timestampVerificationData: { rfc3161Timestamps: [] },
    };
    if (c.kind === 'signature') {
        const sig = ann[COSIGN_SIGNATURE_ANNOTATION];
        if (!sig)
            return { ...base, problem: 'its layer has no signature annotation' };
        const named = simpleSigningDigest(c.payload);
        if (named.problem)
            return { ...base, problem: named.problem };
        if (named.digest !== subject.digest)
            return { ...base, problem: `its payload signs ${(0,oci_text/* printable */.g$)(named.digest, 80)}, not ${subject.digest}` };
        // cosign timestamps the raw signature, as the verifier checks a TSA stamp of a message signature.
        const stamp = ann[COSIGN_TIMESTAMP_ANNOTATION] ? rfc3161Stamp(ann[COSIGN_TIMESTAMP_ANNOTATION]) : undefined;
        if (typeof stamp === 'string')
            return { ...base, problem: stamp };
        if (stamp)
            material.timestampVerificationData.rfc3161Timestamps.push({ signedTimestamp: stamp });
        const bundle = {
            mediaType: BUNDLE_V01,
            verificationMaterial: material,
            content: {
                $case: 'messageSignature',
                messageSignature: {
                    messageDigest: { algorithm: protobuf_specs_dist.HashAlgorithm.SHA2_256, digest: (0,external_node_crypto_.createHash)('sha256').update(c.payload).digest() },
                    signature: Buffer.from(sig, 'base64'),
                },
            },
        };
        return entityOf({ ...base, ...(tlog ? { tlogIndex: tlog.logIndex } : {}) }, bundle, c.payload);
    }
    let envelope;
    try {
        envelope = (0,dist.envelopeFromJSON)((0,json/* parseBoundedJson */.Rj)(c.payload.toString('utf8')));
    }
    catch {
        return { ...base, problem: 'its layer is not a DSSE envelope' };
    }
    if (!envelope.signatures.length)
        return { ...base, problem: 'its DSSE envelope holds no signature' };
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
        return { ...base, problem: `its DSSE payload is ${(0,oci_text/* printable */.g$)(envelope.payloadType, 80)}, not an in-toto statement` };
    const statement = parseStatement(envelope.payload);
    if (typeof statement === 'string')
        return { ...base, problem: statement };
    const predicateType = (0,oci_text/* printable */.g$)(statement.predicateType, 200);
    if (!statementNames(statement, subject.digest))
        return { ...base, predicateType, problem: `its statement is about ${aboutWhat(statementDigests(statement))}, not ${subject.digest}` };
    const summary = statement.predicateType === VSA_PREDICATE ? summaryProblem(statement.predicate) : undefined;
    if (summary)
        return { ...base, predicateType, problem: summary };
    // cosign stamps an attestation's whole layer (the envelope's bytes), not its signature
    // (pkg/cosign/verify.go, VerifyRFC3161Timestamp: "for attestations … the signed payload").
    const stamp = ann[COSIGN_TIMESTAMP_ANNOTATION] ? rfc3161Stamp(ann[COSIGN_TIMESTAMP_ANNOTATION]) : undefined;
    if (typeof stamp === 'string')
        return { ...base, predicateType, problem: stamp };
    if (stamp)
        material.timestampVerificationData.rfc3161Timestamps.push({ signedTimestamp: stamp });
    const bundle = {
        mediaType: BUNDLE_V01,
        verificationMaterial: material,
        content: { $case: 'dsseEnvelope', dsseEnvelope: envelope },
    };
    const prepared = entityOf({ ...base, predicateType, statement: envelope.payload, ...(tlog ? { tlogIndex: tlog.logIndex } : {}) }, bundle);
    if ('problem' in prepared || !stamp)
        return prepared;
    return { ...prepared, entity: stampedOver(prepared.entity, c.payload) };
}
/**
 * The entity with its TSA stamps checked over `stamped` (the bytes cosign sent the TSA) in place of
 * the signature; the signature itself, and the log entry's record of it, are checked as before.
 */
function stampedOver(entity, stamped) {
    const content = entity.signature;
    return {
        ...entity,
        signature: {
            signature: stamped,
            compareSignature: (sig) => content.compareSignature(sig),
            compareDigest: (digest) => content.compareDigest(digest),
            compareSignedDigest: (digest) => content.compareSignedDigest(digest),
            verifySignature: (key) => content.verifySignature(key),
        },
    };
}
function chainOf(bundle) {
    const content = bundle.verificationMaterial.content;
    if (content.$case !== 'x509CertificateChain')
        return [];
    return content.x509CertificateChain.certificates.map((c) => core_dist.X509Certificate.parse(Buffer.from(c.rawBytes)));
}
function leafOf(bundle) {
    const content = bundle.verificationMaterial.content;
    const raw = content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : content.$case === 'certificate'
            ? content.certificate.rawBytes
            : undefined;
    return raw ? core_dist.X509Certificate.parse(Buffer.from(raw)) : undefined;
}
/** The digest a simple-signing payload signs, checked to be cosign's kind of payload. */
function simpleSigningDigest(payload) {
    let doc;
    try {
        doc = (0,json/* parseBoundedJson */.Rj)(payload.toString('utf8'));
    }
    catch {
        return { problem: 'its payload is not JSON' };
    }
    const critical = doc?.critical;
    if (!critical || typeof critical !== 'object')
        return { problem: 'its payload is not a simple-signing payload (no "critical")' };
    if (typeof critical.type === 'string' && critical.type.toLowerCase() !== COSIGN_PAYLOAD_TYPE)
        return { problem: `its payload is of type ${(0,oci_text/* printable */.g$)(critical.type, 80)}, not a cosign container image signature` };
    const digest = critical.image?.['docker-manifest-digest'];
    if (typeof digest !== 'string')
        return { problem: 'its payload names no docker-manifest-digest' };
    return { digest };
}
/**
 * cosign's `dev.sigstore.cosign/bundle` annotation (pkg/cosign/bundle/rekor.go): the Rekor entry
 * `{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`, as a log entry with an
 * inclusion promise (the SET), which the verifier checks against the trust root's log keys.
 */
function rekorBundleEntry(text) {
    let doc;
    try {
        doc = (0,json/* parseBoundedJson */.Rj)(text);
    }
    catch {
        return 'its Rekor bundle annotation is not JSON';
    }
    const p = doc?.Payload;
    if (!p ||
        typeof doc.SignedEntryTimestamp !== 'string' ||
        typeof p.body !== 'string' ||
        typeof p.integratedTime !== 'number' ||
        typeof p.logIndex !== 'number' ||
        typeof p.logID !== 'string') {
        return 'its Rekor bundle annotation lacks SignedEntryTimestamp or Payload fields';
    }
    const body = Buffer.from(p.body, 'base64');
    let kind;
    try {
        kind = JSON.parse(body.toString('utf8'));
    }
    catch {
        return 'its Rekor entry body is not JSON';
    }
    if (typeof kind?.kind !== 'string' || typeof kind.apiVersion !== 'string')
        return 'its Rekor entry body names no kind';
    return {
        logIndex: String(p.logIndex),
        logId: { keyId: Buffer.from(p.logID, 'hex') },
        kindVersion: { kind: kind.kind, version: kind.apiVersion },
        integratedTime: String(p.integratedTime),
        inclusionPromise: { signedEntryTimestamp: Buffer.from(doc.SignedEntryTimestamp, 'base64') },
        inclusionProof: undefined,
        canonicalizedBody: body,
    };
}
/** cosign's `dev.sigstore.cosign/rfc3161timestamp` annotation: `{SignedRFC3161Timestamp: <base64 DER>}`. */
function rfc3161Stamp(text) {
    try {
        const doc = (0,json/* parseBoundedJson */.Rj)(text);
        if (typeof doc?.SignedRFC3161Timestamp === 'string')
            return Buffer.from(doc.SignedRFC3161Timestamp, 'base64');
    }
    catch {
        // fall through
    }
    return 'its RFC 3161 timestamp annotation is malformed';
}
function aboutWhat(digests) {
    if (!digests.length)
        return 'no digest';
    return digests
        .slice(0, 2)
        .map((d) => (0,oci_text/* printable */.g$)(d, 80))
        .join(' and ');
}

;// CONCATENATED MODULE: ./lib/src/signatures/identity.js

/**
 * What a Fulcio certificate says of its signer: the identity (subject alternative name), the OIDC
 * issuer, and for a CI workflow the extensions Fulcio fills from the token's claims
 * (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). Each newer extension is a DER
 * UTF8String; the older (1.1 to 1.6) hold the raw string. Values are made printable: they are
 * for reports, and come from outside.
 */
const OID = {
    issuerV1: '1.3.6.1.4.1.57264.1.1',
    triggerV1: '1.3.6.1.4.1.57264.1.2',
    shaV1: '1.3.6.1.4.1.57264.1.3',
    repositoryV1: '1.3.6.1.4.1.57264.1.5',
    refV1: '1.3.6.1.4.1.57264.1.6',
    issuer: '1.3.6.1.4.1.57264.1.8',
    buildSignerUri: '1.3.6.1.4.1.57264.1.9',
    sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
    sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
    sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
    buildConfigUri: '1.3.6.1.4.1.57264.1.18',
    buildTrigger: '1.3.6.1.4.1.57264.1.20',
    runInvocationUri: '1.3.6.1.4.1.57264.1.21',
};
function certificateIdentity(cert) {
    const out = {};
    const set = (field, value) => {
        if (value)
            out[field] = (0,oci_text/* printable */.g$)(value, 512);
    };
    set('identity', safe(() => cert.subjectAltName));
    set('issuer', utf8(cert, OID.issuer) ?? raw(cert, OID.issuerV1));
    set('workflow', utf8(cert, OID.buildConfigUri) ?? utf8(cert, OID.buildSignerUri));
    set('repository', utf8(cert, OID.sourceRepositoryUri) ?? raw(cert, OID.repositoryV1));
    set('commit', utf8(cert, OID.sourceRepositoryDigest) ?? raw(cert, OID.shaV1));
    set('ref', utf8(cert, OID.sourceRepositoryRef) ?? raw(cert, OID.refV1));
    set('trigger', utf8(cert, OID.buildTrigger) ?? raw(cert, OID.triggerV1));
    set('run', utf8(cert, OID.runInvocationUri));
    return out;
}
/** The certificate's issuer extension, unaltered: what a policy's issuer is compared with. */
function certificateIssuer(cert) {
    return utf8(cert, OID.issuer) ?? raw(cert, OID.issuerV1);
}
function utf8(cert, oid) {
    return safe(() => cert.extension(oid)?.valueObj.subs?.[0]?.value.toString('utf8'));
}
function raw(cert, oid) {
    return safe(() => cert.extension(oid)?.value.toString('utf8'));
}
/** A certificate from outside may be malformed in any part; a part that cannot be read is absent. */
function safe(read) {
    try {
        const v = read();
        return typeof v === 'string' && v.length ? v : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./lib/src/signatures/trust-root.js
var trust_root = __webpack_require__(74555);
;// CONCATENATED MODULE: ./lib/src/signatures/judge-signature.js





/**
 * Verifies one prepared signature against the trust root, offline: the signature over its content;
 * for a certificate, its chain to a Fulcio CA of the root at a proven time (a transparency-log entry
 * or an RFC 3161 timestamp; the certificate lives ten minutes) and its embedded SCT; every
 * transparency-log entry's inclusion proof or signed entry timestamp, and that the entry records
 * this very signature. Then the policy: the key, or the identity and issuer.
 *
 * A keyless signature needs a timestamp, and a log entry when the root has logs (GitHub's private
 * instance has none: its TSA stamps instead). A keyed one needs neither: a key does not expire, as
 * skopeo's `sigstoreSigned` with `keyPath` does not ask for one; any entry it carries is still checked.
 */
function judgeSignature(p, policy, root) {
    const keyed = p.entity.key.$case === 'public-key';
    const signer = p.certificate ? certificateIdentity(p.certificate) : undefined;
    const base = {
        form: p.form,
        kind: p.kind,
        where: p.where,
        digest: p.digest,
        ...(p.predicateType ? { predicateType: p.predicateType } : {}),
        ...(signer ? { signer } : {}),
        valid: false,
        accepted: false,
        ...(p.tlogIndex !== undefined ? { tlogIndex: p.tlogIndex } : {}),
    };
    const policyKey = policy.signer.kind === 'key' ? policy.signer.key : undefined;
    const verifier = new verify_dist/* Verifier */.BL((0,trust_root.trustMaterial)(root, policyKey), keyed
        ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
        : { tlogThreshold: root.root.tlogs.length ? 1 : 0, ctlogThreshold: root.root.ctlogs.length ? 1 : 0, timestampThreshold: 1 });
    if (keyed && !policyKey)
        return { ...base, problem: 'it is signed with a key, and the policy requires a certificate identity' };
    let verified;
    try {
        verified = verifier.verify(p.entity);
    }
    catch (err) {
        return { ...base, problem: verificationProblem(err, p) };
    }
    const signedAt = signingTime(p);
    const valid = { ...base, valid: true, ...(signedAt ? { signedAt } : {}) };
    if (keyed) {
        // The trust material hands out the policy's key for any hint: the signature verified against it.
        return { ...valid, accepted: true, signer: { keyFingerprint: (0,public_key/* keyFingerprint */.yy)(verified.key) } };
    }
    if (policy.signer.kind === 'key')
        return { ...valid, problem: 'it is signed keyless, and the policy requires a key' };
    const identity = verified.identity?.subjectAlternativeName;
    const issuer = verified.identity?.extensions?.issuer;
    const rule = policy.signer;
    const identityOk = identity !== undefined && (rule.identity !== undefined ? identity === rule.identity : rule.identityRegexp.test(identity));
    if (!identityOk)
        return { ...valid, problem: identity === undefined ? 'its certificate names no identity' : 'its signer is not the identity required' };
    if (issuer !== rule.issuer)
        return { ...valid, problem: issuer === undefined ? 'its certificate names no OIDC issuer' : 'its issuer is not the one required' };
    return { ...valid, accepted: true };
}
/** The verifier's failure as a phrase a person can act on. */
function verificationProblem(err, p) {
    if (!(err instanceof verify_dist/* VerificationError */.mk))
        return `it cannot be verified (${(0,oci_text/* printable */.g$)(err instanceof Error ? err.message : String(err), 200)})`;
    const msg = err.message;
    const cause = err.cause?.message ?? '';
    switch (err.code) {
        case 'SIGNATURE_ERROR':
            return 'its signature does not verify (the content or the key differs from what was signed)';
        case 'PUBLIC_KEY_ERROR':
            return `its key is not the one required (${(0,oci_text/* printable */.g$)(msg, 160)})`;
        case 'CERTIFICATE_ERROR':
            if (/not valid or expired/.test(msg) || /not valid or expired/.test(cause))
                return `its certificate ${validity(p)} was not valid when it was signed`;
            if (/SCT/.test(msg))
                return 'its certificate carries no valid SCT from a CT log of the trust root';
            return 'its certificate does not chain to a certificate authority of the trust root';
        case 'TIMESTAMP_ERROR':
            if (/expected \d+ timestamps?, got 0/.test(msg))
                return `no timestamp (transparency-log entry or TSA) shows it was signed while its certificate ${validity(p)} was valid`;
            return `its timestamp does not verify against the trust root (${(0,oci_text/* printable */.g$)(msg, 120)})`;
        case 'TLOG_ERROR':
            if (/expected \d+ tlog entries, got 0/.test(msg))
                return 'it has no transparency-log entry, and the trust root requires one';
            return `its transparency-log entries do not verify (${(0,oci_text/* printable */.g$)(msg, 120)})`;
        case 'TLOG_INCLUSION_PROMISE_ERROR':
        case 'TLOG_INCLUSION_PROOF_ERROR':
        case 'TLOG_MISSING_INCLUSION_ERROR':
            return 'its transparency-log entry is not proven by a log of the trust root';
        case 'TLOG_BODY_ERROR':
            // An entry of a kind or version the verifier cannot read is not a mismatch, and is not said to be one.
            if (/^unsupported /.test(msg))
                return `its transparency-log entry is of a type the verifier cannot check (${(0,oci_text/* printable */.g$)(msg, 80)})`;
            return 'its transparency-log entry records another signature';
        default:
            return `it does not verify (${(0,oci_text/* printable */.g$)(msg, 160)})`;
    }
}
function validity(p) {
    const c = p.certificate;
    if (!c)
        return '';
    try {
        return `(valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`;
    }
    catch {
        return '';
    }
}
/** When the log integrated the entry, else when the TSA stamped it. */
function signingTime(p) {
    for (const t of p.entity.timestamps) {
        try {
            if (t.$case === 'transparency-log')
                return new Date(Number(t.tlogEntry.integratedTime) * 1000).toISOString();
            return t.timestamp.signingTime.toISOString();
        }
        catch {
            // an unreadable time is no time
        }
    }
    return undefined;
}

// EXTERNAL MODULE: ./lib/src/oci/platform.js
var platform = __webpack_require__(56993);
;// CONCATENATED MODULE: ./lib/src/signatures/platforms.js





/** Docker's annotation on a build attestation stored beside the images of an index (`unknown/unknown`). */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
/**
 * The platform manifests of `subject` in `target`: the image manifests its index lists, less the
 * build attestations Docker stores beside them, which are no platform to sign or verify. None for
 * a single manifest. What a policy with `verify-platforms` verifies and `sign-platforms` signs,
 * each as podman and skopeo check them (every platform image they pull).
 */
async function platformManifests(target, subject, signal) {
    if (!(0,media_types/* isIndex */.nw)(subject.mediaType))
        return [];
    const index = (0,oci_manifest/* parseIndex */.A1)(await (0,read_manifest/* readManifest */.W)(await target.fetch(subject, signal), subject), `index ${subject.digest}`);
    return index.manifests.filter((child) => (0,media_types/* isManifest */.Yh)(child.mediaType) && child.annotations?.[REFERENCE_TYPE_ANNOTATION] !== 'attestation-manifest');
}
/** `linux/arm64`, or `a manifest` for an entry with no platform, as a line shows it. */
function platformName(child) {
    return (0,oci_text/* printable */.g$)(child.platform ? (0,platform/* formatPlatform */.Bq)(child.platform) : 'a manifest', 80);
}

;// CONCATENATED MODULE: ./lib/src/signatures/verify.js









/**
 * Verifies that `subject` (the exact root digest about to be copied) carries a signature, or each
 * required attestation, that satisfies `policy`; with `policy.platforms`, every platform manifest
 * of an index too. Returns what was found and who signed; throws `SignatureRefusedError` (one line:
 * what was found, what was required) when the policy is not met. Nothing is written anywhere, and
 * no network but the source's is used: proofs are checked offline from what is attached.
 */
async function verifyImage(src, subject, policy, opts = {}) {
    const root = await policy.trustRoot();
    const discovery = opts.discovery ?? new SignatureDiscovery(src);
    const record = await verifyDigest(src, subject, policy, root, discovery, opts.signal, '');
    if (!policy.platforms || !(0,media_types/* isIndex */.nw)(subject.mediaType))
        return record;
    const platforms = [];
    for (const child of await platformManifests(src, subject, opts.signal))
        platforms.push(await verifyDigest(src, child, policy, root, discovery, opts.signal, ` (${platformName(child)} of ${subject.digest})`));
    return { ...record, platforms };
}
async function verifyDigest(src, subject, policy, root, discovery, signal, context) {
    const candidates = await discovery.find(subject, signal);
    let manifest;
    const manifestBytes = () => (manifest ??= src.fetch(subject, signal).then((s) => (0,read_manifest/* readManifest */.W)(s, subject)));
    const found = [];
    for (const c of candidates)
        found.push(await check(c, subject, policy, root, manifestBytes));
    const accepted = found.filter((f) => f.accepted);
    const refuse = (missing, relevant) => {
        throw new signatures_errors/* SignatureRefusedError */.l(refusalLine(subject.digest, missing, relevant, policy, context), subject.digest, found, policy.description);
    };
    if (policy.attestationTypes.length) {
        for (const type of policy.attestationTypes) {
            if (!accepted.some((f) => f.kind === 'attestation' && f.predicateType === type)) {
                // The attestations of that type come first in the line: they are what the reader looks for.
                const rank = (f) => (f.predicateType === type ? 2 : f.kind === 'attestation' ? 1 : 0);
                refuse(`attestation of type ${(0,oci_text/* printable */.g$)(type)}`, [...found].sort((a, b) => rank(b) - rank(a)));
            }
        }
    }
    else if (!accepted.some((f) => f.kind === 'signature')) {
        refuse('signature', found);
    }
    const first = accepted.find((f) => (policy.attestationTypes.length ? f.kind === 'attestation' : f.kind === 'signature')) ?? accepted[0];
    const withLog = accepted.find((f) => f.tlogIndex !== undefined);
    return {
        digest: subject.digest,
        verified: true,
        policy: policy.description,
        trustRoot: root.name,
        found,
        ...(first.signer ? { signer: first.signer } : {}),
        predicateTypes: [...new Set(accepted.filter((f) => f.kind === 'attestation' && f.predicateType).map((f) => f.predicateType))],
        ...(withLog ? { tlogIndex: withLog.tlogIndex } : {}),
    };
}
async function check(c, subject, policy, root, manifestBytes) {
    if (isUnreadable(c))
        return { form: c.form, kind: c.kind, where: c.where, valid: false, accepted: false, problem: c.problem };
    const prepared = c.form === 'bundle' ? await prepareBundle(c, subject, manifestBytes) : prepareLegacy(c, subject);
    if ('problem' in prepared) {
        return {
            form: prepared.form,
            kind: prepared.kind,
            where: prepared.where,
            ...(prepared.digest ? { digest: prepared.digest } : {}),
            ...(prepared.predicateType ? { predicateType: prepared.predicateType } : {}),
            valid: false,
            accepted: false,
            problem: prepared.problem,
        };
    }
    return judgeSignature(prepared, policy, root);
}

// EXTERNAL MODULE: ./lib/src/job/checks/check.js
var checks_check = __webpack_require__(51534);
;// CONCATENATED MODULE: ./lib/src/job/render/signature-lines.js

/** `X (issuer Y)` or `key SHA256:…`: who signed, as a phrase. */
function signerWords(signer) {
    if (!signer)
        return 'an unknown signer';
    if (signer.keyFingerprint)
        return `key ${signer.keyFingerprint}`;
    return `${(0,oci_text/* printable */.g$)(signer.identity ?? 'no identity')}${signer.issuer ? ` (issuer ${(0,oci_text/* printable */.g$)(signer.issuer)})` : ''}`;
}
/**
 * `workflow W, repository R, commit C`: what a GitHub certificate names of the run, when it does.
 * The workflow is left out when it is the identity itself (a workflow signing for itself), which
 * `signerWords` has already named.
 */
function provenanceWords(signer) {
    if (!signer)
        return '';
    const parts = [
        signer.workflow && signer.workflow !== signer.identity && `workflow ${(0,oci_text/* printable */.g$)(signer.workflow)}`,
        signer.repository && `repository ${(0,oci_text/* printable */.g$)(signer.repository)}`,
        signer.commit && `commit ${(0,oci_text/* printable */.g$)(signer.commit)}`,
    ].filter(Boolean);
    return parts.join(', ');
}
/** `Verified sha256:…: signed by X (issuer Y); workflow …; log index 7 (policy: …)`. `chosenFrom`: the digest is the index a platform was chosen from. */
function verifiedLine(v, chosenFrom) {
    const run = provenanceWords(v.signer);
    const parts = [
        `Verified ${v.digest}${chosenFrom ? ' (the index the copied platform manifest was chosen from)' : ''}: signed by ${signerWords(v.signer)}`,
        run,
        v.predicateTypes.length ? `attestations ${v.predicateTypes.map((t) => (0,oci_text/* printable */.g$)(t)).join(', ')}` : '',
        v.tlogIndex !== undefined ? `log index ${v.tlogIndex}` : 'no transparency-log entry',
        v.platforms ? `${v.platforms.length} platform manifests verified too` : '',
    ].filter(Boolean);
    return `${parts.join('; ')} (${policyWords(v.policy, v.signer)})`;
}
/**
 * `Signed sha256:… (key, bundle) as …: referrer sha256:…`, `Not signed again: sha256:… is already
 * signed by …`, `Would sign sha256:… (key, bundle)`; with `sign-platforms`, how many platform
 * manifests were signed too (`; platform manifests: 2 signed`).
 */
function signingLine(s) {
    return `${rootSigningLine(s)}${platformCounts(s.platforms)}`;
}
function rootSigningLine(s) {
    if (s.state === 'already-signed')
        return `Not signed again: ${s.digest} is already signed by ${signerWords(s.signer)} (${(0,oci_text/* printable */.g$)(s.where)}, ${s.format})`;
    if (s.state === 'would-sign')
        return `Would sign ${s.digest} (${s.mode}, ${s.format})${s.signer ? ` as ${signerWords(s.signer)}` : ''}`;
    const where = s.tag ? `tag ${s.tag} (manifest ${s.manifest})` : `referrer ${s.manifest}`;
    return `Signed ${s.digest} (${s.mode}, ${s.format}) as ${signerWords(s.signer)}: ${where}${s.tlogIndex !== undefined ? `; log index ${s.tlogIndex}` : ''}`;
}
/** `; platform manifests: 1 signed, 1 already signed`, or that there were none to sign; nothing without `sign-platforms`. */
function platformCounts(platforms) {
    if (!platforms)
        return '';
    if (!platforms.length)
        return '; sign-platforms: it has no platform manifests to sign (a single manifest, or an index of none)';
    const count = (state, words) => {
        const n = platforms.filter((p) => p.state === state).length;
        return n ? `${n} ${words}` : '';
    };
    const parts = [count('signed', 'signed'), count('already-signed', 'already signed'), count('would-sign', 'would be signed')];
    return `; platform manifests: ${parts.filter(Boolean).join(', ')}`;
}
/**
 * A line per platform manifest: `Signed platform manifest linux/arm64 sha256:… of sha256:… (key,
 * bundle): referrer sha256:…`, `Not signed again: platform manifest … is already signed by this
 * signer (referrer sha256:…, bundle)`, `Would sign platform manifest … (key, bundle)`.
 */
function platformSigningLines(s) {
    return (s.platforms ?? []).map((p) => {
        const what = `platform manifest ${p.platform} ${p.digest} of ${s.digest}`;
        if (p.state === 'already-signed')
            return `Not signed again: ${what} is already signed by this signer (${(0,oci_text/* printable */.g$)(p.where ?? '')}, ${p.format})`;
        if (p.state === 'would-sign')
            return `Would sign ${what} (${s.mode}, ${p.format})`;
        return `Signed ${what} (${s.mode}, ${p.format}): ${p.tag ? `tag ${p.tag} (manifest ${p.manifest})` : `referrer ${p.manifest}`}`;
    });
}
/**
 * `Attested the verification of sha256:… (SLSA verification summary, PASSED, SLSA_BUILD_LEVEL_2) as …: referrer sha256:…`,
 * `Not attested again: sha256:… is already attested for this policy by … (referrer sha256:…)`,
 * `Would attest the verification of sha256:… (keyless)`, or, for an image that got none, the reason.
 */
function summaryLine(s) {
    if (s.state === 'already-attested')
        return `Not attested again: ${s.digest} is already attested for this policy by ${signerWords(s.signer)} (${(0,oci_text/* printable */.g$)(s.where)}, SLSA verification summary)`;
    if (s.state === 'would-attest')
        return `Would attest the verification of ${s.digest} (${s.mode}, SLSA verification summary)${s.signer ? ` as ${signerWords(s.signer)}` : ''}`;
    if (s.state === 'not-attested')
        return `No verification summary for ${s.digest}: ${s.reason}`;
    return `Attested the verification of ${s.digest} (SLSA verification summary, PASSED, ${s.verifiedLevels.join(', ')}) as ${signerWords(s.signer)}: referrer ${s.manifest}${s.tlogIndex !== undefined ? `; log index ${s.tlogIndex}` : ''}`;
}
/** `policy: identity X, issuer Y`, or, when that is exactly the signer just named, `the identity and issuer the policy requires`. */
function policyWords(policy, signer) {
    if (signer?.identity && signer.issuer && policy === `identity ${(0,oci_text/* printable */.g$)(signer.identity)}, issuer ${(0,oci_text/* printable */.g$)(signer.issuer)}`)
        return 'the identity and issuer the policy requires';
    return `policy: ${(0,oci_text/* printable */.g$)(policy)}`;
}

;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/names.js
/** The check that verifies the source against a policy, and the stage that signs the destination: the names they record under. */
const SIGNATURE_POLICY_CHECK = 'signature-policy';
const SIGN_STAGE = 'sign';
/** The stage that attaches a signed verification summary (SLSA VSA) of a verified image to its destination digest. */
const VERIFICATION_SUMMARY_STAGE = 'verification-summary';

// EXTERNAL MODULE: ./lib/src/job/render/verification.js
var verification = __webpack_require__(36468);
;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/presenter.js


/** Where the summary lists what was verified and signed, and its mark. */
const HEADING = 'Signatures';
const MARK = '🔏';
/**
 * What the signature policy found: a pass is a `Verified …` line (told in the log as the check ran,
 * before the copy); a refusal says nothing here, its error line names what was found and required,
 * and an image let through unverified in warn mode is marked so in its row, the warning (in the log
 * and the summary's lines) naming what was missing.
 */
const verificationPresenter = {
    heading: HEADING,
    mark: MARK,
    logLines: (v, item, told) => (v.verified && !told ? [verifiedLine(v, item.chosenFrom?.digest === v.digest)] : []),
    summaryCells: (v) => (v.verified ? ['signature verified (below)'] : v.mode === 'warn' ? ['unverified, verify-mode warn'] : []),
    json: (v) => ({ key: verification/* VERIFICATION_KEY */.iP, fields: (0,verification/* verificationFields */.ze)(v) }),
};
/** What signing wrote, found there already, or would write: a line each, and the one write of an image already there. */
const signingPresenter = {
    heading: HEADING,
    mark: MARK,
    logLines: (s) => [signingLine(s), ...platformSigningLines(s)],
    summaryCells: (s) => [
        `${s.state === 'already-signed' ? 'already signed' : s.state === 'would-sign' ? 'would be signed' : 'signed'}, ${s.mode}${s.platforms?.length ? platformCounts(s.platforms) : ''} (below)`,
    ],
    json: (s) => ({ key: verification/* VERIFICATION_KEY */.iP, fields: (0,verification/* signingFields */.Re)(s) }),
    wrote: (s) => {
        const written = (s.state === 'signed' ? 1 : 0) + (s.platforms ?? []).filter((p) => p.state === 'signed').length;
        return written > 1 ? 'the signatures above' : written ? 'the signature above' : undefined;
    },
};
/**
 * What the verification-summary stage attached, found there already, or would attach: a line each.
 * An image that got none says so in a warning as the stage runs (the log and the summary's lines
 * carry it); its row is marked here.
 */
const summaryPresenter = {
    heading: HEADING,
    mark: MARK,
    logLines: (s) => (s.state === 'not-attested' ? [] : [summaryLine(s)]),
    summaryCells: (s) => [
        s.state === 'attested'
            ? 'verification attested (below)'
            : s.state === 'already-attested'
                ? 'verification already attested'
                : s.state === 'would-attest'
                    ? 'verification would be attested'
                    : 'no verification summary',
    ],
    json: (s) => ({ key: verification/* VERIFICATION_KEY */.iP, fields: (0,verification/* summaryFields */.uF)(s) }),
    wrote: (s) => (s.state === 'attested' ? 'the verification summary above' : undefined),
};

;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/signature-check.js







/**
 * `signature-policy`: before any byte moves, the digest the source reference names must carry a
 * signature (or each required attestation) that satisfies the policy: the entry's own when it has
 * one, else the job's. The digest verified is the one the user pinned; a platform chosen from an
 * index is named by that signed index (with `verify-platforms`, each platform manifest must be
 * signed too). The policy is a gate on every run: an image the destination already holds is
 * verified too (its attachments are read: referrers and tags, and the signatures' own layers), and
 * a refusal says the destination holds it. One verification per source digest and policy serves
 * every destination of it. In a check of the destinations (`ctx.checking`), the digest the
 * destination holds is verified there instead, with what the destination holds of its signatures.
 * A pass is told in the image's log at once, before the copy. In the
 * policy's `warn` mode a failure refuses nothing: the image goes on, a warning names the digest and
 * what was missing, and the record says `verified: false, mode: 'warn'`.
 */
function signatureCheck(options) {
    const done = new Map();
    const discoveries = new WeakMap();
    return {
        name: SIGNATURE_POLICY_CHECK,
        presenter: verificationPresenter,
        everyRun: true,
        async run(ctx) {
            const policy = ctx.entry?.verify ?? options.policy;
            if (!policy)
                return;
            // A check of the destination verifies the digest it holds there; one that holds none of it has drift to say, and nothing to verify.
            if (ctx.checking && ![...ctx.current.values()].includes(ctx.resolved.root.digest))
                return;
            const target = ctx.checking ? ctx.destination : ctx.source;
            const subject = ctx.checking ? ctx.resolved.root : ctx.resolved.source;
            let discovery = discoveries.get(target);
            if (!discovery)
                discoveries.set(target, (discovery = new SignatureDiscovery(target)));
            const key = `${target.description}\n${subject.digest}\n${policy.description}\n${policy.trustRootName}\n${policy.platforms}`;
            let pending = done.get(key);
            if (!pending)
                done.set(key, (pending = verifyImage(target, subject, policy, { signal: ctx.signal, discovery }).then((r) => ({
                    ...r,
                    verifiedAt: new Date().toISOString(),
                }))));
            let record;
            try {
                record = await pending;
            }
            catch (err) {
                if (err instanceof signatures_errors/* SignatureRefusedError */.l) {
                    const usedRoot = policy.signer.kind !== 'key' || err.found.some((f) => f.tlogIndex !== undefined);
                    const refused = {
                        digest: err.digest,
                        verified: false,
                        policy: policy.description,
                        ...(usedRoot ? { trustRoot: policy.trustRootName } : {}),
                        predicateTypes: [],
                        found: err.found,
                        required: err.required,
                    };
                    if (policy.mode === 'warn') {
                        // Warn mode: the image goes on as if verified; the warning names the digest and what was missing.
                        const goesOn = ctx.item.inPlace
                            ? 'nothing is changed'
                            : ctx.state === 'unchanged'
                                ? `the destination already holds ${ctx.resolved.root.digest}: it is left there`
                                : ctx.dryRun
                                    ? 'would be copied anyway'
                                    : 'copied anyway';
                        ctx.warning(`Unverified ${subject.digest} (verify-mode warn, ${goesOn}): ${err.message}`);
                        return { ...refused, mode: 'warn' };
                    }
                    // Nothing is copied either way; an image already there stays, and the step still fails on it.
                    const held = ctx.checking
                        ? ` (checked in ${ctx.destination.description}, where users pull from)`
                        : ctx.state === 'unchanged' && !ctx.item.inPlace
                            ? `; the destination already holds ${ctx.resolved.root.digest} (copied by an earlier run): it is left there, unvouched for`
                            : '';
                    throw new checks_check/* CheckRefusal */.R8(`${err.message}${held}`, SIGNATURE_POLICY_CHECK, refused);
                }
                throw err;
            }
            // The verifier's record as it is, each platform's reduced to who signed it.
            const { platforms, ...rest } = record;
            const verified = policy.mode === 'warn' ? { ...rest, mode: 'warn' } : rest;
            if (platforms)
                verified.platforms = platforms.map((p) => ({
                    digest: p.digest,
                    ...(p.signer ? { signer: p.signer } : {}),
                    ...(p.tlogIndex !== undefined ? { tlogIndex: p.tlogIndex } : {}),
                }));
            ctx.notice(verifiedLine(verified, subject.digest !== ctx.resolved.root.digest), SIGNATURE_POLICY_CHECK);
            return verified;
        },
    };
}

// EXTERNAL MODULE: ./lib/src/oci/reference.js + 1 modules
var reference = __webpack_require__(91839);
// EXTERNAL MODULE: ./node_modules/@sigstore/sign/dist/index.js
var sign_dist = __webpack_require__(15179);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./lib/src/oci/descriptor.js
var descriptor = __webpack_require__(59995);
// EXTERNAL MODULE: ./lib/src/oci/referrer-kinds.js
var referrer_kinds = __webpack_require__(36055);
// EXTERNAL MODULE: ./lib/src/targets/shared-list.js
var shared_list = __webpack_require__(68599);
;// CONCATENATED MODULE: ./lib/src/signatures/attach.js











/** Stores `bytes` unless the target holds them already; our own bytes, so their digest is theirs. */
async function pushBytes(dst, mediaType, bytes, signal) {
    const desc = { mediaType, digest: (0,oci_digest/* digestOf */.ol)(bytes), size: bytes.length };
    if (!(await dst.exists(desc, signal)))
        await dst.push(desc, external_node_stream_.Readable.from([bytes]), signal);
    return desc;
}
function attach_json(value) {
    return Buffer.from(JSON.stringify(value));
}
/**
 * Attaches a Sigstore bundle to `subject` as cosign v3 and GitHub do: an image manifest with
 * `artifactType` `application/vnd.dev.sigstore.bundle.v0.3+json`, the empty config, the bundle as
 * its one layer, `subject` set, and the bundle annotations. Pushed by digest; a registry without
 * the referrers API gets the subject's `sha256-<hex>` index updated (the target does that), a
 * layout lists it in its index.
 */
async function attachBundle(dst, subject, bundle, annotations, signal) {
    const config = await pushBytes(dst, media_types/* MediaType */.zu.OciEmpty, Buffer.from('{}'), signal);
    const layer = await pushBytes(dst, BUNDLE_V03, bundle, signal);
    const bytes = attach_json({
        schemaVersion: 2,
        mediaType: media_types/* MediaType */.zu.OciManifest,
        artifactType: BUNDLE_V03,
        config,
        layers: [layer],
        subject: (0,descriptor/* plainDescriptor */.UM)(subject),
        annotations,
    });
    const desc = { mediaType: media_types/* MediaType */.zu.OciManifest, digest: (0,oci_digest/* digestOf */.ol)(bytes), size: bytes.length };
    await dst.push(desc, external_node_stream_.Readable.from([bytes]), signal);
    return { ...desc, artifactType: BUNDLE_V03, annotations };
}
/**
 * Adds a signature layer to cosign's legacy `sha256-<hex>.sig` manifest of `subject` (creating it
 * when missing, keeping every layer already there, as cosign appends): the layer is the
 * simple-signing payload, the signature and certificate ride in its annotations. The config is an
 * image config whose diff_ids list the layers, as cosign's is; the manifest is tagged last. Several
 * signers appending at once would drop each other's layers: the tag is read back after the write
 * and merged again until it holds every layer (`merges` says how often that was needed).
 */
async function attachLegacySignature(dst, subject, payload, annotations, signal) {
    const tag = (0,referrer_kinds/* cosignTags */.FJ)(subject.digest).find((t) => t.kind === 'signature').tag;
    const layer = { ...(await pushBytes(dst, SIMPLE_SIGNING, payload, signal)), annotations };
    // The same payload signed the same way is one layer.
    const key = (l) => `${l.digest} ${l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] ?? ''}`;
    let manifest;
    const update = await (0,shared_list/* appendToSharedList */.f)({
        key,
        read: async () => {
            const found = await existingLayers(dst, tag, signal);
            // What the tag names when our layer is there already: the manifest that holds it.
            if (found.layers.some((l) => key(l) === key(layer)))
                manifest = found.manifest;
            return found.layers;
        },
        write: async (layers) => {
            manifest = await writeSignatureManifest(dst, tag, layers, signal);
        },
        lost: (missing, rounds) => new errors/* OciCopyError */.vW(`attaching a signature to ${subject.digest} as ${tag} in ${dst.description}: other signers kept dropping layers from it (${missing} missing after ${rounds} writes); sign again to add them`),
        signal,
        // A layout or archive is written by this process alone.
        alone: !(0,target/* isLocated */.B0)(dst),
    }, [layer]);
    return { manifest: manifest, tag, merges: update.merges };
}
/** Writes the `.sig` manifest of `layers` (its config first) and tags it. */
async function writeSignatureManifest(dst, tag, layers, signal) {
    const epoch = '0001-01-01T00:00:00Z';
    const config = await pushBytes(dst, media_types/* MediaType */.zu.OciConfig, attach_json({
        architecture: '',
        created: epoch,
        history: layers.map(() => ({ created: epoch })),
        os: '',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
        config: {},
    }), signal);
    const bytes = attach_json({ schemaVersion: 2, mediaType: media_types/* MediaType */.zu.OciManifest, config, layers });
    const manifest = { mediaType: media_types/* MediaType */.zu.OciManifest, digest: (0,oci_digest/* digestOf */.ol)(bytes), size: bytes.length };
    if ((0,target/* isTaggingPusher */.jw)(dst)) {
        await dst.pushTagged(manifest, external_node_stream_.Readable.from([bytes]), tag, signal);
    }
    else {
        await dst.push(manifest, external_node_stream_.Readable.from([bytes]), signal);
        await dst.tag(manifest, tag);
    }
    return manifest;
}
/** The `.sig` manifest the tag names now and its layers; none when there is no such tag. */
async function existingLayers(dst, tag, signal) {
    let desc;
    try {
        desc = (0,target/* isTagReader */.ei)(dst) ? await dst.readTag(tag) : await dst.resolve(tag);
    }
    catch (err) {
        if (err instanceof errors/* NotFoundError */.m_)
            return { layers: [] };
        throw err;
    }
    if (!desc || !(0,media_types/* isImageManifest */.pJ)(desc.mediaType))
        return { layers: [] };
    const manifest = (0,oci_manifest/* parseImageManifest */.Sw)(await (0,read_manifest/* readManifest */.W)(await dst.fetch(desc, signal), desc), `manifest ${desc.digest} (${tag})`);
    const layers = (manifest.layers ?? []).map((l) => ({
        mediaType: l.mediaType,
        digest: l.digest,
        size: l.size,
        ...(l.annotations ? { annotations: l.annotations } : {}),
    }));
    return { manifest: desc, layers };
}

// EXTERNAL MODULE: ./node_modules/@noble/ciphers/salsa.js + 3 modules
var salsa = __webpack_require__(46382);
;// CONCATENATED MODULE: ./lib/src/signatures/cosign-key.js




/**
 * cosign's encrypted private-key file (`cosign generate-key-pair`): a PEM block `ENCRYPTED SIGSTORE
 * PRIVATE KEY` (older files: `ENCRYPTED COSIGN PRIVATE KEY`) whose body is the JSON of
 * go-securesystemslib's `encrypted` package: `{kdf: {name: scrypt, params: {N, r, p}, salt},
 * cipher: {name: nacl/secretbox, nonce}, ciphertext}` (byte fields base64). The key is scrypt of the
 * password, 32 bytes; the plaintext is the private key as PKCS#8 DER.
 */
const ENCRYPTED_TYPES = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'];
const PLAIN_TYPES = ['PRIVATE KEY', 'EC PRIVATE KEY'];
/** The scrypt parameters securesystemslib accepts (legacy, standard, OWASP): others are refused before any work, as there. */
const SCRYPT_PARAMS = [
    { N: 32768, r: 8, p: 1 },
    { N: 65536, r: 8, p: 1 },
    { N: 131072, r: 8, p: 1 },
];
/** What `cosign generate-key-pair` writes today. */
const DEFAULT_PARAMS = SCRYPT_PARAMS[1];
const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const SALT_BYTES = 32;
/**
 * The private key in a cosign key file. `what` names the file in errors (`input "sign-key"`), and
 * `source` where its password came from (or where to give one). A plain PKCS#8 or SEC1 PEM private
 * key is read too (no password). Errors are one line and never hold the password or the key.
 */
async function readCosignKeyFile(pem, password, what = 'the cosign key file', source = {}) {
    const block = pemBlock(pem);
    if (!block)
        throw new errors/* InputError */.dz(`${what} is not a PEM key file: give the cosign.key that cosign generate-key-pair wrote`);
    if (PLAIN_TYPES.includes(block.type)) {
        try {
            return checkSigningKey((0,external_node_crypto_.createPrivateKey)(pem), what);
        }
        catch (err) {
            if (err instanceof errors/* InputError */.dz)
                throw err;
            throw new errors/* InputError */.dz(`${what} holds a ${block.type} that cannot be read`);
        }
    }
    if (!ENCRYPTED_TYPES.includes(block.type)) {
        throw new errors/* InputError */.dz(`${what} holds a PEM ${block.type.length <= 40 ? `"${block.type}"` : 'block'}, not a cosign private key (ENCRYPTED SIGSTORE PRIVATE KEY)`);
    }
    const doc = parseEncrypted(block.body, what);
    const params = doc.kdf.params;
    const key = await deriveKey(password, Buffer.from(doc.kdf.salt, 'base64'), params);
    let plain;
    try {
        plain = (0,salsa/* secretbox */.EY)(key, Buffer.from(doc.cipher.nonce, 'base64')).open(Buffer.from(doc.ciphertext, 'base64'));
    }
    catch {
        // An empty password is a missing one: saying it is wrong would send the user to check the wrong thing.
        if (!password)
            throw new errors/* InputError */.dz(`${what} is encrypted and no password is given: give the password it was made with in ${source.giveIn ?? source.from ?? 'COSIGN_PASSWORD'}`);
        throw new errors/* InputError */.dz(`${what} could not be decrypted: the password is wrong (or the file was altered); give the password it was made with${source.from ? ` in ${source.from}` : ''}`);
    }
    let privateKey;
    try {
        privateKey = (0,external_node_crypto_.createPrivateKey)({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
    }
    catch {
        throw new errors/* InputError */.dz(`${what} decrypts to something that is not a PKCS#8 private key`);
    }
    return checkSigningKey(privateKey, what);
}
/** A cosign key file holding `privateKey` (ECDSA P-256, P-384, P-521, RSA or Ed25519), encrypted with `password`, as cosign writes one. */
async function writeCosignKeyFile(privateKey, password) {
    checkSigningKey(privateKey, 'the key');
    const salt = randomBytes(SALT_BYTES);
    const nonce = randomBytes(NONCE_BYTES);
    const key = await deriveKey(password, salt, DEFAULT_PARAMS);
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const ciphertext = secretbox(key, nonce).seal(der);
    const doc = {
        kdf: { name: 'scrypt', params: DEFAULT_PARAMS, salt: salt.toString('base64') },
        cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
        ciphertext: Buffer.from(ciphertext).toString('base64'),
    };
    const body = Buffer.from(JSON.stringify(doc))
        .toString('base64')
        .replace(/.{1,64}/g, '$&\n');
    return `-----BEGIN ${ENCRYPTED_TYPES[0]}-----\n${body}-----END ${ENCRYPTED_TYPES[0]}-----\n`;
}
/** Signing here takes the keys cosign holds: ECDSA P-256, P-384 and P-521, RSA (2048 bits or more), Ed25519; others are refused up front. */
function checkSigningKey(key, what) {
    if ((0,public_key/* signingHash */.gP)(key) === undefined)
        throw new errors/* InputError */.dz(`${what} holds ${key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `an ${key.asymmetricKeyType ?? 'unknown'} key`}: signing takes an ECDSA (P-256, P-384, P-521), RSA or Ed25519 key (cosign generate-key-pair makes an ECDSA P-256 one)`);
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
        throw new errors/* InputError */.dz(`${what} holds a ${key.asymmetricKeyDetails?.modulusLength}-bit RSA key: signing takes RSA keys of 2048 bits or more`);
    return key;
}
function pemBlock(pem) {
    const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
    if (!m)
        return undefined;
    return { type: m[1], body: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}
function parseEncrypted(body, what) {
    let doc;
    try {
        doc = JSON.parse(body.toString('utf8'));
    }
    catch {
        throw new errors/* InputError */.dz(`${what} is damaged: its body is not the JSON cosign writes`);
    }
    const str = (v) => typeof v === 'string';
    if (!doc?.kdf || !doc.cipher || !str(doc.ciphertext) || !str(doc.kdf.salt) || !str(doc.cipher.nonce) || !doc.kdf.params) {
        throw new errors/* InputError */.dz(`${what} is damaged: it lacks kdf, cipher or ciphertext`);
    }
    if (doc.kdf.name !== 'scrypt')
        throw new errors/* InputError */.dz(`${what} uses the key derivation "${String(doc.kdf.name).slice(0, 40)}", not scrypt`);
    if (doc.cipher.name !== 'nacl/secretbox')
        throw new errors/* InputError */.dz(`${what} uses the cipher "${String(doc.cipher.name).slice(0, 40)}", not nacl/secretbox`);
    const p = doc.kdf.params;
    if (!SCRYPT_PARAMS.some((q) => q.N === p.N && q.r === p.r && q.p === p.p)) {
        throw new errors/* InputError */.dz(`${what} asks for scrypt parameters cosign never writes (N=${Number(p.N)}, r=${Number(p.r)}, p=${Number(p.p)}): refused`);
    }
    if (Buffer.from(doc.cipher.nonce, 'base64').length !== NONCE_BYTES)
        throw new errors/* InputError */.dz(`${what} is damaged: its nonce is not ${NONCE_BYTES} bytes`);
    return doc;
}
function deriveKey(password, salt, params) {
    return new Promise((resolve, reject) => {
        // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below what N=2^16 takes.
        (0,external_node_crypto_.scrypt)(Buffer.from(password, 'utf8'), salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r }, (err, key) => (err ? reject(err) : resolve(key)));
    });
}

;// CONCATENATED MODULE: ./lib/src/signatures/sign.js














/**
 * A key signing as cosign does with its type (ECDSA P-256 with SHA-256, P-384 with SHA-384, RSA
 * PKCS#1 v1.5 with SHA-256, Ed25519), its public key as the bundle's key hint.
 */
class KeySigner {
    key;
    constructor(key) {
        this.key = key;
    }
    async sign(data) {
        const pub = (0,external_node_crypto_.createPublicKey)(this.key);
        const hint = (0,external_node_crypto_.createHash)('sha256')
            .update(pub.export({ type: 'spki', format: 'der' }))
            .digest('base64');
        return { signature: (0,public_key/* signWithKey */.Ft)(this.key, data), key: { $case: 'publicKey', publicKey: (0,public_key/* publicKeyPem */.rY)(pub), hint } };
    }
}
/**
 * Signs `subject` (a digest now in `dst`) and attaches the signature there. `repository` is the full
 * name the image is known by (`ghcr.io/acme/app`): the legacy payload's `docker-reference`.
 * Keyless: an ephemeral key, a Fulcio certificate for the OIDC identity, a Rekor entry (and a TSA
 * stamp when asked). With a key: the key's signature, logged when a Rekor is named. Errors are one
 * line (`SigningError`, `InputError` for the key) and hold no token, password or key.
 */
async function signImage(dst, subject, repository, opts) {
    return signAndAttach(dst, subject, repository, opts, { data: signStatement(subject.digest), predicateType: COSIGN_SIGN_PREDICATE });
}
/**
 * Signs an in-toto `statement` about `subject` (a digest now in `dst`; the statement must name it)
 * as a DSSE envelope, and attaches it as a v0.3 bundle referrer annotated with `predicateType`, as
 * cosign v3's `attest` does: an attestation, such as a verification summary. Signed as `signImage`
 * signs (a key, or keyless); `opts.format` is not read (an attestation is always a bundle).
 */
async function attestImage(dst, subject, statement, predicateType, opts) {
    return signAndAttach(dst, subject, '', { ...opts, format: 'bundle' }, { data: statement, predicateType });
}
async function signAndAttach(dst, subject, repository, opts, dsse) {
    const format = opts.format ?? 'bundle';
    const tokens = [];
    const { signer, key } = await makeSigner(opts, tokens);
    const witnesses = makeWitnesses(opts);
    const what = `signing ${subject.digest} (${opts.mode === 'key' ? 'with a key' : 'keyless'})`;
    stopIfAborted(opts.signal);
    let bundle;
    let payload;
    try {
        if (format === 'bundle') {
            bundle = await new sign_dist/* DSSEBundleBuilder */.VV({ signer, witnesses }).create({ data: dsse.data, type: IN_TOTO_PAYLOAD_TYPE });
        }
        else {
            payload = simpleSigningPayload(subject.digest, repository);
            bundle = await new sign_dist/* MessageSignatureBundleBuilder */.z3({ signer, witnesses }).create({ data: payload });
        }
    }
    catch (err) {
        if (err instanceof errors/* OciCopyError */.vW)
            throw err;
        throw new signatures_errors/* SigningError */.u(`${what} failed: ${(0,oci_text/* printable */.g$)(redact((0,errors/* messageOf */.bD)(err), tokens), 400)}`);
    }
    stopIfAborted(opts.signal);
    const cert = leafCertificate(bundle);
    const identity = cert ? certificateIdentity(cert) : { keyFingerprint: (0,public_key/* keyFingerprint */.yy)((0,external_node_crypto_.createPublicKey)(key)) };
    const tlogIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
    const base = { digest: subject.digest, mode: opts.mode, format, signer: identity, ...(tlogIndex !== undefined ? { tlogIndex } : {}) };
    if (format === 'bundle') {
        const annotations = {
            [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
            [BUNDLE_PREDICATE_ANNOTATION]: dsse.predicateType,
            [CREATED_ANNOTATION]: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        };
        const manifest = await attachBundle(dst, subject, Buffer.from(JSON.stringify((0,dist.bundleToJSON)(bundle))), annotations, opts.signal);
        if ((0,target/* isPushNoter */.v$)(dst))
            for (const note of dst.pushNotes(manifest))
                opts.onNotice?.(note.message);
        return { ...base, manifest: manifest.digest };
    }
    const { manifest, tag, merges } = await attachLegacySignature(dst, subject, payload, legacyAnnotations(bundle), opts.signal);
    if (merges) {
        const times = merges === 1 ? 'once' : `${merges} times`;
        opts.onNotice?.(`the signature tag ${tag} of ${subject.digest} lost layers to another signer at the same time: merged and written again (${times})`);
    }
    return { ...base, manifest: manifest.digest, tag };
}
async function makeSigner(opts, tokens) {
    if (opts.mode === 'key') {
        const key = opts.key ??
            (opts.keyFile !== undefined
                ? await readCosignKeyFile(opts.keyFile, opts.password ?? '', undefined, opts.password ? { from: 'the password option' } : { giveIn: 'the password option' })
                : undefined);
        if (!key)
            throw new errors/* InputError */.dz('signing with a key needs the key: give sign-key (a cosign key file)');
        if (key.type !== 'private')
            throw new errors/* InputError */.dz('signing with a key needs the private key (cosign.key), not the public one');
        return { signer: new KeySigner(key), key };
    }
    const fetchToken = opts.identityToken;
    if (!fetchToken)
        throw new errors/* InputError */.dz('keyless signing needs an OIDC identity token: in GitHub Actions, give the job `permissions: id-token: write`');
    // Each token handed out is remembered, so that no error line can carry it (sigstore-js quotes an invalid one).
    const getToken = async () => {
        const token = await fetchToken();
        tokens.push(token);
        return token;
    };
    const signer = new sign_dist/* FulcioSigner */.$o({
        fulcioBaseURL: opts.fulcioUrl ?? sign_dist/* DEFAULT_FULCIO_URL */.jl,
        identityProvider: { getToken },
        timeout: opts.timeoutMs ?? 30_000,
        retry: 2,
    });
    return { signer };
}
function makeWitnesses(opts) {
    const fetch = { timeout: opts.timeoutMs ?? 30_000, retry: 2 };
    const out = [];
    const rekor = opts.rekorUrl ?? (opts.mode === 'keyless' ? sign_dist/* DEFAULT_REKOR_URL */.AD : undefined);
    if (rekor)
        out.push(new sign_dist/* RekorWitness */.fU({ rekorBaseURL: rekor, ...fetch }));
    if (opts.tsaUrl)
        out.push(new sign_dist/* TSAWitness */.gs({ tsaBaseURL: opts.tsaUrl, ...fetch }));
    return out;
}
/** cosign's simple-signing payload (pkg/signature/payload): what the legacy `.sig` signs. */
function simpleSigningPayload(digest, repository) {
    return Buffer.from(JSON.stringify({
        critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': digest }, type: COSIGN_PAYLOAD_TYPE },
        optional: null,
    }));
}
function leafCertificate(bundle) {
    const c = bundle.verificationMaterial.content;
    const raw = c.$case === 'x509CertificateChain'
        ? c.x509CertificateChain.certificates[0]?.rawBytes
        : c.$case === 'certificate'
            ? c.certificate.rawBytes
            : undefined;
    return raw ? core_dist.X509Certificate.parse(Buffer.from(raw)) : undefined;
}
/**
 * The annotations of a legacy `.sig` layer from a message-signature bundle, as cosign writes them
 * (pkg/oci/static): the signature (base64), the certificate and chain (PEM), the Rekor entry with
 * its signed entry timestamp, and the RFC 3161 timestamp.
 */
function legacyAnnotations(bundle) {
    if (bundle.content.$case !== 'messageSignature')
        throw new Error('a legacy signature is a message signature');
    const out = { [COSIGN_SIGNATURE_ANNOTATION]: bundle.content.messageSignature.signature.toString('base64') };
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
function pem(der) {
    return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
/** The message with every identity token, and anything shaped like a JWT, replaced by `[token]`. */
function redact(message, tokens) {
    let out = message;
    for (const t of tokens)
        if (t)
            out = out.split(t).join('[token]');
    return out.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '[token]');
}
function stopIfAborted(signal) {
    if (signal?.aborted)
        throw new errors/* CancelledError */.cc(`signing stopped: ${(0,errors/* messageOf */.bD)(signal.reason)}`);
}

;// CONCATENATED MODULE: ./lib/src/signatures/signed-by.js






/**
 * The first signature of `subject` in `target` made by `signer`: for a key, one whose signature
 * verifies with the key's public half; for an identity, one whose certificate names that identity
 * and issuer and whose signature verifies with the certificate's key. The attachments are found as
 * verification finds them (referrers and cosign tags; manifests and the signatures' own small
 * layers, nothing else).
 *
 * This decides only whether to sign again, never whether an image may pass (a verify policy does
 * that, against a trust root): the certificate chain and log proofs are not checked, as a job
 * signing through a private Fulcio and Rekor is not given their trust root. Undefined when there is none.
 * `discovery`, shared across an index and its platform manifests, reads the tag list once.
 */
async function findOwnSignature(target, subject, signer, signal, discovery = new SignatureDiscovery(target)) {
    const [first] = await findOwn(target, subject, signer, (p) => p.kind === 'signature', true, signal, discovery);
    return first && { form: first.form, where: first.where, signer: first.signer };
}
/**
 * Every attestation of `subject` in `target` with `predicateType` made by `signer`, judged as
 * `findOwnSignature` judges signatures (whether to write one again, never whether to trust it).
 */
async function findOwnAttestations(target, subject, signer, predicateType, signal) {
    const found = await findOwn(target, subject, signer, (p) => p.kind === 'attestation' && p.predicateType === predicateType, false, signal);
    return found.flatMap((f) => (f.statement ? [{ form: f.form, where: f.where, signer: f.signer, statement: f.statement }] : []));
}
async function findOwn(target, subject, signer, wanted, firstOnly, signal, discovery = new SignatureDiscovery(target)) {
    const candidates = await discovery.find(subject, signal);
    let manifest;
    const manifestBytes = () => (manifest ??= target.fetch(subject, signal).then((s) => (0,read_manifest/* readManifest */.W)(s, subject)));
    const out = [];
    for (const c of candidates) {
        if (isUnreadable(c))
            continue;
        const p = c.form === 'bundle' ? await prepareBundle(c, subject, manifestBytes) : prepareLegacy(c, subject);
        if ('problem' in p || !wanted(p))
            continue;
        const found = signed_by_signedBy(p, signer);
        if (!found)
            continue;
        out.push({ ...p, signer: found });
        if (firstOnly)
            break;
    }
    return out;
}
function signed_by_signedBy(p, signer) {
    try {
        if (signer.kind === 'key') {
            if (p.certificate || !p.entity.signature.verifySignature(signer.key))
                return undefined;
            return { keyFingerprint: (0,public_key/* keyFingerprint */.yy)(signer.key) };
        }
        const cert = p.certificate;
        if (!cert || cert.subjectAltName !== signer.identity || certificateIssuer(cert) !== signer.issuer)
            return undefined;
        const key = (0,external_node_crypto_.createPublicKey)({ key: cert.publicKey, format: 'der', type: 'spki' });
        return p.entity.signature.verifySignature(key) ? certificateIdentity(cert) : undefined;
    }
    catch {
        // A key or signature from outside that cannot be used is no signature by this signer.
        return undefined;
    }
}
/**
 * The identity and issuer Fulcio puts in the certificate for an OIDC token, read from the token's
 * claims (it is this job's own token: its signature is Fulcio's to check): GitHub Actions'
 * `https://github.com/<job_workflow_ref>` (or the `url` claim's server), else the `email` claim,
 * else the subject. Undefined when the token cannot be read.
 */
function tokenIdentity(token) {
    let claims;
    try {
        claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    }
    catch {
        return undefined;
    }
    const str = (v) => (typeof v === 'string' && v ? v : undefined);
    const issuer = str(claims.iss);
    if (!issuer)
        return undefined;
    const workflow = str(claims.job_workflow_ref);
    const identity = workflow
        ? `${(str(claims.url) ?? 'https://github.com/').replace(/\/?$/, '/')}${workflow}`
        : (str(claims.email) ?? str(claims.sub));
    return identity ? { identity, issuer } : undefined;
}

;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/signing-keys.js


/**
 * The cosign key files a job signs with, each decrypted once (scrypt makes that slow): the step's
 * and every entry's, however many entries name the same file. Remembered by a hash of the file and
 * its password, never by either.
 */
class SigningKeys {
    keys = new Map();
    /** The private key `sign` names (mode `key`); a wrong password is an `InputError` naming where the key was given. */
    key(sign) {
        const pem = sign.keyPem ?? '';
        const password = sign.password ?? '';
        const id = (0,external_node_crypto_.createHash)('sha256').update(pem).update('\0').update(password).digest('hex');
        let key = this.keys.get(id);
        if (!key)
            this.keys.set(id, (key = readCosignKeyFile(pem, password, sign.keyName, sign.passwordSource)));
        return key;
    }
}

;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/sign-stage.js













/** How the stage's signer signs (its key or keyless token, its services), for a signature or an attestation. */
function signerOptions(chosen, ctx) {
    return {
        mode: chosen.mode,
        ...(chosen.key ? { key: chosen.key } : {}),
        ...(chosen.identityToken ? { identityToken: chosen.identityToken } : {}),
        ...(chosen.fulcioUrl ? { fulcioUrl: chosen.fulcioUrl } : {}),
        ...(chosen.rekorUrl ? { rekorUrl: chosen.rekorUrl } : {}),
        ...(chosen.tsaUrl ? { tsaUrl: chosen.tsaUrl } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onNotice: (message) => ctx.notice(message),
    };
}
/**
 * `sign`: the destination digest ends up signed. Once an image is tagged, its digest there is
 * signed and the signature attached (a bundle referrer, or cosign's `.sig` tag). An image the
 * destination already had is signed too, unless its digest already carries a signature by this
 * signer (`findOwnSignature`: for a key, one that verifies with its public half; keyless, one whose
 * certificate names the identity and issuer of the job's OIDC token): so a run whose signing
 * failed is mended by running it again, and a run with nothing to do writes nothing. A dry run
 * writes nothing and says what it would sign. An image of a sync entry with its own signing
 * (`entry.sign`) is signed as that says, or not at all for `sign: false`; any other image as
 * `options` say (none: not signed). With `platforms`, each platform manifest of an index is signed
 * too (the build attestations Docker stores beside them are not platforms), each unless it already
 * carries a signature by this signer, looked for every run: a platform manifest may be shared with
 * an index signed before.
 */
function signStage(options, entries = {}) {
    const keys = entries.keys ?? new SigningKeys();
    const identityToken = entries.identityToken ?? options?.identityToken;
    return {
        name: SIGN_STAGE,
        presenter: signingPresenter,
        everyRun: true,
        async run(ctx) {
            const own = ctx.entry?.sign;
            if (own === false || (own === undefined && !options))
                return;
            const dst = ctx.item.destination;
            const repository = (0,reference/* formatReference */.FH)({ ...dst, tags: [], digest: undefined });
            const digest = ctx.root.digest;
            // The image is in place under its tags: the line says so, so nobody looks for a half-written copy.
            const where = ctx.item.inPlace ? 'is in place' : ctx.state === 'unchanged' ? 'is already at the destination' : 'is copied and tagged';
            const fail = (err) => {
                if (err instanceof errors/* CancelledError */.cc)
                    throw err;
                if (ctx.item.inPlace)
                    throw new signatures_errors/* SigningError */.u(`${digest} is not signed: ${(0,errors/* messageOf */.bD)(err)}`);
                throw new signatures_errors/* SigningError */.u(`${digest} ${where}, but not signed: ${(0,errors/* messageOf */.bD)(err)}`);
            };
            const chosen = own ? await signStageOptions(own, keys, identityToken).catch(fail) : options;
            // With sign-platforms, the index's platform manifests, each signed unless this signer already has.
            const children = chosen.platforms ? await platformsOf(ctx).catch(fail) : undefined;
            // Keyless, the token is asked for here only when an image already there, or a platform manifest, must be looked at.
            const look = ctx.state === 'unchanged' || chosen.mode === 'key' || !!children?.length;
            const signer = look ? await ownSigner(chosen, ctx.dryRun).catch(fail) : undefined;
            const discovery = new SignatureDiscovery(ctx.destination);
            const ownOf = async (subject) => signer ? await findOwnSignature(ctx.destination, subject, signer.rule, ctx.signal, discovery).catch(fail) : undefined;
            // Everything is looked at before anything is written: the signatures written now are not found as "already there".
            const found = ctx.state === 'unchanged' ? await ownOf(ctx.root) : undefined;
            const childrenFound = [];
            for (const child of children ?? [])
                childrenFound.push(await ownOf(child));
            const base = { digest, mode: chosen.mode, format: chosen.format };
            const sign = (subject) => signImage(ctx.destination, subject, repository, { ...signerOptions(chosen, ctx), format: chosen.format });
            const record = found
                ? { ...base, state: 'already-signed', format: found.form, signer: found.signer, where: found.where }
                : ctx.dryRun
                    ? { ...base, state: 'would-sign', ...(signer ? { signer: signer.identity } : {}) }
                    : { ...(await sign(ctx.root).catch(fail)), state: 'signed' };
            if (!children)
                return record;
            const platforms = [];
            for (const [i, child] of children.entries()) {
                const at = { digest: child.digest, platform: platformName(child) };
                const there = childrenFound[i];
                if (there) {
                    platforms.push({ ...at, state: 'already-signed', format: there.form, where: there.where });
                    continue;
                }
                if (ctx.dryRun) {
                    platforms.push({ ...at, state: 'would-sign', format: chosen.format });
                    continue;
                }
                const signed = await sign(child).catch((err) => {
                    if (err instanceof errors/* CancelledError */.cc)
                        throw err;
                    throw new signatures_errors/* SigningError */.u(`${digest} ${where}, but ${platformFailure(at, err, record, platforms, children.length)}`);
                });
                platforms.push({
                    ...at,
                    state: 'signed',
                    format: signed.format,
                    manifest: signed.manifest,
                    ...(signed.tag ? { tag: signed.tag } : {}),
                });
            }
            return { ...record, platforms };
        },
    };
}
/**
 * The platform manifests of the image the stage signs, read from the destination; in a dry run
 * that copied nothing, from the source, or, for an index made here for a list of platforms, as
 * chosen.
 */
async function platformsOf(ctx) {
    if (!(0,media_types/* isIndex */.nw)(ctx.root.mediaType))
        return [];
    if (!ctx.dryRun || ctx.state === 'unchanged')
        return platformManifests(ctx.destination, ctx.root, ctx.signal);
    if (ctx.resolved.source.digest === ctx.root.digest)
        return platformManifests(ctx.source, ctx.root, ctx.signal);
    return (ctx.resolved.platforms ?? []).map(({ mediaType, digest, size, platform }) => ({ mediaType, digest, size, platform }));
}
/**
 * `its platform manifest sha256:… (linux/arm64) is not signed: <why> (the index is signed, and 1 of
 * its 2 other platform manifests; a re-run signs what lacks a signature)`: which platform manifest
 * failed, and what is signed all the same.
 */
function platformFailure(at, err, record, done, total) {
    const signed = done.length;
    const others = total - 1;
    const index = record.state === 'already-signed' ? 'was already signed' : 'is signed';
    const rest = others ? `, and ${signed} of its ${others} other platform manifest${others === 1 ? '' : 's'}` : '';
    return `its platform manifest ${at.digest} (${at.platform}) is not signed: ${(0,errors/* messageOf */.bD)(err)} (the index ${index}${rest}; a re-run signs what lacks a signature)`;
}
/**
 * Who this stage signs as: the key's public half, or the identity and issuer the job's OIDC token
 * names (Fulcio puts those in the certificate). Undefined when that cannot be told: a dry run
 * without a token, a token that cannot be read (then the image is signed, and Fulcio judges the token).
 */
async function ownSigner(chosen, dryRun) {
    if (chosen.mode === 'key') {
        if (!chosen.key)
            return undefined;
        const key = (0,external_node_crypto_.createPublicKey)(chosen.key);
        return { rule: { kind: 'key', key }, identity: { keyFingerprint: (0,public_key/* keyFingerprint */.yy)(key) } };
    }
    if (!chosen.identityToken)
        return undefined;
    // A dry run asks for a token only if one can be had; a real run needs it anyway to sign.
    const token = dryRun ? await chosen.identityToken().catch(() => undefined) : await chosen.identityToken();
    const claims = token ? tokenIdentity(token) : undefined;
    return claims ? { rule: { kind: 'identity', ...claims }, identity: claims } : undefined;
}
/** The stage's options from signing settings (an entry's): the key decrypted (once, through `keys`), the job's token for keyless. */
async function signStageOptions(sign, keys, identityToken) {
    const key = sign.mode === 'key' ? await keys.key(sign) : undefined;
    return {
        mode: sign.mode,
        format: sign.format,
        ...(key ? { key } : {}),
        ...(sign.mode === 'keyless' && identityToken ? { identityToken } : {}),
        ...(sign.fulcioUrl ? { fulcioUrl: sign.fulcioUrl } : {}),
        ...(sign.rekorUrl ? { rekorUrl: sign.rekorUrl } : {}),
        ...(sign.tsaUrl ? { tsaUrl: sign.tsaUrl } : {}),
        ...(sign.platforms ? { platforms: true } : {}),
    };
}

;// CONCATENATED MODULE: ./lib/src/version.js
/** The product's version, as package.json gives it (a unit test keeps the two equal). */
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/summary-stage.js














/**
 * `attest-verification`: after a verified promotion, the destination digest gets a signed SLSA
 * verification summary (an in-toto statement, predicate `https://slsa.dev/verification_summary/v1`)
 * as a v0.3 bundle referrer: who verified it (oci-copy and its version; keyless, the workflow
 * identity), when, the destination reference, the policy (its requirements as JSON, their digest,
 * in words), the signatures and attestations that satisfied it, `PASSED`, and the SLSA levels
 * verified. Signed as the image is signed (the step's or the entry's `sign`). An image that did not
 * pass (warn mode) gets none, and a warning says so. A digest that already carries a summary by
 * this signer for the same policy gets no second one (`already attested`), so a re-run writes
 * nothing. A dry run says what it would attest. Runs after the signing stage.
 */
function verificationSummaryStage(options, entries = {}) {
    const keys = entries.keys ?? new SigningKeys();
    const identityToken = entries.identityToken ?? options.sign?.identityToken;
    return {
        name: VERIFICATION_SUMMARY_STAGE,
        presenter: summaryPresenter,
        everyRun: true,
        async run(ctx) {
            if (!(ctx.entry?.attestVerification ?? options.attest))
                return;
            const digest = ctx.root.digest;
            const notAttested = (reason) => {
                ctx.warning(`No verification summary for ${digest}: ${reason}`);
                return { state: 'not-attested', digest, reason };
            };
            const verification = ctx.checks[SIGNATURE_POLICY_CHECK];
            const policy = ctx.entry?.verify ?? options.policy;
            if (!verification || !policy)
                return notAttested('no signature policy verified it (give verify-key or verify-certificate-identity)');
            if (!verification.verified)
                return notAttested('it did not pass the signature policy (verify-mode warn copied it anyway), and a summary says PASSED or nothing');
            const own = ctx.entry?.sign;
            if (own === false || (own === undefined && !options.sign))
                return notAttested('nothing signs it (its entry says sign: false)');
            const fail = (err) => {
                if (err instanceof errors/* CancelledError */.cc)
                    throw err;
                const where = ctx.state === 'unchanged' ? 'is already at the destination' : 'is copied and tagged';
                throw new signatures_errors/* SigningError */.u(`${digest} ${where}, but its verification summary is not attached: ${(0,errors/* messageOf */.bD)(err)}`);
            };
            const chosen = own ? await signStageOptions(own, keys, identityToken).catch(fail) : options.sign;
            const signer = await ownSigner(chosen, ctx.dryRun).catch(fail);
            const policyRef = policyDescriptor(policy);
            const policyDigest = `sha256:${policyRef.digest.sha256}`;
            if (signer) {
                const there = await findOwnAttestations(ctx.destination, ctx.root, signer.rule, VSA_PREDICATE, ctx.signal).catch(fail);
                const same = there.find((a) => {
                    const statement = parseStatement(a.statement);
                    const read = typeof statement === 'string' ? undefined : readSummary(statement.predicate);
                    return read?.policyDigest === policyDigest && read.result === 'PASSED';
                });
                if (same)
                    return { state: 'already-attested', digest, signer: same.signer, where: same.where, policyDigest };
            }
            if (ctx.dryRun)
                return { state: 'would-attest', digest, mode: chosen.mode, ...(signer ? { signer: signer.identity } : {}), policyDigest };
            const dst = ctx.item.destination;
            const repository = (0,reference/* formatReference */.FH)({ ...dst, tags: [], digest: undefined });
            const tag = ctx.references.find((r) => !(0,oci_digest/* isDigest */.Bc)(r));
            const levels = verifiedLevels(policy, verification.predicateTypes);
            const summary = {
                verifier: {
                    // Keyless, the workflow that verified is the verifier the certificate names; with a key, oci-copy.
                    id: (signer?.rule.kind === 'identity' && signer.identity.identity) || OCI_COPY_URI,
                    version: { 'oci-copy': VERSION },
                },
                timeVerified: verification.verifiedAt ?? new Date().toISOString(),
                resourceUri: (0,reference/* formatReference */.FH)({ ...dst, tags: tag ? [tag] : [], digest }),
                policy: policyRef,
                inputAttestations: inputAttestations(verification.found, policy),
                verificationResult: 'PASSED',
                verifiedLevels: levels,
                slsaVersion: '1.0',
            };
            const statement = summaryStatement({ digest, name: repository, summary });
            const record = await attestImage(ctx.destination, ctx.root, statement, VSA_PREDICATE, signerOptions(chosen, ctx)).catch(fail);
            return {
                state: 'attested',
                digest,
                mode: chosen.mode,
                signer: record.signer,
                manifest: record.manifest,
                policyDigest,
                verifiedLevels: levels,
                ...(record.tlogIndex !== undefined ? { tlogIndex: record.tlogIndex } : {}),
            };
        },
    };
}

// EXTERNAL MODULE: ./lib/src/job/checks/signature-gates/load.js
var load = __webpack_require__(73248);
;// CONCATENATED MODULE: ./lib/src/job/checks/signature-gates/stages.js





/**
 * The job's signature check and signing stage from its settings and its entries'. Every key file
 * (the step's, each entry's, each distinct one once) is decrypted now, before any image is copied,
 * so a wrong password is one line and nothing is written. With one entry's policy given, the check
 * runs for every image; with the step or one entry signing, the stage does.
 */
async function signatureStages(inputs, options = {}) {
    const entries = options.entries ?? [];
    (0,load/* checkAttestVerification */.N0)(inputs, entries);
    const entryPolicies = options.entryPolicies || entries.some((e) => e.verify);
    const checks = inputs.verify || entryPolicies ? [signatureCheck({ ...(inputs.verify ? { policy: inputs.verify } : {}) })] : [];
    const afterTag = [];
    const entrySigns = entries.map((e) => e.sign).filter((s) => !!s);
    if (inputs.sign || entrySigns.length) {
        const keys = new SigningKeys();
        const step = inputs.sign ? await signStageOptions(inputs.sign, keys, options.identityToken) : undefined;
        for (const sign of entrySigns)
            if (sign.mode === 'key')
                await keys.key(sign);
        const signing = { keys, ...(options.identityToken ? { identityToken: options.identityToken } : {}) };
        afterTag.push(signStage(step, signing));
        // The summary of what was verified, signed as the image was, after it.
        if (inputs.attestVerification || entries.some((e) => e.attestVerification))
            afterTag.push(verificationSummaryStage({
                attest: inputs.attestVerification === true,
                ...(inputs.verify ? { policy: inputs.verify } : {}),
                ...(step ? { sign: step } : {}),
            }, signing));
    }
    return { checks, afterTag };
}


/***/ }),

/***/ 74555:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseTrustedRoot: () => (/* binding */ parseTrustedRoot),
/* harmony export */   publicGoodTrustRoot: () => (/* binding */ publicGoodTrustRoot),
/* harmony export */   trustMaterial: () => (/* binding */ trustMaterial),
/* harmony export */   trustRootFromJson: () => (/* binding */ trustRootFromJson)
/* harmony export */ });
/* harmony import */ var _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(19654);
/* harmony import */ var _sigstore_verify__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(54187);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29949);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4277);
/* harmony import */ var _trust_root_file_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(31950);






/**
 * Reads a `trusted_root.json` (a private Sigstore's, GitHub's own for private repositories).
 * `what` names it in errors (`input "verify-trusted-root" (root.json)`).
 */
function parseTrustedRoot(text, name, what) {
    return trustRootFromJson((0,_trust_root_file_js__WEBPACK_IMPORTED_MODULE_3__/* .checkTrustedRootText */ .v)(text, what), name, what);
}
/** A trusted root whose shape `checkTrustedRootText` has checked: its keys and certificates are built now. */
function trustRootFromJson(json, name, what) {
    let root;
    try {
        root = _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_0__.TrustedRoot.fromJSON(json);
        // Building the key objects and certificates once shows a damaged key or certificate now, not during verification.
        (0,_sigstore_verify__WEBPACK_IMPORTED_MODULE_1__/* .toTrustMaterial */ .jO)(root);
    }
    catch (err) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${what} is malformed: ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_4__/* .printable */ .g$)((0,_oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err), 200)}`);
    }
    if (!root.certificateAuthorities.length && !root.tlogs.length && !root.timestampAuthorities.length) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${what} names no certificate authority, transparency log or timestamp authority: it can verify nothing`);
    }
    return { name, root };
}
let publicGood;
/**
 * Sigstore's public-good trust root (fulcio.sigstore.dev, rekor.sigstore.dev, the CT log) as the
 * installed `@sigstore/tuf` ships it in its seed: no network is needed, and it is as fresh as that
 * package. Loaded once, on first use.
 */
function publicGoodTrustRoot() {
    publicGood ??= (async () => {
        const seeds = (await __webpack_require__.e(/* import() */ 32).then(__webpack_require__.t.bind(__webpack_require__, 8032, 17))).default;
        const encoded = seeds['https://tuf-repo-cdn.sigstore.dev']?.targets?.['trusted_root.json'];
        if (!encoded)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentError */ .yg('the installed @sigstore/tuf ships no trusted_root.json for the public-good instance: reinstall oci-copy');
        return parseTrustedRoot(Buffer.from(encoded, 'base64').toString('utf8'), 'Sigstore public-good', 'the public-good trusted root');
    })();
    return publicGood;
}
/**
 * The trust material for one verification: the root's authorities, and `key` as the only public key
 * a keyed signature may name (whatever key hint it carries).
 */
function trustMaterial(root, key) {
    return (0,_sigstore_verify__WEBPACK_IMPORTED_MODULE_1__/* .toTrustMaterial */ .jO)(root.root, (hint) => {
        if (!key)
            throw new _sigstore_verify__WEBPACK_IMPORTED_MODULE_1__/* .VerificationError */ .mk({
                code: 'PUBLIC_KEY_ERROR',
                message: `signed with a key (hint ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_4__/* .printable */ .g$)(hint, 80) || 'none'}), and the policy names no key`,
            });
        return { publicKey: key, validFor: () => true };
    });
}


/***/ })

};
