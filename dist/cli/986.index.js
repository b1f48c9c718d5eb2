export const id = 986;
export const ids = [986,234];
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


/***/ }),

/***/ 25986:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SYNC_FLAGS: () => (/* binding */ SYNC_FLAGS),
  SYNC_HELP: () => (/* binding */ SYNC_HELP),
  syncCommand: () => (/* binding */ syncCommand)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./lib/src/job/outcome/copy-report.js
var copy_report = __webpack_require__(79759);
// EXTERNAL MODULE: ./lib/src/settings/values.js
var settings_values = __webpack_require__(13490);
// EXTERNAL MODULE: ./lib/src/job/render/log.js + 1 modules
var log = __webpack_require__(51488);
// EXTERNAL MODULE: ./lib/src/job/render/status-words.js
var status_words = __webpack_require__(68281);
// EXTERNAL MODULE: ./lib/src/job/render/records.js
var render_records = __webpack_require__(48505);
// EXTERNAL MODULE: ./lib/src/job/run-job.js + 51 modules
var run_job = __webpack_require__(44960);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./lib/src/oci/platform.js
var platform = __webpack_require__(56993);
// EXTERNAL MODULE: ./lib/src/oci/reference.js + 1 modules
var reference = __webpack_require__(91839);
// EXTERNAL MODULE: ./lib/src/oci/spelling.js
var spelling = __webpack_require__(21120);
// EXTERNAL MODULE: ./lib/src/settings/voice.js
var voice = __webpack_require__(54340);
// EXTERNAL MODULE: ./lib/src/signatures/parse-settings.js
var parse_settings = __webpack_require__(19541);
// EXTERNAL MODULE: ./lib/src/signatures/policy.js
var policy = __webpack_require__(34568);
// EXTERNAL MODULE: ./lib/src/signatures/settings.js
var settings = __webpack_require__(28323);
// EXTERNAL MODULE: ./lib/src/plan/entry-name.js
var entry_name = __webpack_require__(28638);
// EXTERNAL MODULE: ./lib/src/plan/tag-filter.js
var tag_filter = __webpack_require__(96031);
;// CONCATENATED MODULE: ./lib/src/plan/entries.js












const ENTRY_FIELDS = [
    'source',
    'destination',
    'tags',
    'exclude-tags',
    'semver',
    'latest',
    'platform',
    'referrers',
    'prune',
    'protect',
    'immutable-tags',
    ...Object.values(settings/* VerifySetting */.mw),
    ...Object.values(settings/* SignSetting */.gp),
    ...Object.values(settings/* SignServiceSetting */.BA),
    ...Object.values(settings/* AttestSetting */.op),
];
/** An entry's signing keys: the step's words. */
const SIGN_FIELDS = [...Object.values(settings/* SignSetting */.gp), ...Object.values(settings/* SignServiceSetting */.BA)];
/** Parses a sync list (YAML): a list of entries, each a mapping of the fields above. */
function parseSyncEntries(text, origin, sources = {}) {
    const lines = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const yamlError = doc.errors[0];
    if (yamlError) {
        const at = yamlError.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : 'somewhere';
        const why = yamlError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        throw new errors/* InputError */.dz(`${origin} is not valid YAML: ${where}: ${(0,oci_text/* printable */.g$)(why, 200)}`);
    }
    const root = doc.contents;
    const usage = 'a list of entries, each with source and destination (see README, "Mirror many images")';
    if (!root || ((0,dist/* isScalar */.jn)(root) && (root.value === null || root.value === '')))
        throw new errors/* InputError */.dz(`${origin} is empty: give ${usage}`);
    if (!(0,dist/* isSeq */.oP)(root))
        throw new errors/* InputError */.dz(`${origin} is not a YAML list: give ${usage}`);
    if (root.items.length === 0)
        throw new errors/* InputError */.dz(`${origin} lists no entries: give ${usage}`);
    return root.items.map((item, i) => parseEntry(item, i + 1, origin, lines, sources));
}
function parseEntry(node, number, origin, lines, sources) {
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    const entry = (0,entry_name/* entryName */.M)(origin, { number, ...(line ? { line } : {}) });
    if (!(0,dist/* isMap */.jh)(node))
        throw new errors/* InputError */.dz(`${entry} is not a mapping: give source: and destination: fields`);
    return entryFromFields(readFields(node, entry), number, { entry, field: (name) => `${entry}, field "${name}"` }, sources, line);
}
/**
 * One entry from values given some other way than a list (a command line): the same checks, the
 * same errors, in `names`' words. Values are strings, lists of strings, numbers or booleans.
 */
