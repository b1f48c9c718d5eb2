export const id = 854;
export const ids = [854];
export const modules = {

/***/ 4854:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   signCommand: () => (/* binding */ signCommand),
/* harmony export */   verifyCommand: () => (/* binding */ verifyCommand)
/* harmony export */ });
/* harmony import */ var _job_in_place_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(30301);
/* harmony import */ var _job_outcome_outcome_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(62677);
/* harmony import */ var _job_render_records_js__WEBPACK_IMPORTED_MODULE_14__ = __webpack_require__(48505);
/* harmony import */ var _job_run_job_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(44960);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(29949);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(91839);
/* harmony import */ var _signatures_settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(28323);
/* harmony import */ var _copy_report_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(38781);
/* harmony import */ var _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(860);
/* harmony import */ var _flags_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(73080);
/* harmony import */ var _help_js__WEBPACK_IMPORTED_MODULE_13__ = __webpack_require__(2600);
/* harmony import */ var _passwords_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(97449);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(77962);
/* harmony import */ var _signing_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(16818);
/* harmony import */ var _terminal_js__WEBPACK_IMPORTED_MODULE_12__ = __webpack_require__(36210);















const VERIFY_FLAGS = _signing_js__WEBPACK_IMPORTED_MODULE_11__/* .SIGNATURE_FLAGS */ .zh.filter((f) => f.name.startsWith('verify-'));
/** The flags of `verify` and `sign`: the copy's words for what applies to an image where it is. */
function inPlaceFlags(operation) {
    const signing = operation === 'sign';
    return [
        {
            name: 'platform',
            kind: 'string',
            value: 'OS/ARCH[/VARIANT]',
            help: signing
                ? "sign this platform's manifest of an index (a policy checks the index that names it)"
                : "verify this platform's manifest as named by the signed index (with --verify-platforms, its own signature too)",
        },
        {
            name: 'dry-run',
            kind: 'boolean',
            help: signing ? 'say whether it would sign, write nothing' : 'the same as without: verify writes nothing',
        },
        { name: 'plain-http', kind: 'boolean', help: 'plain HTTP to a registry not on loopback' },
        { name: 'tls-verify', kind: 'switch', value: 'false', help: 'false: accept any registry certificate (a warning says so)' },
        { name: 'ca-file', kind: 'string', value: 'FILE', help: 'trust the PEM CA certificates in FILE too' },
        ...(signing ? _signing_js__WEBPACK_IMPORTED_MODULE_11__/* .SIGNATURE_FLAGS */ .zh : VERIFY_FLAGS).map((f) => inPlaceHelp(f, signing)),
        { name: 'json', kind: 'boolean', help: 'print the result as JSON on standard output (its verification, its signing)' },
        { name: 'debug', kind: 'boolean', help: 'log every HTTP request and its status, credentials hidden' },
        { name: 'quiet', kind: 'boolean', short: 'q', help: 'print errors and the final line only' },
        ...(0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .credentialFlags */ .fQ)('src').map((f) => ({ ...f, help: f.help.replace('the source registry', "REF's registry") })),
        { name: 'version', kind: 'boolean', help: 'print the version and exit' },
        { name: 'help', kind: 'boolean', short: 'h', help: 'print this help and exit' },
    ];
}
/** A signature flag's help as it reads for an image acted on in place. */
function inPlaceHelp(flag, signing) {
    const help = {
        [_signatures_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Key]: signing
            ? 'sign only an image already signed with this public key (cosign.pub)'
            : 'the public key (cosign.pub) it must be signed with',
        [_signatures_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentity]: 'the identity it must be signed keyless by (a workflow URL, an e-mail)',
        [_signatures_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Mode]: 'enforce (default): an image that fails the policy is refused (exit 1); warn: a warning, exit 0',
        [_signatures_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .SignSetting */ .gp.Sign]: 'keyless (default without --sign-key) or key (default with it); an image this signer signed already is left alone',
    };
    return help[flag.name] ? { ...flag, help: help[flag.name] } : flag;
}
const src = (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .credentialVariables */ .rt)('src');
function inPlaceHelpText(operation) {
    const signing = operation === 'sign';
    return {
        usage: signing
            ? ['oci-copy sign [--sign keyless|key] [--sign-key FILE] [options] REF']
            : [
                'oci-copy verify --verify-key FILE [options] REF',
                'oci-copy verify --verify-certificate-identity ID --verify-certificate-oidc-issuer URL REF',
            ],
        summary: signing
            ? 'Signs the digest REF names where it is (a registry repository, or an oci: layout), as cosign sign does, unless this signer has signed it already; nothing is copied. With --verify-* it is verified first, and signed only when it passes.'
            : 'Verifies that the digest REF names (a registry repository, or an oci: layout) carries a signature, or each attestation asked for, that satisfies the policy, as cosign verify does; nothing is copied or written.',
        sections: [
            { title: 'options', rows: (0,_help_js__WEBPACK_IMPORTED_MODULE_13__/* .flagRows */ .k)(inPlaceFlags(operation)) },
            {
                title: 'environment',
                rows: [
                    [`${src.username}, ${src.password}`, "credentials for REF's registry"],
                    ...(signing
                        ? [
                            ['COSIGN_PASSWORD', 'the password of the --sign-key file'],
                            [
                                'SIGSTORE_ID_TOKEN',
                                "the OIDC identity token for keyless signing (else the GitHub runner's, when the job may ask for one)",
                            ],
                        ]
                        : []),
                    ['DOCKER_CONFIG', 'where config.json is (docker login, credential helpers); default ~/.docker'],
                    ['HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'proxies, as the Go tools read them; loopback is never proxied'],
                ],
            },
            {
                title: 'examples',
                lines: signing
                    ? [
                        'oci-copy sign --sign-key cosign.key ghcr.io/acme/app:1.2',
                        'oci-copy sign --sign key --sign-key cosign.key --signature-format legacy oci:./out:1.2',
                        'oci-copy sign --platform linux/arm64 --sign-key cosign.key ghcr.io/acme/app:1.2',
                    ]
                    : [
                        'oci-copy verify --verify-key cosign.pub ghcr.io/acme/app:1.2',
                        'oci-copy verify --verify-certificate-oidc-issuer https://token.actions.githubusercontent.com \\',
                        '    --verify-certificate-identity \\',
                        '    https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2 \\',
                        '    --json ghcr.io/acme/app:1.2',
                        'oci-copy verify --verify-key cosign.pub --verify-mode warn oci:./out:1.2',
                    ],
            },
            {
                title: 'exit status',
                rows: _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .EXIT_CODE_HELP */ .Z.map(([code, what]) => code === String(_exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .ExitCode */ .y.Done)
                    ? [
                        code,
                        signing ? 'signed, or signed already by this signer' : 'verified (or, with --verify-mode warn, not: a warning says so)',
                    ]
                    : code === String(_exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .ExitCode */ .y.Failed)
                        ? [
                            code,
                            signing
                                ? 'not signed, or refused by the policy (the last line says why)'
                                : 'refused: no signature satisfies the policy (the last line says why)',
                        ]
                        : [code, what]),
            },
        ],
    };
}
/** `oci-copy verify … REF`: the image verified where it is, as cosign verify does; nothing written. */
function verifyCommand(argv, io) {
    return inPlaceCommand('verify', argv, io);
}
/** `oci-copy sign … REF`: the digest signed where it is, as cosign sign does; a re-run signs nothing. */
function signCommand(argv, io) {
    return inPlaceCommand('sign', argv, io);
}
/**
 * One image acted on in place: the flags made into a job of kind `in-place` (the signature check
 * and the signing stage of a copy, and no copy), its outcome printed as a copy's: the log lines,
 * `--json` the copy's account with `"operation"`. Exit 0 verified or signed, 1 refused or failed,
 * 2 bad arguments.
 */
async function inPlaceCommand(operation, argv, io) {
    const command = `oci-copy ${operation}`;
    const flags = inPlaceFlags(operation);
    const { values, positionals } = (0,_flags_js__WEBPACK_IMPORTED_MODULE_8__/* .parseFlags */ .b)(command, flags, argv);
    if (values.help) {
        io.stdout.write((0,_help_js__WEBPACK_IMPORTED_MODULE_13__/* .formatHelp */ .B)(inPlaceHelpText(operation)));
        return _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .ExitCode */ .y.Done;
    }
    const [refArg, ...extra] = positionals;
    if (refArg === undefined)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`${command} expects REF, the image to ${operation}: see ${command} --help`);
    if (extra.length)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`${command} takes one REF and acts on it in place; ${extra[0]} is one more: to copy and ${operation}, use oci-copy SOURCE DESTINATION with the same flags`);
    const reference = (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_4__/* .parseReference */ .F2)(refArg, 'REF');
    const terminal = (0,_terminal_js__WEBPACK_IMPORTED_MODULE_12__/* .terminalSession */ .rS)(io.console, io.env, values);
    const settings = (0,_settings_js__WEBPACK_IMPORTED_MODULE_10__/* .flagSettings */ .w)(values, terminal.open);
    (0,_job_in_place_js__WEBPACK_IMPORTED_MODULE_0__/* .checkInPlace */ .L)(reference, operation, settings.image?.platform, 'REF');
    if (operation === 'sign' && values.sign === undefined) {
        values.sign = values['sign-key'] !== undefined ? 'key' : 'keyless';
        const token = io.env.SIGSTORE_ID_TOKEN?.trim() || io.env.ACTIONS_ID_TOKEN_REQUEST_URL;
        if (values.sign === 'keyless' && !token && values['dry-run'] !== true)
            throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`${command} signs keyless without --sign-key, which needs an OIDC identity token: set SIGSTORE_ID_TOKEN (as cosign reads it), run in a GitHub Actions job with "permissions: id-token: write", or give --sign-key FILE`);
    }
    const stages = await (0,_signing_js__WEBPACK_IMPORTED_MODULE_11__/* .signatureFlagSettings */ .Um)(values, io.env);
    if (operation === 'verify' && !stages.checks?.length)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`${command} needs a policy: give --verify-key FILE, or --verify-certificate-identity ID (or -regexp) with --verify-certificate-oidc-issuer URL`);
    const credentials = await (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .readCredentials */ .L1)('src', values, io.env, () => (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .readStdinPassword */ .M$)(io.stdin, '--src-password-stdin'));
    const { console } = io;
    terminal.progress?.start();
    let outcome;
    try {
        outcome = await (0,_job_run_job_js__WEBPACK_IMPORTED_MODULE_2__/* .runJob */ .b)({
            ...settings,
            ...stages,
            work: { kind: 'in-place', operation, reference },
            source: { ...settings.source, credentials },
        }, { reporter: (0,_copy_report_js__WEBPACK_IMPORTED_MODULE_6__/* .copyReporter */ .z)(console, terminal.progress, 1) });
    }
    finally {
        terminal.progress?.stop();
    }
    if (values.json)
        io.stdout.write(`${JSON.stringify((0,_job_render_records_js__WEBPACK_IMPORTED_MODULE_14__/* .copyAccount */ .lH)(outcome))}\n`);
    const [result] = outcome.results;
    if (result.status === 'failed')
        throw result.cause;
    (0,_terminal_js__WEBPACK_IMPORTED_MODULE_12__/* .printPullLimits */ .L2)(console, outcome);
    const failure = (0,_job_outcome_outcome_js__WEBPACK_IMPORTED_MODULE_1__/* .failureLine */ .Pu)(outcome.results, { what: 'destinations', errorsTold: true });
    if (failure)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .OperationError */ .OK(failure);
    return _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .ExitCode */ .y.Done;
}


/***/ })

};
