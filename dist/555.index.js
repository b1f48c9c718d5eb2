export const id = 555;
export const ids = [555];
export const modules = {

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