function entryFromValues(values, names, sources = {}) {
    const doc = new dist/* Document */.yo();
    const fields = new Map();
    for (const [name, value] of Object.entries(values)) {
        if (value === undefined || (Array.isArray(value) && !value.length))
            continue;
        fields.set(name, doc.createNode(value));
    }
    return entryFromFields(fields, 1, names, sources);
}
function entryFromFields(fields, number, names, sources, line) {
    const { entry, field } = names;
    const sourceText = requiredText(fields, 'source', entry, field);
    const source = (0,reference/* parseReference */.F2)(sourceText, field('source'));
    refuseStandardStream(source, sourceText, field('source'), 'input');
    const wholeRepository = source.transport === 'registry' && !source.tags.length && !source.digest;
    const destinationText = requiredText(fields, 'destination', entry, field);
    const destination = parseDestination(destinationText, field('destination'), source, wholeRepository);
    const include = regexList(fields.get('tags'), field('tags'));
    const exclude = regexList(fields.get('exclude-tags'), field('exclude-tags'));
    const range = optionalText(fields.get('semver'), field('semver'));
    if (range !== undefined && !(0,tag_filter/* isSemverRange */.q1)(range)) {
        throw new errors/* InputError */.dz(`${field('semver')} is ${(0,oci_text/* quoted */.TL)(range)}, not a semver range: use npm semver syntax, e.g. ">=3.18 <4" or "^1.2"`);
    }
    const latest = positiveInteger(fields.get('latest'), field('latest'));
    const filtered = include.length || exclude.length || range !== undefined || latest !== undefined;
    if (filtered && !wholeRepository) {
        const named = ['tags', 'exclude-tags', 'semver', 'latest'].filter((f) => fields.has(f)).join(', ');
        throw new errors/* InputError */.dz(`${entry} filters tags (${named}) but its source ${(0,oci_text/* quoted */.TL)(sourceText)} names one image: drop the tag or digest from the source to take the repository's tags`);
    }
    const platformText = optionalText(fields.get('platform'), field('platform'));
    const referrers = optionalBoolean(fields.get('referrers'), field('referrers'));
    const prune = optionalBoolean(fields.get('prune'), field('prune'));
    const protect = regexList(fields.get('protect'), field('protect'));
    const immutableTags = globList(fields.get('immutable-tags'), field('immutable-tags'));
    const attestVerification = optionalBoolean(fields.get(settings/* AttestSetting */.op.Verification), field(settings/* AttestSetting */.op.Verification));
    if (prune && !wholeRepository) {
        throw new errors/* InputError */.dz(`${entry} prunes but its source ${(0,oci_text/* quoted */.TL)(sourceText)} names one image: prune applies to a whole repository's tags; drop the tag or digest from the source, or drop prune`);
    }
    if (protect.length && !prune) {
        throw new errors/* InputError */.dz(`${field('protect')} keeps tags from prune, but the entry does not prune: add prune: true, or drop protect`);
    }
    return {
        number,
        ...(line ? { line } : {}),
        source,
        wholeRepository,
        destination,
        filter: { include, exclude, ...(range !== undefined ? { semver: range } : {}), ...(latest !== undefined ? { latest } : {}) },
        ...(platformText ? { platform: (0,platform/* parsePlatform */.FL)(platformText, field('platform')) } : {}),
        ...(referrers !== undefined ? { referrers } : {}),
        ...(prune ? { prune } : {}),
        ...(protect.length ? { protect } : {}),
        ...(immutableTags.length ? { immutableTags } : {}),
        ...optionalPolicy(entryPolicy(fields, field, sources)),
        ...optionalSigning(entrySigning(fields, field, sources)),
        ...(attestVerification !== undefined ? { attestVerification } : {}),
    };
}
function optionalPolicy(verify) {
    return verify ? { verify } : {};
}
function optionalSigning(sign) {
    return sign === undefined ? {} : { sign };
}
/**
 * The entry's `sign*` keys, checked by the step's own rules and messages, errors naming the entry's
 * field: its signing, `false` for `sign: false`, or undefined when it gives none (the step's applies).
 */
