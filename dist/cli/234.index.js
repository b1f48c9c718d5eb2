export const id = 234;
export const ids = [234];
export const modules = {

/***/ 26234:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   COPY_FLAGS: () => (/* binding */ COPY_FLAGS),
/* harmony export */   COPY_HELP: () => (/* binding */ COPY_HELP),
/* harmony export */   copyCommand: () => (/* binding */ copyCommand),
/* harmony export */   readBothCredentials: () => (/* binding */ readBothCredentials)
/* harmony export */ });
/* harmony import */ var _job_outcome_outcome_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(62677);
/* harmony import */ var _job_render_records_js__WEBPACK_IMPORTED_MODULE_15__ = __webpack_require__(48505);
/* harmony import */ var _job_run_job_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(44960);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29949);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(91839);
/* harmony import */ var _plan_operation_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(33877);
/* harmony import */ var _settings_values_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(13490);
/* harmony import */ var _copy_report_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(38781);
/* harmony import */ var _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(860);
/* harmony import */ var _flags_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(73080);
/* harmony import */ var _help_js__WEBPACK_IMPORTED_MODULE_14__ = __webpack_require__(2600);
/* harmony import */ var _passwords_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(97449);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(77962);
/* harmony import */ var _signing_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(16818);
/* harmony import */ var _terminal_js__WEBPACK_IMPORTED_MODULE_12__ = __webpack_require__(36210);
/* harmony import */ var _voice_js__WEBPACK_IMPORTED_MODULE_13__ = __webpack_require__(21533);
