function entrySigning(fields, field, sources) {
    const values = new Map();
    for (const name of SIGN_FIELDS) {
        const node = fields.get(name);
        // A password is taken as written: YAML would read 0123 as the number 123.
        const value = name === settings/* SignSetting */.gp.KeyPassword ? literalText(node, field(name)) : optionalText(node, field(name));
        if (value)
            values.set(name, value);
    }
    if (!values.size)
        return undefined;
    const sign = (0,parse_settings/* parseSignInputs */.a)((name) => values.get(name) ?? '', { ...voice/* ACTION_VOICE */.w, input: field }, sources.env ?? process.env, sources.readFile ?? policy/* readSmallFile */.EW);
    return sign ?? false;
}
/** The entry's `verify-*` keys, checked as the step's inputs are, errors naming the entry's field. */
function entryPolicy(fields, field, sources) {
    const text = (name) => optionalText(fields.get(name), field(name));
    const typesNode = fields.get(settings/* VerifySetting */.mw.AttestationType);
    const types = typesNode && (0,dist/* isSeq */.oP)(typesNode)
        ? typesNode.items.map((n, i) => scalarText(n, `${field(settings/* VerifySetting */.mw.AttestationType)} (item ${i + 1})`) ?? '')
        : text(settings/* VerifySetting */.mw.AttestationType);
    const platforms = optionalBoolean(fields.get(settings/* VerifySetting */.mw.Platforms), field(settings/* VerifySetting */.mw.Platforms));
    return (0,policy/* parseVerifyPolicy */.j8)({
        key: text(settings/* VerifySetting */.mw.Key),
        certificateIdentity: text(settings/* VerifySetting */.mw.CertificateIdentity),
        certificateIdentityRegexp: text(settings/* VerifySetting */.mw.CertificateIdentityRegexp),
        certificateOidcIssuer: text(settings/* VerifySetting */.mw.CertificateOidcIssuer),
        attestationTypes: types,
        trustedRoot: text(settings/* VerifySetting */.mw.TrustedRoot),
        platforms: platforms === true,
        mode: text(settings/* VerifySetting */.mw.Mode),
    }, { ...voice/* ACTION_VOICE */.w, input: field }, sources.readFile ?? policy/* readSmallFile */.EW);
}
/** The entry's fields by name; an unknown one is an error naming the nearest and listing every field. */
function readFields(map, entry) {
    const out = new Map();
    for (const pair of map.items) {
        const key = (0,dist/* isScalar */.jn)(pair.key) ? String(pair.key.value) : '';
        if (!ENTRY_FIELDS.includes(key)) {
            const near = (0,spelling/* nearestWord */.z)(key, ENTRY_FIELDS);
            throw new errors/* InputError */.dz(`${entry} has an unknown field ${(0,oci_text/* quoted */.TL)(key)}: ${near ? `did you mean ${near}? ` : ''}the fields are ${ENTRY_FIELDS.join(', ')}`);
        }
        out.set(key, pair.value ?? null);
    }
    return out;
}
function scalarText(node, what) {
    if (node === undefined || node === null)
        return undefined;
    if (!(0,dist/* isScalar */.jn)(node))
        throw new errors/* InputError */.dz(`${what} must be a single value, not a list or mapping`);
    if (node.value === null)
        return undefined;
    return String(node.value).trim();
}
/** A scalar as the user wrote it (a plain `0123` stays `0123`), for a secret the YAML types must not change. */
function literalText(node, what) {
    const v = scalarText(node, what);
    if (!v)
        return undefined;
    const source = (0,dist/* isScalar */.jn)(node) && typeof node.source === 'string' ? node.source.trim() : '';
    return source || v;
}
function requiredText(fields, name, entry, field) {
    const v = scalarText(fields.get(name), field(name));
    if (!v)
        throw new errors/* InputError */.dz(`${entry} has no ${name}: give ${name}: with a ${name === 'source' ? 'repository or image reference' : 'repository, or a prefix ending in /'}`);
    return v;
}
function optionalText(node, what) {
    const v = scalarText(node, what);
    return v ? v : undefined;
}
/** One regex or a list of them, each matching a whole tag. */
function regexList(node, what) {
    if (node === undefined || node === null)
        return [];
    const items = (0,dist/* isSeq */.oP)(node) ? node.items : [node];
    return items.map((item, i) => {
        const shown = items.length > 1 ? `${what} (item ${i + 1})` : what;
        if (!(0,dist/* isScalar */.jn)(item) || item.value === null || String(item.value) === '')
            throw new errors/* InputError */.dz(`${shown} must be a regular expression`);
        const source = String(item.value);
        try {
            return (0,tag_filter/* wholeTagRegex */.L6)(source);
        }
        catch (err) {
            // V8 says `Invalid regular expression: /^(?:3.()$/: Unterminated group`: the last part is the news.
            const why = err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
            throw new errors/* InputError */.dz(`${shown}: ${(0,oci_text/* quoted */.TL)(source)} is not a regular expression (${(0,oci_text/* printable */.g$)(why, 200)})`);
        }
    });
}
/** One glob or a list of them (`v*`, `1.?`), each matching a whole tag. */
function globList(node, what) {
    if (node === undefined || node === null)
        return [];
    const items = (0,dist/* isSeq */.oP)(node) ? node.items : [node];
    return items.map((item, i) => {
        const shown = items.length > 1 ? `${what} (item ${i + 1})` : what;
        if (!(0,dist/* isScalar */.jn)(item) || item.value === null || String(item.value) === '')
            throw new errors/* InputError */.dz(`${shown} must be a tag pattern such as 'v*'`);
        const pattern = String(item.value);
        const compiled = (0,tag_filter/* tagGlob */.ZM)(pattern);
        if (!compiled) {
            throw new errors/* InputError */.dz(`${shown} is ${(0,oci_text/* quoted */.TL)(pattern)}, not a tag pattern: immutable-tags are globs, * for any characters and ? for one (e.g. 'v*' or '1.*'), over the characters of tags (letters, digits, _ . -), not regular expressions`);
        }
        return compiled;
    });
}
function positiveInteger(node, what) {
    if (node === undefined || node === null)
        return undefined;
    const value = (0,dist/* isScalar */.jn)(node) ? node.value : undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
        throw new errors/* InputError */.dz(`${what} is ${(0,oci_text/* quoted */.TL)((0,dist/* isScalar */.jn)(node) ? String(node.value) : 'a list or mapping')}: use a positive whole number, the count of highest versions to keep`);
    }
    return n;
}
function optionalBoolean(node, what) {
    if (node === undefined || node === null)
        return undefined;
    const value = (0,dist/* isScalar */.jn)(node) ? node.value : undefined;
    if (typeof value === 'boolean')
        return value;
    if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase()))
        return value.trim().toLowerCase() === 'true';
    throw new errors/* InputError */.dz(`${what} is ${(0,oci_text/* quoted */.TL)((0,dist/* isScalar */.jn)(node) ? String(node.value) : 'a list or mapping')}: use true or false`);
}
/**
 * A destination: `HOST/PATH/` (a prefix: the source's repository path is appended) or a reference.
 * A whole repository goes to a repository (it keeps its tag names), never to a tag or a file.
 */
function parseDestination(text, what, source, wholeRepository) {
    if (text.endsWith('/')) {
        const trimmed = text.replace(/\/+$/, '');
        if (source.transport !== 'registry') {
            throw new errors/* InputError */.dz(`${what} is a prefix (${(0,oci_text/* quoted */.TL)(text)}), which appends the source's repository path, but the source is a file: give a repository`);
        }
        if (/[:@]/.test(trimmed.split('/').slice(1).join('/'))) {
            throw new errors/* InputError */.dz(`${what} is a prefix (${(0,oci_text/* quoted */.TL)(text)}) with a tag or digest: a prefix ends in / and takes none (the source's tags are kept)`);
        }
        // The first component is a host when it looks like one, as in any reference; else Docker Hub.
        const [first, ...rest] = trimmed.split('/');
        const isHost = /[.:]/.test(first) || first === 'localhost' || first.startsWith('[');
        const registry = isHost ? first : 'docker.io';
        const path = (isHost ? rest : [first, ...rest]).join('/');
        // Checked as a reference would be: a valid host and valid repository components.
        const probe = (0,reference/* parseReference */.F2)(`${isHost ? registry : 'docker.io'}/${path ? `${path}/` : ''}x`, what);
        // The prefix and the source's path make one name, which must fit a registry too.
        (0,reference/* refuseLongNames */.dq)(path ? `${path}/${source.repository}` : source.repository, [], what);
        return { kind: 'prefix', registry: probe.registry, path };
    }
    const ref = (0,reference/* parseReference */.F2)(text, what);
    refuseStandardStream(ref, text, what, 'output');
    if (wholeRepository) {
        if (ref.transport !== 'registry') {
            throw new errors/* InputError */.dz(`${what} is ${(0,oci_text/* quoted */.TL)(text)}, a file, but the source is a whole repository: give a registry repository (or sync one image by giving the source a tag)`);
        }
        if (ref.tags.length || ref.digest) {
            throw new errors/* InputError */.dz(`${what} is ${(0,oci_text/* quoted */.TL)(text)}, with a tag or digest, but the source is a whole repository: give the repository alone, which gets the same tag names`);
        }
    }
    return { kind: 'reference', ref };
}
/**
 * A list copies many images, several at a time, and its log goes to standard output (the job log
 * in a workflow): no entry can stream an archive through standard input or output.
 */