const COPY_FLAGS = [
    { name: 'to', kind: 'list', value: 'DESTINATION', help: 'a destination (repeat for several; the same as more DESTINATION arguments)' },
    {
        name: 'platform',
        kind: 'string',
        value: 'OS/ARCH[/VARIANT]',
        help: 'copy only this platform of an index; several, comma-separated: a new index of just those',
    },
    { name: 'referrers', kind: 'boolean', help: 'also copy signatures, SBOMs and attestations of the copied manifests' },
    { name: 'dry-run', kind: 'boolean', help: 'report what would happen, write nothing' },
    {
        name: 'repair',
        kind: 'switch',
        value: 'deep',
        help: 'do not trust the destination: an image already there is checked (deep: every blob hashed) and only what is missing or damaged is copied again',
    },
    { name: 'no-clobber', kind: 'boolean', help: 'fail rather than move a destination tag that names another digest' },
    { name: 'fail-fast', kind: 'boolean', help: 'with several destinations, stop at the first that fails (by default each is tried)' },
    { name: 'concurrency', kind: 'string', value: 'N', help: 'blobs in flight, 1 to 64 (default 8)' },
    { name: 'no-mount', kind: 'boolean', help: 'never mount blobs across repositories' },
    { name: 'no-blob-cache', kind: 'boolean', help: 'neither read nor update the blob-info cache' },
    { name: 'plain-http', kind: 'boolean', help: 'plain HTTP to registries not on loopback' },
    { name: 'tls-verify', kind: 'switch', value: 'false', help: 'false: accept any registry certificate (a warning says so)' },
    { name: 'ca-file', kind: 'string', value: 'FILE', help: 'trust the PEM CA certificates in FILE too' },
    {
        name: 'requests-per-second',
        kind: 'string',
        value: 'N',
        help: 'at most N requests a second to each registry host (GHCR allows 2,000 a minute: 30)',
    },
    {
        name: 'min-pulls-left',
        kind: 'string',
        value: 'N',
        help: 'start no copy from a registry whose pull limit would fall below N; a sync leaves the rest for the next run',
    },
    {
        name: 'lock-file',
        kind: 'string',
        value: 'FILE',
        help: 'after the copy, write every (source, destination, digest) left in place to FILE (JSON, sorted, one entry a line)',
    },
    {
        name: 'locked',
        kind: 'boolean',
        help: 'copy exactly the digests --lock-file names: a source tag that moved is reported as drift, not followed; FILE is not rewritten',
    },
    {
        name: 'operation',
        kind: 'string',
        value: 'auto|copy|import|export',
        help: 'say what the copy is; an operation that does not fit is an error',
    },
    ..._signing_js__WEBPACK_IMPORTED_MODULE_11__/* .SIGNATURE_FLAGS */ .zh,
    { name: 'json', kind: 'boolean', help: 'print the per-node account as JSON on standard output' },
    { name: 'debug', kind: 'boolean', help: 'log every HTTP request and its status, credentials hidden' },
    { name: 'quiet', kind: 'boolean', short: 'q', help: 'print errors and the final line only' },
    ...(0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .credentialFlags */ .fQ)('src'),
    ...(0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .credentialFlags */ .fQ)('dest'),
    { name: 'version', kind: 'boolean', help: 'print the version and exit' },
    { name: 'help', kind: 'boolean', short: 'h', help: 'print this help and exit' },
];
const src = (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .credentialVariables */ .rt)('src');
const dest = (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .credentialVariables */ .rt)('dest');
const COPY_HELP = {
    usage: [
        'oci-copy [copy] [options] SOURCE DESTINATION [DESTINATION...]',
        'oci-copy [copy] [options] SOURCE --to DESTINATION [--to DESTINATION...]',
        'oci-copy sync [options] FILE | SRC-REPO DST-REPO     (many images: see oci-copy sync --help)',
        'oci-copy verify|sign [options] REF   (an image in place: see oci-copy verify --help)',
        'oci-copy check [options] [SOURCE] DESTINATION   (see oci-copy check --help)',
        'oci-copy generate-key-pair [--output-key-prefix PREFIX]   (cosign.key and cosign.pub)',
    ],
    summary: 'Copies an image or artifact, and everything under it, from SOURCE to each DESTINATION (resolved once: every destination gets the same digest).',
    sections: [
        {
            title: 'references',
            rows: [
                ['[docker://]HOST[:PORT]/REPO[:TAG,...][@DIGEST]', 'a registry repository; alpine is docker.io/library/alpine'],
                ['oci:PATH[:TAG|@DIGEST]', 'an OCI image-layout directory'],
                ['oci-archive:PATH[:TAG|@DIGEST]', 'an OCI layout in a tar file; PATH - is standard input or output'],
                ['docker-archive:PATH[:NAME:TAG]', 'what docker save writes and docker load reads; PATH - as above'],
            ],
        },
        { title: 'options', rows: (0,_help_js__WEBPACK_IMPORTED_MODULE_14__/* .flagRows */ .k)(COPY_FLAGS) },
        {
            title: 'environment',
            rows: [
                [`${src.username}, ${src.password}`, 'credentials for the source registry'],
                [`${dest.username}, ${dest.password}`, 'credentials for the destination registry'],
                ['COSIGN_PASSWORD', 'the password of the --sign-key file'],
                ['SIGSTORE_ID_TOKEN', "the OIDC identity token for --sign keyless (else the GitHub runner's, when the job may ask for one)"],
                ['DOCKER_CONFIG', 'where config.json is (docker login, credential helpers); default ~/.docker'],
                ['HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'proxies, as the Go tools read them; loopback is never proxied'],
                ['OCI_COPY_TIMEOUT_SECONDS', 'the longest a registry may stay silent (default 60)'],
                ['XDG_CACHE_HOME', 'where the blob-info cache lives (default ~/.cache/oci-copy)'],
            ],
        },
        {
            title: 'examples',
            lines: [
                'oci-copy ghcr.io/acme/app-dev:1.2 ghcr.io/acme/app:1.2,1,latest',
                'oci-copy --platform linux/arm64 alpine:3.20 registry.internal:5000/base/alpine:3.20',
                'oci-copy --referrers registry.example.com/app:1.4 oci-archive:app.tar:1.4',
                'oci-copy oci-archive:app.tar:1.4 --to eu.example.com/app:1.4 --to us.example.com/app:1.4',
                'printf %s "$TOKEN" | oci-copy --dest-username ci --dest-password-stdin oci:out ghcr.io/acme/app:1',
                'oci-copy --ca-file corp-ca.pem --debug registry.corp.example/app:1 oci:./app:1',
                'oci-copy --lock-file app.lock.json ghcr.io/acme/app:1.2 registry.example.com/acme/app',
            ],
        },
        { title: 'exit status', rows: _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .EXIT_CODE_HELP */ .Z },
    ],
};
/**
 * `oci-copy [copy] SOURCE DESTINATION...`: the flags made into the job's settings, the job run
 * (HEAD first, every destination tried, no-clobber checked for all of them before any byte moves),
 * then its outcome printed: each destination's result as it is done, `--json` on standard output.
 */
async function copyCommand(argv, io) {
    const { values, positionals } = (0,_flags_js__WEBPACK_IMPORTED_MODULE_8__/* .parseFlags */ .b)('oci-copy', COPY_FLAGS, argv);
    if (values.help) {
        io.stdout.write((0,_help_js__WEBPACK_IMPORTED_MODULE_14__/* .formatHelp */ .B)(COPY_HELP));
        return _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .ExitCode */ .y.Done;
    }
    const { source, destinations } = copyReferences(values, positionals);
    const terminal = (0,_terminal_js__WEBPACK_IMPORTED_MODULE_12__/* .terminalSession */ .rS)(io.console, io.env, values);
    const settings = { ...(0,_settings_js__WEBPACK_IMPORTED_MODULE_10__/* .flagSettings */ .w)(values, terminal.open), ...(await (0,_signing_js__WEBPACK_IMPORTED_MODULE_11__/* .signatureFlagSettings */ .Um)(values, io.env)) };
    const credentials = await readBothCredentials(values, io, source.transport !== 'registry' && source.path === '-');
    const { console } = io;
    const several = destinations.length > 1;
    terminal.progress?.start();
    let outcome;
    try {
        outcome = await (0,_job_run_job_js__WEBPACK_IMPORTED_MODULE_1__/* .runJob */ .b)({
            ...settings,
            work: { kind: 'copy', source, destinations },
            source: { ...settings.source, credentials: credentials.source },
            destination: { ...settings.destination, credentials: credentials.destination },
        }, {
            reporter: (0,_copy_report_js__WEBPACK_IMPORTED_MODULE_6__/* .copyReporter */ .z)(console, terminal.progress, destinations.length),
            ...(settings.blobCache ? { cacheStore: (0,_settings_js__WEBPACK_IMPORTED_MODULE_10__/* .fileCacheStore */ .a)(io.env, (m) => console.line(`warning: ${m}`)) } : {}),
        });
    }
    finally {
        terminal.progress?.stop();
    }
    if (values.json)
        io.stdout.write(`${JSON.stringify(settings.integrity ? { ...(0,_job_render_records_js__WEBPACK_IMPORTED_MODULE_15__/* .copyAccount */ .lH)(outcome), check: (0,_job_render_records_js__WEBPACK_IMPORTED_MODULE_15__/* .integrityRecords */ .yB)(outcome) } : (0,_job_render_records_js__WEBPACK_IMPORTED_MODULE_15__/* .copyAccount */ .lH)(outcome))}\n`);
    // One destination that failed fails as the copy always did: its own error, its own status.
    const [first] = outcome.results;
    if (!several && first.status === 'failed')
        throw first.cause;
    (0,_terminal_js__WEBPACK_IMPORTED_MODULE_12__/* .printPullLimits */ .L2)(console, outcome);
    // Each failed destination's error was printed with its result: the last line names them.
    const failure = (0,_job_outcome_outcome_js__WEBPACK_IMPORTED_MODULE_0__/* .failureLine */ .Pu)(outcome.results, { what: 'destinations', errorsTold: true });
    if (failure)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .OperationError */ .OK(failure);
    return _exit_codes_js__WEBPACK_IMPORTED_MODULE_7__/* .ExitCode */ .y.Done;
}
/** SOURCE and every DESTINATION (arguments and `--to`), each checked, with the operation asked for. */
function copyReferences(values, positionals) {
    const [sourceArg, ...rest] = positionals;
    const given = [...rest, ...(values.to ?? [])].map((d) => d.trim());
    const destinationArgs = given.filter(Boolean);
    if (sourceArg === undefined)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e('expected SOURCE and DESTINATION: see oci-copy --help');
    // The source first: `oci-copy '' ''` is told its source is empty, not that a destination is missing.
    const source = (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_3__/* .parseReference */ .F2)(sourceArg, _voice_js__WEBPACK_IMPORTED_MODULE_13__/* .FLAG_VOICE */ .m.input('source'));
    if (destinationArgs.length === 0) {
        if (given.length)
            throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`${_voice_js__WEBPACK_IMPORTED_MODULE_13__/* .FLAG_VOICE */ .m.input('destination')} is empty: give where to copy ${_voice_js__WEBPACK_IMPORTED_MODULE_13__/* .FLAG_VOICE */ .m.value(sourceArg)} to`);
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`expected a DESTINATION after ${_voice_js__WEBPACK_IMPORTED_MODULE_13__/* .FLAG_VOICE */ .m.value(sourceArg)} (or --to DESTINATION): see oci-copy --help`);
    }
    const destinations = (0,_settings_values_js__WEBPACK_IMPORTED_MODULE_5__/* .parseDestinations */ .dU)(destinationArgs, _voice_js__WEBPACK_IMPORTED_MODULE_13__/* .FLAG_VOICE */ .m);
    for (const d of destinations)
        (0,_plan_operation_js__WEBPACK_IMPORTED_MODULE_4__/* .parseOperation */ .$)(typeof values.operation === 'string' ? values.operation.trim() : '', source, d, _voice_js__WEBPACK_IMPORTED_MODULE_13__/* .FLAG_VOICE */ .m);
    const toStdout = destinations.filter((d) => d.transport !== 'registry' && d.path === '-');
    if (values.json && toStdout.length && values['dry-run'] !== true) {
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e('--json prints on standard output, which oci-archive:- fills with the archive: drop --json or give a file path');
    }
    if (toStdout.length > 1)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e('oci-archive:- is given twice as a destination: standard output takes one archive');
    return { source, destinations };
}
/** Both sides' credentials; standard input can give one password, and none when it carries the archive. */
async function readBothCredentials(values, io, stdinCarriesArchive = false) {
    const stdinFlags = ['src-password-stdin', 'dest-password-stdin'].filter((f) => values[f] === true);
    if (stdinFlags.length > 1) {
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`--src-password-stdin and --dest-password-stdin both read standard input: give one, and the other password in ${dest.password} or ${src.password}`);
    }
    if (stdinFlags.length && stdinCarriesArchive) {
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_8__/* .UsageError */ .e(`--${stdinFlags[0]} reads standard input, which oci-archive:- reads the archive from: give the password in ${stdinFlags[0].startsWith('src') ? src.password : dest.password}`);
    }
    const stdin = (flag) => () => (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .readStdinPassword */ .M$)(io.stdin, `--${flag}`);
    return {
        source: await (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .readCredentials */ .L1)('src', values, io.env, stdin('src-password-stdin')),
        destination: await (0,_passwords_js__WEBPACK_IMPORTED_MODULE_9__/* .readCredentials */ .L1)('dest', values, io.env, stdin('dest-password-stdin')),
    };
}


/***/ })

};