function refuseStandardStream(ref, text, what, stream) {
    if (ref.transport !== 'registry' && ref.path === '-') {
        throw new errors/* InputError */.dz(`${what} is ${(0,oci_text/* quoted */.TL)(text)}, standard ${stream}, which a list of images cannot stream through: give a file path`);
    }
}

// EXTERNAL MODULE: ./lib/src/plan/plan.js
var plan = __webpack_require__(30153);
// EXTERNAL MODULE: ./lib/src/cli/copy-command.js
var copy_command = __webpack_require__(26234);
// EXTERNAL MODULE: ./lib/src/cli/exit-codes.js
var exit_codes = __webpack_require__(860);
// EXTERNAL MODULE: ./lib/src/cli/flags.js
var flags = __webpack_require__(73080);
// EXTERNAL MODULE: ./lib/src/cli/help.js
var help = __webpack_require__(2600);
// EXTERNAL MODULE: ./lib/src/cli/settings.js + 1 modules
var cli_settings = __webpack_require__(77962);
// EXTERNAL MODULE: ./lib/src/cli/signing.js + 1 modules
var signing = __webpack_require__(16818);
// EXTERNAL MODULE: ./lib/src/cli/terminal.js + 1 modules
var cli_terminal = __webpack_require__(36210);
;// CONCATENATED MODULE: ./lib/src/cli/sync-command.js


















/** The copy's flags that mean the same for many images, and the sync's own. */
const SHARED = new Set([
    ...signing/* SIGNATURE_FLAG_NAMES */.jw,
    'requests-per-second',
    'min-pulls-left',
    'lock-file',
    'locked',
    'platform',
    'referrers',
    'dry-run',
    'repair',
    'no-clobber',
    'fail-fast',
    'concurrency',
    'no-mount',
    'no-blob-cache',
    'plain-http',
    'tls-verify',
    'ca-file',
    'json',
    'debug',
    'quiet',
    'version',
    'help',
]);
/** What a shared flag means for many images, where the copy's words would say otherwise. */
const SYNC_MEANING = {
    json: 'print the images array (one object per image: source, destination, digest, status, ...) on standard output; with prune, {"images": [...], "pruned": [...]}; with --check or --repair, {"images": [...], "check": [...]}',
    'fail-fast': 'stop starting images after the first that fails (by default every image is tried)',
    'no-clobber': 'fail an image rather than move a destination tag that names another digest',
};
const SYNC_FLAGS = [
    {
        name: 'tags',
        kind: 'list',
        value: 'REGEX',
        help: 'with SRC-REPO DST-REPO: take the tags this regex matches whole (repeat: any of them)',
    },
    { name: 'exclude-tags', kind: 'list', value: 'REGEX', help: 'with SRC-REPO DST-REPO: drop the tags this regex matches whole' },
    {
        name: 'semver',
        kind: 'string',
        value: 'RANGE',
        help: 'with SRC-REPO DST-REPO: the tags that read as versions in this npm semver range',
    },
    { name: 'latest', kind: 'string', value: 'N', help: 'with SRC-REPO DST-REPO: of what is left, the tags of the N highest versions' },
    {
        name: 'prune',
        kind: 'boolean',
        help: 'with SRC-REPO DST-REPO: remove destination tags the filters select that the source no longer has',
    },
    {
        name: 'protect',
        kind: 'list',
        value: 'REGEX',
        help: 'with --prune: never remove the tags this regex matches whole (repeat: any of them)',
    },
    {
        name: 'immutable-tags',
        kind: 'list',
        value: 'GLOB',
        help: "with SRC-REPO DST-REPO: tags that never move ('v*'): one the destination has is not compared",
    },
    {
        name: 'check',
        kind: 'switch',
        value: 'deep',
        help: 'write nothing: check every image in the destination (tags, every manifest and blob; deep: every blob hashed), fail on any problem',
    },
    { name: 'shard', kind: 'string', value: 'K/N', help: 'take the K-th of N stable shares of the images (N jobs cover every image once)' },
    ...copy_command.COPY_FLAGS.filter((f) => SHARED.has(f.name) || /^(src|dest)-/.test(f.name)).map((f) => ({
        ...f,
        help: SYNC_MEANING[f.name] ?? f.help,
    })),
];
const SYNC_HELP = {
    usage: [
        'oci-copy sync [options] FILE',
        'oci-copy sync [options] SRC-REPO DST-REPO [--tags REGEX]... [--exclude-tags REGEX]... [--semver RANGE] [--latest N]',
    ],
    summary: 'Mirrors many images in one run: the entries of FILE (the YAML list the action takes as images), or the tags of one repository. Each tag is compared by HEAD on both sides first: an unchanged one costs no GET. Images copy several at a time under one transfer budget; a failed image does not stop the others.',
    sections: [
        {
            title: 'FILE',
            lines: [
                '- source: docker.io/library/alpine        # a repository: its tags, filtered below',
                '  destination: mirror.example.com/hub/    # a prefix: + library/alpine; or a repository',
                "  tags: ['3\\.[0-9]+']                      # regexes matching whole tags; exclude-tags likewise",
                "  semver: '>=3.18'                         # and latest: N, platform, referrers",
                "  verify-certificate-identity: https://…  # an entry's own signature policy (verify-* keys)",
                "  sign: keyless                            # an entry's own signing (sign* keys); sign: false for none",
                '  prune: true                              # remove tags the source deleted; protect: [REGEX]',
                "  immutable-tags: ['v*']                   # tags that never move: not compared once there",
                '- source: ghcr.io/acme/app:1.2            # one image',
                '  destination: registry.example.com/acme/app',
            ],
        },
        { title: 'options', rows: (0,help/* flagRows */.k)(SYNC_FLAGS) },
        {
            title: 'examples',
            lines: [
                'oci-copy sync .github/mirror.yml',
                'oci-copy sync --shard 2/4 --json mirror.yml > shard-2.json',
                "oci-copy sync docker.io/library/alpine mirror.example.com/hub/alpine --semver '>=3.19' --latest 3",
                "oci-copy sync --dry-run ghcr.io/acme/app registry.example.com/acme/app --tags '1\\.4\\..*'",
                "oci-copy sync --prune --protect 'nightly' --immutable-tags 'v*' ghcr.io/acme/app registry.example.com/acme/app",
                'oci-copy sync --min-pulls-left 20 --requests-per-second 30 mirror.yml',
                'oci-copy sync --lock-file mirror.lock.json mirror.yml && oci-copy sync --locked --lock-file mirror.lock.json mirror.yml',
                'oci-copy sync --check=deep --referrers mirror.yml',
                'oci-copy sync --repair mirror.yml',
            ],
        },
        { title: 'exit status', rows: exit_codes/* EXIT_CODE_HELP */.Z },
    ],
};
/** `oci-copy sync FILE` or `oci-copy sync SRC-REPO DST-REPO [filters]`: the action's `images`, from a terminal. */
async function syncCommand(argv, io) {
    const { values, positionals } = (0,flags/* parseFlags */.b)('oci-copy sync', SYNC_FLAGS, argv);
    if (values.help) {
        io.stdout.write((0,help/* formatHelp */.B)(SYNC_HELP));
        return exit_codes/* ExitCode */.y.Done;
    }
    const terminal = (0,cli_terminal/* terminalSession */.rS)(io.console, io.env, values);
    const settings = (0,cli_settings/* flagSettings */.w)(values, terminal.open);
    const entries = await syncEntries(values, positionals, io.env);
    Object.assign(settings, await (0,signing/* signatureFlagSettings */.Um)(values, io.env, entries, positionals.length === 1 ? (0,oci_text/* printable */.g$)(positionals[0]) : undefined));
    const shard = typeof values.shard === 'string' ? (0,plan/* parseShard */.uK)(values.shard, '--shard') : undefined;
    const credentials = await (0,copy_command.readBothCredentials)(values, io);
    const { console } = io;
    terminal.progress?.start();
    let outcome;
    try {
        outcome = await (0,run_job/* runJob */.b)({
            ...settings,
            work: { kind: 'sync', entries, ...(shard ? { shard } : {}) },
            source: { ...settings.source, credentials: credentials.source },
            destination: { ...settings.destination, credentials: credentials.destination },
        }, {
            reporter: syncReporter(io, terminal.progress, entries.length),
            ...(settings.blobCache ? { cacheStore: (0,cli_settings/* fileCacheStore */.a)(io.env, (m) => console.line(`warning: ${m}`)) } : {}),
        });
    }
    finally {
        terminal.progress?.stop();
    }
    console.final(settings.integrity?.mode === 'check' ? checkTotalsLine(outcome) : totalsLine(outcome));
    (0,cli_terminal/* printPullLimits */.L2)(console, outcome);
    if (values.json)
        io.stdout.write(`${JSON.stringify(syncJson(outcome, settings.integrity !== undefined))}\n`);
    if (outcome.failure)
        throw new errors/* OperationError */.OK(outcome.failure);
    return exit_codes/* ExitCode */.y.Done;
}
/** The list's size once it is expanded, then a line per unchanged image and a block per image copied or failed. */
function syncReporter(io, progress, entries) {
    const reporter = (0,log/* syncLog */.KQ)((0,cli_terminal/* consoleSink */.JS)(io.console));
    return (0,cli_terminal/* withProgress */.E0)({
        ...reporter,
        planned(plan) {
            reporter.planned?.(plan);
            io.console.line((0,log/* planLine */.od)(plan, entries));
        },
    }, progress);
}
const FILTERS = ['tags', 'exclude-tags', 'semver', 'latest', 'prune', 'protect', 'immutable-tags'];
async function syncEntries(values, positionals, env) {
    const filters = FILTERS.filter((f) => values[f] !== undefined && values[f] !== false && !(Array.isArray(values[f]) && !values[f].length));
    if (positionals.length === 1) {
        if (filters.length)
            throw new flags/* UsageError */.e(`--${filters[0]} goes with SRC-REPO DST-REPO; in FILE, give ${filters[0]}: in the entry`);
        const path = positionals[0];
        const info = await (0,promises_.stat)(path).catch(() => undefined);
        if (!info)
            throw new flags/* UsageError */.e(`FILE ${(0,oci_text/* quoted */.TL)(path)} does not exist: give the sync list (YAML), or SRC-REPO DST-REPO`);
        if (!info.isFile())
            throw new flags/* UsageError */.e(`FILE ${(0,oci_text/* quoted */.TL)(path)} is not a file: give the sync list (YAML), or SRC-REPO DST-REPO`);
        if (info.size > settings_values/* MAX_LIST_BYTES */.Cb)
            throw new flags/* UsageError */.e(`FILE ${(0,oci_text/* quoted */.TL)(path)} is ${info.size} bytes: a sync list is a small YAML file`);
        return parseSyncEntries(await (0,promises_.readFile)(path, 'utf8'), (0,oci_text/* printable */.g$)(path), { env });
    }
    if (positionals.length === 2) {
        const [source, destination] = positionals;
        const names = { source: 'SRC-REPO', destination: 'DST-REPO' };
        return [
            entryFromValues({
                source,
                destination,
                tags: values.tags,
                'exclude-tags': values['exclude-tags'],
                semver: values.semver,
                latest: values.latest,
                prune: values.prune === true ? true : undefined,
                protect: values.protect,
                'immutable-tags': values['immutable-tags'],
            }, { entry: 'oci-copy sync', field: (name) => names[name] ?? `--${name}` }),
        ];
    }
    throw new flags/* UsageError */.e(`expected FILE, or SRC-REPO and DST-REPO, got ${positionals.length} arguments: see oci-copy sync --help`);
}
/**
 * `--json`: the action's `images` output; when an entry prunes, `{images, pruned}` with its
 * `pruned` output beside it; with `--check` or `--repair`, `{images, check}` with its `check` output.
 */
function syncJson(outcome, checked) {
    const images = (0,render_records/* imageRecords */.WQ)(outcome);
    if (!outcome.pruned && !checked)
        return images;
    return { images, ...(outcome.pruned ? { pruned: (0,render_records/* pruneRecords */.VH)(outcome) } : {}), ...(checked ? { check: (0,render_records/* integrityRecords */.yB)(outcome) } : {}) };
}
/** `60 of 62 images intact, 2 failed; checked in 4 s`: what a check of every image found. */
function checkTotalsLine(outcome) {
    const records = (0,render_records/* integrityRecords */.yB)(outcome);
    const intact = records.filter((r) => r.status === 'intact').length;
    const others = ['drifted', 'damaged', 'unchecked']
        .map((s) => [s, records.filter((r) => r.status === s).length])
        .filter(([, n]) => n)
        .map(([s, n]) => `${n} ${s}`);
    return `${intact} of ${records.length} images intact${others.length ? `, ${others.join(', ')}` : ''}; checked in ${(0,copy_report/* formatDuration */.a3)(outcome.durationMs)}`;
}
/** `12 copied, 50 unchanged, 0 failed; 1.2 GiB copied, 300 MiB mounted; in 2 min 3 s`. */
function totalsLine(outcome) {
    const { counts, results } = outcome;
    const rest = [
        `${counts.unchanged} ${status_words/* STATUS_WORDS */.ly.unchanged.word}`,
        `${counts.failed} ${status_words/* STATUS_WORDS */.ly.failed.word}`,
        ...(0,status_words/* notDoneCounts */.gg)(counts),
    ].join(', ');
    const took = (0,copy_report/* formatDuration */.a3)(outcome.durationMs);
    if (counts.repaired)
        return `${counts.copied} of ${results.length} images ${status_words/* STATUS_WORDS */.ly.copied.word}, ${counts.repaired} ${status_words/* STATUS_WORDS */.ly.repaired.word}, ${rest}; ${(0,copy_report/* formatBytes */.z3)(outcome.bytes.copied)} copied, ${(0,copy_report/* formatBytes */.z3)(outcome.bytes.mounted)} mounted; in ${took}`;
    if (outcome.dryRun)
        return `${status_words/* STATUS_WORDS */.ly.copy.title} ${counts.copy} of ${results.length} images; ${rest}; checked in ${took}`;
    return `${counts.copied} of ${results.length} images ${status_words/* STATUS_WORDS */.ly.copied.word}, ${rest}; ${(0,copy_report/* formatBytes */.z3)(outcome.bytes.copied)} copied, ${(0,copy_report/* formatBytes */.z3)(outcome.bytes.mounted)} mounted; in ${took}`;
}


/***/ })

};
