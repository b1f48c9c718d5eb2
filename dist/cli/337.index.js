export const id = 337;
export const ids = [337];
export const modules = {

/***/ 74117:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Js: () => (/* binding */ abortReason),
/* harmony export */   Te: () => (/* binding */ throwIfAborted),
/* harmony export */   v7: () => (/* binding */ pause),
/* harmony export */   w4: () => (/* binding */ linkSignals)
/* harmony export */ });
/* harmony import */ var node_events__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(78474);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(58500);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29949);



/**
 * Cancellation: how a copy that has failed (or was told to stop) ends everything it started at
 * once. One AbortSignal reaches each request, each retry loop and each wait between tries; when it
 * fires, they end with its reason (the copy's first error), never with another try.
 */
/** Why `signal` fired: its reason when that is an error, else a `CancelledError`. */
function abortReason(signal) {
    return signal.reason instanceof Error ? signal.reason : new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .CancelledError */ .cc('the operation was cancelled');
}
/** Throws the reason when `signal` has fired. */
function throwIfAborted(signal) {
    if (signal?.aborted)
        throw abortReason(signal);
}
/** Waits `ms`, or less: a fired `signal` ends the wait with its reason. */
async function pause(ms, signal) {
    throwIfAborted(signal);
    if (!signal)
        return (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_1__.setTimeout)(ms);
    try {
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_1__.setTimeout)(ms, undefined, { signal });
    }
    catch {
        throw abortReason(signal);
    }
}
/**
 * One signal that fires when any of `signals` does, with its reason. `dispose` detaches it, so a
 * long-lived signal (a client's, a copy's) does not keep every request it ever linked.
 */
function linkSignals(...signals) {
    const given = signals.filter((s) => s !== undefined);
    const controller = new AbortController();
    const fired = given.find((s) => s.aborted);
    if (fired) {
        controller.abort(fired.reason);
        return { signal: controller.signal, dispose: () => { } };
    }
    // A long-lived signal gets one listener per request in flight (removed by `dispose`): with
    // `concurrency` above 10, Node would warn of a leak in the job log where there is none.
    (0,node_events__WEBPACK_IMPORTED_MODULE_0__.setMaxListeners)(0, ...given);
    const listeners = given.map((s) => {
        const onAbort = () => controller.abort(s.reason);
        s.addEventListener('abort', onAbort, { once: true });
        return () => s.removeEventListener('abort', onAbort);
    });
    return {
        signal: controller.signal,
        dispose: () => {
            for (const remove of listeners)
                remove();
        },
    };
}


/***/ }),

/***/ 38781:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   z: () => (/* binding */ copyReporter)
/* harmony export */ });
/* harmony import */ var _job_render_log_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51488);
/* harmony import */ var _job_render_checks_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(78366);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(91839);
/* harmony import */ var _terminal_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(36210);




/**
 * What a copy prints as it goes, on standard error: with several destinations a heading for each;
 * a line per event (on a terminal under the status line; elsewhere, as a CI log or `| tee` sees
 * it, also a progress line every few seconds for a blob that takes long); and as each destination
 * is done, its result, once, in order: what went where (or why not), the digest and the totals.
 * A single destination that failed prints nothing here: its error is the command's last line.
 */
function copyReporter(console, progress, destinations) {
    const sink = (0,_terminal_js__WEBPACK_IMPORTED_MODULE_2__/* .consoleSink */ .JS)(console);
    const several = destinations > 1;
    let dryRun = false;
    return (0,_terminal_js__WEBPACK_IMPORTED_MODULE_2__/* .withProgress */ .E0)({
        warning: sink.warning,
        budgetStopped: sink.warning,
        lockNote: (line) => console.line(line),
        itemStarted(start) {
            dryRun = start.dryRun;
            // One that moves nothing (unchanged, not attempted) is told by its result line alone.
            if (several && !start.known) {
                console.line(`${start.dryRun ? 'Dry run' : 'Copying'} ${(0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .formatReference */ .FH)(start.item.source)} => ${(0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .formatReference */ .FH)(start.item.destination)}`);
                progress?.begin(`destination ${start.index + 1} of ${destinations}`);
            }
            return (0,_job_render_log_js__WEBPACK_IMPORTED_MODULE_0__/* .eventLines */ .Cl)(sink, { progress: !progress });
        },
        itemDone(r) {
            if (several || (r.status !== 'failed' && r.status !== 'skipped'))
                printResult(console, r, dryRun);
        },
    }, progress);
}
/** A destination's result; its last line (the totals, or the result when nothing was copied) is a final line. */
function printResult(console, r, dryRun) {
    const t = r.totals;
    const totals = r.root !== undefined && !(r.status === 'unchanged' && t.nodes <= 1);
    if (r.status === 'failed')
        console.error((0,_job_render_log_js__WEBPACK_IMPORTED_MODULE_0__/* .resultLine */ .ow)(r, dryRun), `${r.destination}: ${(0,_job_render_log_js__WEBPACK_IMPORTED_MODULE_0__/* .resultLine */ .ow)(r, dryRun)}`);
    else if (totals)
        console.line((0,_job_render_log_js__WEBPACK_IMPORTED_MODULE_0__/* .resultLine */ .ow)(r, dryRun));
    else
        console.final((0,_job_render_log_js__WEBPACK_IMPORTED_MODULE_0__/* .resultLine */ .ow)(r, dryRun));
    if (!r.root)
        return;
    console.line(`Digest: ${r.root.digest}`);
    // What a check said as it ran (a verification, before the copy) is not said again.
    for (const line of (0,_job_render_checks_js__WEBPACK_IMPORTED_MODULE_3__/* .checkLines */ .Wb)(r, true))
        console.line(line);
    const totalsText = (0,_job_render_log_js__WEBPACK_IMPORTED_MODULE_0__/* .totalsLine */ .sX)(r, dryRun);
    if (totalsText)
        console.final(totalsText);
}


/***/ }),

/***/ 73080:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ parseFlags),
/* harmony export */   e: () => (/* binding */ UsageError)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57975);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_spelling_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(21120);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4277);




/** Bad arguments: exit status 2, and a message in the words of the command line. */
class UsageError extends _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz {
    name = 'UsageError';
}
/**
 * Parses `argv` with Node's parser, in its strict mode, and turns its errors into sentences about
 * the flag at fault: `--bogus is not an option of oci-copy: did you mean --debug?`.
 */
function parseFlags(command, flags, argv) {
    const options = {};
    for (const f of flags) {
        options[f.name] = {
            type: f.kind === 'boolean' ? 'boolean' : 'string',
            ...(f.kind === 'list' ? { multiple: true } : {}),
            ...(f.short ? { short: f.short } : {}),
        };
    }
    try {
        const { values, positionals } = (0,node_util__WEBPACK_IMPORTED_MODULE_0__.parseArgs)({ args: withSwitchValues(flags, argv), options, allowPositionals: true, strict: true });
        return { values: values, positionals };
    }
    catch (err) {
        throw rewordParseError(command, flags, err);
    }
}
/**
 * `--tls-verify` alone is `--tls-verify=true`; `--tls-verify false` is `--tls-verify=false`; a
 * switch whose other value is a word (`--check[=deep]`) takes that word apart too (`--check deep`).
 */
function withSwitchValues(flags, argv) {
    const switchFlags = flags.filter((f) => f.kind === 'switch');
    const switches = new Set(switchFlags.map((f) => `--${f.name}`));
    const words = new Map(switchFlags.map((f) => [`--${f.name}`, f.value]));
    const out = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--') {
            out.push(...argv.slice(i));
            break;
        }
        if (!switches.has(arg)) {
            out.push(arg);
            continue;
        }
        const next = argv[i + 1];
        if (next === 'true' || next === 'false' || (next !== undefined && next === words.get(arg))) {
            out.push(`${arg}=${next}`);
            i++;
        }
        else {
            out.push(`${arg}=true`);
        }
    }
    return out;
}
function rewordParseError(command, flags, err) {
    const code = err?.code;
    const message = err?.message ?? '';
    const flag = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_2__/* .printable */ .g$)(/'(-[^' ]*)/.exec(message)?.[1] ?? '');
    const see = `see ${command} --help`;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        const near = nearestFlag(flag, flags);
        return new UsageError(`${flag} is not an option of ${command}: ${near ? `did you mean ${near}? (${see})` : see}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
        const spec = flags.find((f) => `--${f.name}` === flag || `-${f.short}` === flag);
        if (spec && spec.kind === 'boolean')
            return new UsageError(`${flag} takes no value: give it alone, or leave it out`);
        return new UsageError(`${flag} needs a value (${flag} ${spec?.value ?? 'VALUE'}): ${see}`);
    }
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
        return new UsageError(`${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_2__/* .printable */ .g$)(message.split('\n')[0])}: ${see}`);
    return err;
}
/** The flag a mistyped one was most likely meant to be. */
function nearestFlag(given, flags) {
    const near = (0,_oci_spelling_js__WEBPACK_IMPORTED_MODULE_3__/* .nearestWord */ .z)(given.replace(/^-+/, '').replace(/=.*$/, ''), flags.map((f) => f.name));
    return near && `--${near}`;
}


/***/ }),

/***/ 2600:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ formatHelp),
/* harmony export */   k: () => (/* binding */ flagRows)
/* harmony export */ });
/** `--concurrency N`, `-h, --help`, `--tls-verify[=false]`: a flag as help shows it. */
function flagName(f) {
    const long = f.kind === 'switch' ? `--${f.name}[=${f.value ?? 'false'}]` : `--${f.name}${f.value && f.kind !== 'boolean' ? ` ${f.value}` : ''}`;
    return f.short ? `-${f.short}, ${long}` : long;
}
function flagRows(flags) {
    return flags.map((f) => [flagName(f), f.help]);
}
/** Help lines end by this column, as a terminal of 100 columns shows them. */
const WIDTH = 100;
/** The help text: columns aligned, the right one wrapped to fit. */
function formatHelp(help) {
    const out = [];
    for (const [i, u] of help.usage.entries())
        out.push(`${i === 0 ? 'usage: ' : '       '}${u}`);
    out.push('', ...wrap(help.summary, WIDTH));
    for (const section of help.sections) {
        out.push('', `${section.title}:`);
        if (section.rows) {
            const column = Math.min(34, Math.max(...section.rows.map(([left]) => left.length)) + 4);
            for (const [left, right] of section.rows) {
                const [first, ...more] = wrap(right, WIDTH - column);
                if (left.length + 4 > column)
                    out.push(`  ${left}`, `${' '.repeat(column)}${first}`);
                else
                    out.push(`  ${left.padEnd(column - 2)}${first}`);
                for (const line of more)
                    out.push(`${' '.repeat(column)}${line}`);
            }
        }
        for (const line of section.lines ?? [])
            out.push(line ? `  ${line}` : '');
    }
    return `${out.join('\n')}\n`;
}
function wrap(text, width) {
    const lines = [];
    let line = '';
    for (const word of text.split(' ')) {
        if (line && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        }
        else {
            line = line ? `${line} ${word}` : word;
        }
    }
    lines.push(line);
    return lines;
}


/***/ }),

/***/ 97449:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L1: () => (/* binding */ readCredentials),
/* harmony export */   M$: () => (/* binding */ readStdinPassword),
/* harmony export */   QU: () => (/* binding */ promptPassword),
/* harmony export */   fQ: () => (/* binding */ credentialFlags),
/* harmony export */   rt: () => (/* binding */ credentialVariables)
/* harmony export */ });
/* harmony import */ var _flags_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73080);

/** The credential flags of one side: `--src-creds`, `--src-username`, `--src-password-stdin`. */
function credentialFlags(side) {
    const which = side === 'src' ? 'the source' : 'the destination';
    return [
        {
            name: `${side}-creds`,
            kind: 'string',
            value: 'USER[:PASSWORD]',
            help: `credentials for ${which} registry (a password here shows in ps: prefer the two below)`,
        },
        { name: `${side}-username`, kind: 'string', value: 'USER', help: `user for ${which} registry` },
        { name: `${side}-password-stdin`, kind: 'boolean', help: `read ${which} registry's password or token from standard input` },
    ];
}
/** `OCI_COPY_SRC_USERNAME`, `OCI_COPY_DEST_PASSWORD`: credentials that stay out of `ps`. */
function credentialVariables(side) {
    const prefix = `OCI_COPY_${side.toUpperCase()}_`;
    return { username: `${prefix}USERNAME`, password: `${prefix}PASSWORD` };
}
/** Longest password read from standard input: a token is a few kilobytes at most. */
const MAX_STDIN_PASSWORD = 64 * 1024;
/**
 * One side's credentials from its flags and variables: the user from `--src-creds USER[:PASSWORD]`,
 * `--src-username` or `OCI_COPY_SRC_USERNAME`; the password from `--src-creds`,
 * `--src-password-stdin` or `OCI_COPY_SRC_PASSWORD`. Flags win over variables; giving the same
 * thing twice, a password without a user or a user without a password is an error.
 */
async function readCredentials(side, values, env, stdin) {
    const creds = values[`${side}-creds`];
    const userFlag = values[`${side}-username`];
    const fromStdin = values[`${side}-password-stdin`] === true;
    const vars = credentialVariables(side);
    const credsFlag = `--${side}-creds`;
    const colon = creds?.indexOf(':') ?? -1;
    if (creds !== undefined && (colon === 0 || creds === ''))
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${credsFlag} names no user: give ${credsFlag} USER[:PASSWORD]`);
    if (creds !== undefined && userFlag !== undefined)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${credsFlag} and --${side}-username both name the user: give one`);
    const inline = creds !== undefined && colon > 0 ? creds.slice(colon + 1) : undefined;
    if (inline !== undefined && fromStdin)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${credsFlag} gives a password and --${side}-password-stdin another: give one`);
    const user = creds !== undefined
        ? [colon > 0 ? creds.slice(0, colon) : creds, credsFlag]
        : userFlag !== undefined
            ? [userFlag, `--${side}-username`]
            : env[vars.username]
                ? [env[vars.username], vars.username]
                : undefined;
    let password;
    if (inline !== undefined)
        password = [inline, credsFlag];
    else if (fromStdin)
        password = [await stdin(), `--${side}-password-stdin`];
    else if (env[vars.password])
        password = [env[vars.password], vars.password];
    if (!user && !password)
        return { from: `${credsFlag}, ${vars.username}` };
    if (!user)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`a password is given in ${password[1]} but no user: give ${credsFlag} USER, --${side}-username USER or ${vars.username}`);
    if (!password) {
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${user[1]} names user ${user[0]} but no password: add :PASSWORD, --${side}-password-stdin, or set ${vars.password}`);
    }
    const from = user[1] === password[1] ? user[1] : `${user[1]} and ${password[1]}`;
    return { username: user[0], password: password[0], from };
}
/**
 * The password piped in on standard input, without its final line break (as `docker login
 * --password-stdin` reads it). A terminal is refused: the password would show as it is typed.
 */
async function readStdinPassword(stdin, flag) {
    if (stdin.isTTY) {
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${flag} reads the password from standard input, which is a terminal: pipe it in (printf '%s' "$TOKEN" | oci-copy … ${flag})`);
    }
    let text = '';
    for await (const chunk of stdin) {
        text += chunk.toString();
        if (text.length > MAX_STDIN_PASSWORD)
            throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${flag}: standard input holds more than ${MAX_STDIN_PASSWORD} bytes, which is no password`);
    }
    const password = text.replace(/\r?\n$/, '');
    if (!password)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e(`${flag}: standard input was empty: pipe the password in`);
    return password;
}
/**
 * Asks for a password on the terminal, as cosign does: the prompt on standard error, what is typed
 * not echoed, up to Enter; Backspace takes back a character, Ctrl-C or Ctrl-D gives up.
 */
function promptPassword(stdin, console, prompt) {
    console.ask(prompt);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    return new Promise((resolve, reject) => {
        let typed = '';
        const done = (err) => {
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            console.answered();
            if (err)
                reject(err);
            else
                resolve(typed);
        };
        const onData = (chunk) => {
            for (const ch of chunk) {
                if (ch === '\r' || ch === '\n')
                    return done();
                if (ch === '\u0003' || ch === '\u0004')
                    return done(new _flags_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .e('no password given (the prompt was left with Ctrl-C or Ctrl-D): nothing written'));
                if (ch === '\u007f' || ch === '\b')
                    typed = [...typed].slice(0, -1).join('');
                else if (ch >= ' ')
                    typed += ch;
            }
        };
        stdin.on('data', onData);
        stdin.resume();
    });
}


/***/ }),

/***/ 77962:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  a: () => (/* binding */ fileCacheStore),
  w: () => (/* binding */ flagSettings)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
;// CONCATENATED MODULE: ./lib/src/blob-cache/file-cache.js





/** The file format this code writes and the only one it reads. */
const BLOB_CACHE_FORMAT_VERSION = 1;
const DEFAULT_MAX_ENTRIES = 50_000;
/** A location seen again counts as news (worth saving) only when its last sighting is this old. */
const DEFAULT_REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;
/** A file larger than this is not a cache this code wrote. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Images left by a pull budget, kept for the next run: at most this many, each name at most this long. */
const MAX_PENDING_ITEMS = 20_000;
const MAX_PENDING_KEY = 2048;
const SEP = '\u0000';
/**
 * A blob-info cache held in memory, loaded from and saved to one JSON file. Both maps keep their
 * keys in the order last seen (re-recording moves a key to the end), so the oldest entry is always
 * the first one and the candidates of a blob are its repositories read backwards.
 */
class FileBlobInfoCache {
    maxEntries;
    refreshAfterMs;
    warn;
    now;
    /** `registry SEP digest SEP repository` → last seen. */
    entries = new Map();
    /** `registry SEP digest` → repository → last seen. */
    byBlob = new Map();
    /** Images left for the next run, as `itemKey` names them. */
    pending = [];
    dirty = false;
    constructor(options = {}) {
        this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES));
        this.refreshAfterMs = Math.max(0, options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS);
        this.warn = options.warn ?? (() => { });
        this.now = options.now ?? Date.now;
    }
    /** True when the cache learnt something since it was loaded or last saved. */
    get changed() {
        return this.dirty;
    }
    get size() {
        return this.entries.size;
    }
    /** The images a pull budget left last time (`source => destination`), to go first this time. */
    pendingItems() {
        return this.pending;
    }
    /**
     * Replaces the list of images left for the next run (empty: none left). The first
     * `MAX_PENDING_ITEMS` are kept. A change makes the cache worth saving.
     */
    setPendingItems(keys) {
        const next = boundedPending(keys);
        if (next.length === this.pending.length && next.every((k, i) => k === this.pending[i]))
            return;
        this.pending = next;
        this.dirty = true;
    }
    record(location, digest) {
        try {
            const registry = normalizeRegistry(location?.registry);
            const repository = location?.repository;
            if (!registry || !isText(repository) || !isText(digest))
                return;
            const previous = this.entries.get(entryKey(registry, digest, repository));
            const seen = this.now();
            if (previous === undefined || seen - previous >= this.refreshAfterMs)
                this.dirty = true;
            this.put(registry, repository, digest, Math.max(seen, previous ?? seen));
            this.evict();
        }
        catch (err) {
            this.warn(`blob-info cache: could not record ${String(digest)}: ${(0,errors/* messageOf */.bD)(err)}`);
        }
    }
    candidates(registry, digest, limit) {
        try {
            const repos = this.byBlob.get(blobKey(normalizeRegistry(registry), digest));
            const n = Math.floor(limit);
            if (!repos || !(n > 0))
                return [];
            const all = [...repos.keys()];
            const out = [];
            for (let i = all.length - 1; i >= 0 && out.length < n; i--)
                out.push(all[i]);
            return out;
        }
        catch (err) {
            this.warn(`blob-info cache: could not look up ${String(digest)}: ${(0,errors/* messageOf */.bD)(err)}`);
            return [];
        }
    }
    /**
     * Adds the entries of the file at `path` to what the cache holds. A missing file is a first run:
     * nothing to load, no warning. A corrupt, unreadable or foreign file loads nothing and warns.
     * Returns how many entries were read.
     */
    async load(path) {
        let text;
        try {
            const info = await (0,promises_.stat)(path);
            if (info.size > MAX_FILE_BYTES) {
                this.warn(`blob-info cache ${path} is larger than ${MAX_FILE_BYTES} bytes; starting with an empty cache`);
                return 0;
            }
            text = await (0,promises_.readFile)(path, 'utf8');
        }
        catch (err) {
            if (err?.code === 'ENOENT')
                return 0;
            this.warn(`blob-info cache ${path} could not be read (${(0,errors/* messageOf */.bD)(err)}); starting with an empty cache`);
            return 0;
        }
        try {
            const parsed = parseCacheFile(text);
            if (typeof parsed === 'string') {
                this.warn(`blob-info cache ${path} ${parsed}; starting with an empty cache`);
                return 0;
            }
            const { entries, skipped, pending } = parsed;
            if (skipped > 0)
                this.warn(`blob-info cache ${path}: ignored ${skipped} malformed entries`);
            this.merge(entries);
            // Several files (one per shard) each add what they left: the union, in the order loaded.
            if (pending.length)
                this.pending = boundedPending([...this.pending, ...pending]);
            return entries.length;
        }
        catch (err) {
            this.warn(`blob-info cache ${path} could not be loaded (${(0,errors/* messageOf */.bD)(err)}); starting with an empty cache`);
            return 0;
        }
    }
    /**
     * Writes the whole cache to `path` atomically (a temporary file beside it, then a rename), creating
     * the directory. What another process saved there since is merged in first, so that two copies
     * running side by side both keep what they learnt. Returns false, after a warning, when it could not.
     */
    async save(path) {
        const temp = `${path}.${process.pid}.${(0,external_node_crypto_.randomBytes)(4).toString('hex')}.tmp`;
        try {
            await this.mergeQuietly(path);
            await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
            await (0,promises_.writeFile)(temp, this.serialize(), { encoding: 'utf8', mode: 0o600 });
            await (0,promises_.rename)(temp, path);
            this.dirty = false;
            return true;
        }
        catch (err) {
            await (0,promises_.unlink)(temp).catch(() => { });
            this.warn(`blob-info cache could not be saved to ${path}: ${(0,errors/* messageOf */.bD)(err)}`);
            return false;
        }
    }
    /** Merges a valid file at `path`; anything else there is about to be replaced anyway. */
    async mergeQuietly(path) {
        try {
            if ((await (0,promises_.stat)(path)).size > MAX_FILE_BYTES)
                return;
            const parsed = parseCacheFile(await (0,promises_.readFile)(path, 'utf8'));
            if (typeof parsed !== 'string')
                this.merge(parsed.entries);
        }
        catch {
            // Missing or unreadable: nothing to keep.
        }
    }
    /** The file's content: compact JSON, entries oldest first. */
    serialize() {
        const entries = [];
        for (const [key, seen] of this.entries) {
            const [registry, digest, repository] = key.split(SEP);
            entries.push([registry, repository, digest, seen]);
        }
        const file = { version: BLOB_CACHE_FORMAT_VERSION, entries, ...(this.pending.length ? { pending: this.pending } : {}) };
        return JSON.stringify(file);
    }
    /** Adds `incoming`, keeping the newer sighting of an entry, and rebuilds both maps in last-seen order. */
    merge(incoming) {
        const all = new Map();
        for (const [key, seen] of this.entries) {
            const [registry, digest, repository] = key.split(SEP);
            all.set(key, [registry, repository, digest, seen]);
        }
        for (const e of incoming) {
            const key = entryKey(e[0], e[2], e[1]);
            const held = all.get(key);
            if (!held || held[3] < e[3])
                all.set(key, e);
        }
        // A stable sort: ties keep the order they were recorded in.
        const sorted = [...all.values()].sort((a, b) => a[3] - b[3]);
        this.entries.clear();
        this.byBlob.clear();
        for (const [registry, repository, digest, seen] of sorted)
            this.put(registry, repository, digest, seen);
        this.evict();
    }
    put(registry, repository, digest, seen) {
        const key = entryKey(registry, digest, repository);
        this.entries.delete(key);
        this.entries.set(key, seen);
        const bk = blobKey(registry, digest);
        let repos = this.byBlob.get(bk);
        if (!repos)
            this.byBlob.set(bk, (repos = new Map()));
        repos.delete(repository);
        repos.set(repository, seen);
    }
    evict() {
        while (this.entries.size > this.maxEntries) {
            const oldest = this.entries.keys().next().value;
            this.entries.delete(oldest);
            const [registry, digest, repository] = oldest.split(SEP);
            const bk = blobKey(registry, digest);
            const repos = this.byBlob.get(bk);
            repos?.delete(repository);
            if (repos?.size === 0)
                this.byBlob.delete(bk);
        }
    }
}
/** Where the CLI keeps its blob-info cache: the user's cache directory. */
function defaultCacheFile(env = process.env, platform = process.platform, home = (0,external_node_os_.homedir)()) {
    if (platform === 'win32') {
        const base = env.LOCALAPPDATA || (0,external_node_path_.join)(home, 'AppData', 'Local');
        return (0,external_node_path_.join)(base, 'oci-copy', 'blob-info.json');
    }
    // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
    const xdg = env.XDG_CACHE_HOME;
    const base = xdg && (0,external_node_path_.isAbsolute)(xdg) ? xdg : (0,external_node_path_.join)(home, '.cache');
    return (0,external_node_path_.join)(base, 'oci-copy', 'blob-info.json');
}
/** Each key once, texts of a sane length only, at most `MAX_PENDING_ITEMS`. */
function boundedPending(keys) {
    const out = new Set();
    for (const key of keys) {
        if (out.size >= MAX_PENDING_ITEMS)
            break;
        if (typeof key === 'string' && key.length > 0 && key.length <= MAX_PENDING_KEY)
            out.add(key);
    }
    return [...out];
}
/** The valid entries of a cache file and how many were not, or why the whole file is unusable. */
function parseCacheFile(text) {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch {
        return 'is not valid JSON';
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
        return 'is not a blob-info cache file';
    const { version, entries } = data;
    if (version !== BLOB_CACHE_FORMAT_VERSION) {
        return `has format version ${JSON.stringify(version)}, this version reads ${BLOB_CACHE_FORMAT_VERSION}`;
    }
    if (!Array.isArray(entries))
        return 'has no entries list';
    const valid = [];
    let skipped = 0;
    for (const e of entries) {
        if (Array.isArray(e) &&
            e.length === 4 &&
            isText(e[0]) &&
            isText(e[1]) &&
            isText(e[2]) &&
            typeof e[3] === 'number' &&
            Number.isFinite(e[3])) {
            valid.push([normalizeRegistry(e[0]), e[1], e[2], e[3]]);
        }
        else {
            skipped++;
        }
    }
    const listed = data.pending;
    return { entries: valid, skipped, pending: Array.isArray(listed) ? boundedPending(listed) : [] };
}
/** Host names are case-insensitive: one spelling per registry. */
function normalizeRegistry(registry) {
    return isText(registry) ? registry.toLowerCase() : '';
}
function isText(v) {
    return typeof v === 'string' && v.length > 0 && !v.includes(SEP);
}
function entryKey(registry, digest, repository) {
    return `${registry}${SEP}${digest}${SEP}${repository}`;
}
function blobKey(registry, digest) {
    return `${registry}${SEP}${digest}`;
}

// EXTERNAL MODULE: ./lib/src/copy/options.js
var options = __webpack_require__(84088);
// EXTERNAL MODULE: ./lib/src/settings/values.js
var settings_values = __webpack_require__(13490);
// EXTERNAL MODULE: ./lib/src/settings/names.js
var names = __webpack_require__(48330);
// EXTERNAL MODULE: ./lib/src/cli/voice.js
var voice = __webpack_require__(21533);
// EXTERNAL MODULE: ./lib/src/cli/flags.js
var flags = __webpack_require__(73080);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
;// CONCATENATED MODULE: ./lib/src/cli/settings.js








/**
 * The settings the copy's and the sync's flags share, read from the parsed flags: booleans as
 * they are, values checked by the same code that checks the action's inputs, errors in the
 * command line's words (`--concurrency is 0: use a whole number from 1 to 64`).
 */
function flagSettings(values, open) {
    const text = (name) => (typeof values[name] === 'string' ? values[name] : '');
    const on = (name) => values[name] === true;
    const platform = (0,settings_values/* parsePlatforms */.qA)(text('platform'), voice/* FLAG_VOICE */.m);
    const caFile = text('ca-file').trim();
    const shared = { ...open, plainHttp: on('plain-http'), voice: voice/* FLAG_VOICE */.m };
    return {
        image: { ...(platform ? { platform } : {}), referrers: on('referrers'), noClobber: on('no-clobber') },
        dryRun: on('dry-run'),
        concurrency: (0,settings_values/* parseWholeNumber */.oA)(text('concurrency'), names/* Input */.p.Concurrency, options/* DEFAULT_CONCURRENCY */.WH, 1, 64, voice/* FLAG_VOICE */.m),
        mount: !on('no-mount'),
        blobCache: !on('no-blob-cache'),
        failFast: on('fail-fast'),
        source: shared,
        destination: shared,
        trust: { ...(caFile ? { caFile } : {}), tlsVerify: (0,settings_values/* parseBoolean */.yG)(text('tls-verify'), names/* Input */.p.TlsVerify, true, voice/* FLAG_VOICE */.m) },
        voice: voice/* FLAG_VOICE */.m,
        ...(text('min-pulls-left')
            ? { minPullsLeft: (0,settings_values/* parseWholeNumber */.oA)(text('min-pulls-left'), names/* Input */.p.MinPullsLeft, 0, 0, settings_values/* MAX_PULL_BUDGET */.lD, voice/* FLAG_VOICE */.m) }
            : {}),
        ...optionalRate((0,settings_values/* parseRequestsPerSecond */.$r)(text('requests-per-second'), voice/* FLAG_VOICE */.m)),
        ...lockSettings(text('lock-file').trim(), on('locked')),
        ...integrityFlags(text('check'), text('repair')),
    };
}
/** `--lock-file FILE` (relative to the working directory) and `--locked`, which reads it and so needs it. */
function lockSettings(file, locked) {
    if (locked && !file)
        throw new flags/* UsageError */.e('--locked copies what a lock names, and --lock-file is not given: add --lock-file FILE (written by a run without --locked)');
    return file ? { lock: { path: (0,external_node_path_.resolve)(file), name: (0,oci_text/* printable */.g$)(file), locked } } : {};
}
/** `--check[=deep]` and `--repair[=deep]`: the job's `integrity`, at most one of them. */
function integrityFlags(check, repair) {
    const integrity = (0,settings_values/* integritySetting */.Iz)((0,settings_values/* parseIntegrityMode */.u0)(check, names/* Input */.p.Check, voice/* FLAG_VOICE */.m), (0,settings_values/* parseIntegrityMode */.u0)(repair, names/* Input */.p.Repair, voice/* FLAG_VOICE */.m), {
        check: '--check',
        repair: '--repair',
    });
    return integrity ? { integrity } : {};
}
function optionalRate(n) {
    return n === undefined ? {} : { requestsPerSecond: n };
}
/** The blob-info cache in the user's cache directory: loaded before a job, written back when it learnt something. */
function fileCacheStore(env, warn) {
    const file = defaultCacheFile(env);
    let cache;
    return {
        async restore() {
            cache = new FileBlobInfoCache({ warn });
            await cache.load(file);
            return cache;
        },
        async save() {
            if (cache?.changed)
                await cache.save(file);
        },
        pending: () => cache,
    };
}


/***/ }),

/***/ 16818:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  zh: () => (/* binding */ SIGNATURE_FLAGS),
  jw: () => (/* binding */ SIGNATURE_FLAG_NAMES),
  Um: () => (/* binding */ signatureFlagSettings)
});

// EXTERNAL MODULE: ./lib/src/job/checks/signature-gates/load.js
var load = __webpack_require__(73248);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./lib/src/signatures/errors.js
var signatures_errors = __webpack_require__(91005);
// EXTERNAL MODULE: ./lib/src/targets/registry/index.js + 18 modules
var registry = __webpack_require__(62291);
;// CONCATENATED MODULE: ./lib/src/oidc/runner-token.js




/**
 * The job's OIDC identity token from the GitHub runner, for keyless signing: the protocol of
 * `core.getIDToken` (`GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore` with `Authorization:
 * Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered `{"value": JWT}`), spoken here with no
 * @actions/* import so the CLI can use it on a runner too. Returns a getter: the token is asked for
 * when first needed and reused for two minutes (Fulcio wants one per certificate; the runner's last
 * about five minutes). `onToken` sees each new token (the action masks it in the log).
 */
function runnerIdentityToken(env = process.env, options = {}) {
    let cached;
    return async () => {
        if (cached && Date.now() < cached.until)
            return cached.token;
        const token = await fetchToken(env, options.audience ?? 'sigstore', options.timeoutMs ?? 30_000);
        options.onToken?.(token);
        cached = { token, until: Date.now() + 120_000 };
        return token;
    };
}
/** A token larger than this is not a JWT the runner would send. */
const MAX_ANSWER_BYTES = 64 * 1024;
async function fetchToken(env, audience, timeoutMs) {
    const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!base || !bearer) {
        throw new errors/* InputError */.dz('keyless signing needs the job\'s OIDC token, and the runner offers none: give the job "permissions: id-token: write" (ACTIONS_ID_TOKEN_REQUEST_URL is not set)');
    }
    const url = `${base}${base.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
    let status;
    let text;
    // One try, no redirect followed: a refusal is told as the runner answered it. Proxies as `env` sets them.
    const http = new registry/* HttpClient */.Qq({ timeouts: { headersMs: timeoutMs, bodyIdleMs: timeoutMs }, network: { env } });
    try {
        const res = await http.send({
            method: 'GET',
            url: new URL(url),
            headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
            retry: false,
            followRedirects: false,
        });
        status = res.status;
        const chunks = [];
        let total = 0;
        for await (const chunk of res.body) {
            total += chunk.length;
            if (total > MAX_ANSWER_BYTES) {
                res.body.destroy();
                throw new signatures_errors/* SigningError */.u(`the runner's OIDC token endpoint answered more than ${MAX_ANSWER_BYTES} bytes`);
            }
            chunks.push(chunk);
        }
        text = Buffer.concat(chunks).toString('utf8');
    }
    catch (err) {
        if (err instanceof signatures_errors/* SigningError */.u)
            throw err;
        throw new signatures_errors/* SigningError */.u(`asking the runner for an OIDC token failed: ${(0,oci_text/* printable */.g$)((0,errors/* messageOf */.bD)(err), 200)}`);
    }
    finally {
        await http.close().catch(() => undefined);
    }
    if (status !== 200) {
        let why = '';
        try {
            why = String(JSON.parse(text).message ?? '');
        }
        catch {
            why = '';
        }
        throw new signatures_errors/* SigningError */.u(`the runner refused an OIDC token (HTTP ${status})${why ? `: ${(0,oci_text/* printable */.g$)(why, 200)}` : ''}; the job needs "permissions: id-token: write"`);
    }
    let value;
    try {
        value = JSON.parse(text).value;
    }
    catch {
        value = undefined;
    }
    if (typeof value !== 'string' || value.split('.').length !== 3)
        throw new signatures_errors/* SigningError */.u('the runner answered without an OIDC token (no "value" holding a JWT)');
    return value;
}

// EXTERNAL MODULE: ./lib/src/plan/entry-name.js
var entry_name = __webpack_require__(28638);
// EXTERNAL MODULE: ./lib/src/signatures/parse-settings.js
var parse_settings = __webpack_require__(19541);
// EXTERNAL MODULE: ./lib/src/signatures/settings.js
var settings = __webpack_require__(28323);
// EXTERNAL MODULE: ./lib/src/cli/flags.js
var flags = __webpack_require__(73080);
// EXTERNAL MODULE: ./lib/src/cli/voice.js
var voice = __webpack_require__(21533);
;// CONCATENATED MODULE: ./lib/src/cli/signing.js







/** The flags of verification and signing: the action's input names. */
const SIGNATURE_FLAGS = [
    { name: settings/* VerifySetting */.mw.Key, kind: 'string', value: 'FILE', help: 'copy only an image signed with this public key (cosign.pub)' },
    {
        name: settings/* VerifySetting */.mw.CertificateIdentity,
        kind: 'string',
        value: 'ID',
        help: 'copy only an image signed keyless by this identity (a workflow URL, an e-mail)',
    },
    { name: settings/* VerifySetting */.mw.CertificateIdentityRegexp, kind: 'string', value: 'REGEX', help: 'the same, the identity matching REGEX whole' },
    {
        name: settings/* VerifySetting */.mw.CertificateOidcIssuer,
        kind: 'string',
        value: 'URL',
        help: 'the OIDC issuer of that identity (GitHub Actions: https://token.actions.githubusercontent.com)',
    },
    {
        name: settings/* VerifySetting */.mw.AttestationType,
        kind: 'string',
        value: 'TYPE,...',
        help: 'require an accepted attestation of each predicate type (slsaprovenance1, spdxjson, vsa, a URI)',
    },
    {
        name: settings/* VerifySetting */.mw.TrustedRoot,
        kind: 'string',
        value: 'FILE',
        help: 'a trusted_root.json for a private Sigstore (default: the public-good instance)',
    },
    { name: settings/* VerifySetting */.mw.Platforms, kind: 'boolean', help: 'each platform manifest of an index must be signed too' },
    {
        name: settings/* VerifySetting */.mw.Mode,
        kind: 'string',
        value: 'enforce|warn',
        help: 'enforce (default): an image that fails the policy is refused; warn: it is copied anyway, with a warning',
    },
    {
        name: settings/* SignSetting */.gp.Sign,
        kind: 'string',
        value: 'keyless|key',
        help: "sign the destination digest once it is tagged, or already there, unless this signer has (keyless: SIGSTORE_ID_TOKEN or the runner's token)",
    },
    { name: settings/* SignSetting */.gp.Key, kind: 'string', value: 'FILE', help: 'with --sign key: the cosign key file (its password in COSIGN_PASSWORD)' },
    { name: settings/* SignSetting */.gp.Format, kind: 'string', value: 'bundle|legacy', help: 'a Sigstore bundle referrer (default) or a cosign .sig tag' },
    {
        name: settings/* SignSetting */.gp.Platforms,
        kind: 'boolean',
        help: "sign each platform manifest of an index too (cosign's --recursive), as podman and skopeo policies check each",
    },
    { name: settings/* SignServiceSetting */.BA.FulcioUrl, kind: 'string', value: 'URL', help: 'a private Fulcio for keyless signing' },
    { name: settings/* SignServiceSetting */.BA.RekorUrl, kind: 'string', value: 'URL', help: 'a private Rekor (with --sign key: log the signature there)' },
    { name: settings/* SignServiceSetting */.BA.TsaUrl, kind: 'string', value: 'URL', help: 'an RFC 3161 timestamp authority, besides the log' },
    {
        name: settings/* AttestSetting */.op.Verification,
        kind: 'boolean',
        help: 'attach a signed SLSA verification summary to each verified destination digest (needs a --verify-* policy and --sign)',
    },
];
const SIGNATURE_FLAG_NAMES = SIGNATURE_FLAGS.map((f) => f.name);
/**
 * The command's signature check and signing stage from its flags and the sync entries' own keys.
 * Keyless signing takes the token in SIGSTORE_ID_TOKEN (as cosign reads it), else the runner's when
 * the command runs in a job that may ask for one; with neither, the command stops before anything
 * is copied.
 */
async function signatureFlagSettings(values, env, entries = [], origin = 'FILE') {
    const get = (name) => (typeof values[name] === 'string' ? values[name] : values[name] === true ? 'true' : '');
    const inputs = (0,parse_settings/* parseSignatureInputs */.B)(get, voice/* FLAG_VOICE */.m, env, undefined, { passwordSetting: false });
    const keyless = (0,load/* keylessSigner */.ln)(inputs, entries);
    let identityToken;
    if (keyless) {
        const given = env.SIGSTORE_ID_TOKEN?.trim();
        if (given)
            identityToken = () => Promise.resolve(given);
        else if (env.ACTIONS_ID_TOKEN_REQUEST_URL)
            identityToken = runnerIdentityToken(env);
        else if (values['dry-run'] !== true) {
            const who = keyless.entry ? `${(0,entry_name/* entryName */.M)(origin, keyless.entry)} signs keyless, which` : '--sign keyless';
            throw new flags/* UsageError */.e(`${who} needs an OIDC identity token: set SIGSTORE_ID_TOKEN (as cosign reads it), or run in a GitHub Actions job with "permissions: id-token: write"`);
        }
    }
    return (0,load/* loadSignatureStages */.a$)(inputs, { entries, voice: voice/* FLAG_VOICE */.m, origin, ...(identityToken ? { identityToken } : {}) });
}


/***/ }),

/***/ 36210:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  JS: () => (/* binding */ consoleSink),
  L2: () => (/* binding */ printPullLimits),
  rS: () => (/* binding */ terminalSession),
  E0: () => (/* binding */ withProgress)
});

// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./lib/src/targets/registry/index.js + 18 modules
var registry = __webpack_require__(62291);
// EXTERNAL MODULE: ./lib/src/targets/registry/network/observer.js
var observer = __webpack_require__(31982);
// EXTERNAL MODULE: ./lib/src/cli/flags.js
var flags = __webpack_require__(73080);
// EXTERNAL MODULE: ./lib/src/job/outcome/copy-report.js
var copy_report = __webpack_require__(79759);
;// CONCATENATED MODULE: ./lib/src/cli/progress.js

/** How often the status line is redrawn: often enough to look alive, rarely enough to cost nothing. */
const REDRAW_MS = 250;
/** The rate is measured over this much of the recent past. */
const RATE_WINDOW_MS = 5000;
/**
 * The terminal's status line for a whole copy: bytes moved out of the bytes known so far (every
 * blob and manifest that started moving, to every destination of a sync; for a copy to several
 * destinations, to the one being copied, see `begin`), the rate over the last seconds,
 * the time left at that rate, and a `retrying (2/5)` note while a retry waits. Bytes never go
 * backwards: a blob sent again after a failure counts once, and what went twice is told apart (`resent`). Redrawn on a timer, so it moves on
 * (the rate falls, the note shows) while nothing arrives.
 */
class TerminalProgress {
    console;
    now;
    nodes = new Map();
    total = 0;
    moved = 0;
    /** Bytes sent twice: uploads that broke off and went on where the registry had them. */
    resent = 0;
    inFlight = 0;
    samples = [];
    retry;
    timer;
    /** Which destination the line counts, when a copy has several (`destination 2 of 3`). */
    label;
    constructor(console, now = Date.now) {
        this.console = console;
        this.now = now;
    }
    /** The listener for the events of destination `index`: each destination moves its own bytes. */
    listener(index) {
        return (event) => {
            const key = `${index} ${event.node.digest}`;
            const node = this.nodes.get(key);
            if (event.type === 'started' && !node) {
                this.nodes.set(key, { size: event.node.size, bytes: 0, done: false });
                this.total += event.node.size;
                this.inFlight++;
            }
            else if (event.type === 'progress' && node && event.bytes > node.bytes) {
                this.moved += Math.min(event.bytes, node.size) - node.bytes;
                node.bytes = Math.min(event.bytes, node.size);
            }
            else if (event.type === 'resumed') {
                this.resent += event.resent;
            }
            else if (event.type === 'done' && node && !node.done) {
                node.done = true;
                this.inFlight--;
                if (event.action === 'copied') {
                    this.moved += node.size - node.bytes;
                    node.bytes = node.size;
                }
            }
        };
    }
    /**
     * Counts from nothing again, for `label`: the destinations of one image are copied in turn, and
     * each one's line is its own (the same blob sent to two of them is not twice the work to do).
     */
    begin(label) {
        this.nodes.clear();
        this.total = 0;
        this.moved = 0;
        this.resent = 0;
        this.inFlight = 0;
        this.samples = [];
        this.label = label;
    }
    /** Notes a retry while it waits; the next answer to the same URL ends the note. */
    onHttp = (event) => {
        if (event.type === 'retry')
            this.retry = { note: `retrying (${event.attempt}/${event.maxTries}): ${event.reason}`, url: event.url.href };
        else if (this.retry?.url === event.url.href)
            this.retry = undefined;
    };
    start() {
        this.timer ??= setInterval(() => this.draw(), REDRAW_MS);
        this.timer.unref();
    }
    stop() {
        clearInterval(this.timer);
        this.timer = undefined;
        this.console.clearStatus();
    }
    /** The status line as it reads now. */
    line() {
        const t = this.now();
        this.samples.push({ at: t, moved: this.moved });
        while (this.samples.length > 2 && t - this.samples[1].at >= RATE_WINDOW_MS)
            this.samples.shift();
        const parts = [];
        if (this.total) {
            const pct = Math.floor((this.moved / this.total) * 100);
            parts.push(`Copying ${(0,copy_report/* formatBytes */.z3)(this.moved)} of ${(0,copy_report/* formatBytes */.z3)(this.total)} (${pct}%)`);
            const first = this.samples[0];
            const seconds = (t - first.at) / 1000;
            if (seconds >= 1) {
                const rate = (this.moved - first.moved) / seconds;
                parts.push(`${(0,copy_report/* formatBytes */.z3)(rate)}/s`);
                const left = this.total - this.moved;
                if (rate > 0 && left > 0)
                    parts.push(`${formatSeconds(left / rate)} left`);
            }
            if (this.resent > 0)
                parts.push(`${(0,copy_report/* formatBytes */.z3)(this.resent)} resent`);
            if (this.inFlight > 0)
                parts.push(`${this.inFlight} in flight`);
            if (this.label)
                parts.push(this.label);
        }
        if (this.retry)
            parts.push(this.retry.note);
        return parts.join(' · ');
    }
    draw() {
        const line = this.line();
        if (line)
            this.console.setStatus(line);
        else
            this.console.clearStatus();
    }
}
function formatSeconds(s) {
    if (s < 60)
        return `${Math.ceil(s)} s`;
    if (s < 3600)
        return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
    return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

;// CONCATENATED MODULE: ./lib/src/cli/terminal.js





/** Where a command's lines go: standard error, a group a heading line, a warning marked as one. */
function consoleSink(console) {
    return {
        line: (text) => console.line(text),
        warning: (text) => console.line(`warning: ${text}`),
        startGroup: (title) => console.line(title),
        endGroup: () => { },
    };
}
/** What a command shows, from its flags: `--debug` every request, `-q` errors and the final line only. */
function terminalSession(console, env, values) {
    const debug = values.debug === true;
    if (values.quiet === true) {
        if (debug)
            throw new flags/* UsageError */.e('--quiet and --debug ask for fewer and for more lines: give one');
        console.beQuiet();
    }
    const progress = console.isTerminal ? new TerminalProgress(console) : undefined;
    const onHttp = debug || progress
        ? (event) => {
            if (debug)
                console.line(`debug: ${(0,observer/* httpEventLine */.hy)(event)}`);
            progress?.onHttp(event);
        }
        : undefined;
    return { ...(progress ? { progress } : {}), open: { env, ...(onHttp ? { onHttp } : {}) } };
}
/** The terminal's status line counts every item's bytes, beside what `reporter` shows. */
function withProgress(reporter, progress) {
    if (!progress)
        return reporter;
    return {
        ...reporter,
        itemStarted(start) {
            const log = reporter.itemStarted?.(start);
            const bytes = progress.listener(start.index);
            const both = (event) => {
                bytes(event);
                log?.(event);
            };
            return both;
        },
    };
}
/** `docker.io: 76 of 100 pulls left per 6 h`, a line for each registry that said, after the result. */
function printPullLimits(console, outcome) {
    for (const note of outcome.rateLimits)
        console.line(`${(0,oci_text/* printable */.g$)(note.registry)}: ${(0,registry/* pullsLeft */.w_)(note)}`);
}


/***/ }),

/***/ 21533:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ FLAG_VOICE)
/* harmony export */ });
/* harmony import */ var _settings_names_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(48330);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4277);


/** The flag (or argument) that sets each input on the command line. */
const FLAG_OF = {
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.Source]: 'SOURCE',
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.Destination]: 'DESTINATION',
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.Mount]: '--no-mount',
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.BlobCache]: '--no-blob-cache',
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.SourceUsername]: '--src-creds',
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.DestinationUsername]: '--dest-creds',
    [_settings_names_js__WEBPACK_IMPORTED_MODULE_0__/* .Input */ .p.Username]: '--src-creds or --dest-creds',
};
function setting(name, value) {
    if (name === 'plain-http')
        return '--plain-http';
    if (name === 'tls-verify')
        return `--tls-verify=${value}`;
    return `--ca-file ${value}`;
}
/** Messages in the words of the command line: `--concurrency is 0`, `add --plain-http`. */
const FLAG_VOICE = {
    input: (name) => FLAG_OF[name] ?? `--${name}`,
    value: (text) => (text && !/\s|"/.test(text) ? (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(text) : (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_1__/* .quoted */ .TL)(text)),
    setting,
    set: (name, value) => `add ${setting(name, value)}`,
    drop: (name) => `drop --${name}`,
};


/***/ }),

/***/ 47944:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ CosignAttachments)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _oci_media_types_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7964);
/* harmony import */ var _oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(36055);
/* harmony import */ var _targets_target_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(87586);




/**
 * Finds what cosign before v3 attached to a manifest: manifests tagged `sha256-<hex>.sig`, `.att`
 * and `.sbom` in the same repository, with no `subject` that would list them as referrers. The
 * source's tag list is read once per copy and answers for every manifest; where listing tags is
 * refused, each candidate tag is asked for on its own (a HEAD on a registry).
 */
class CosignAttachments {
    src;
    listed;
    constructor(src) {
        this.src = src;
    }
    /** Whether the source can tell its tags at all. */
    get possible() {
        return (0,_targets_target_js__WEBPACK_IMPORTED_MODULE_3__/* .isTagLister */ .IP)(this.src) || (0,_targets_target_js__WEBPACK_IMPORTED_MODULE_3__/* .isTagReader */ .ei)(this.src);
    }
    async find(subject) {
        const src = this.src;
        const listed = await this.tagList();
        const found = [];
        for (const { tag, kind } of (0,_oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_2__/* .cosignTags */ .FJ)(subject.digest)) {
            let desc;
            if (listed) {
                if (!listed.has(tag))
                    continue;
                desc = await src.resolve(tag).catch((err) => {
                    // Listed a moment ago, gone now: it is not there to copy.
                    if (err instanceof _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .NotFoundError */ .m_)
                        return undefined;
                    throw err;
                });
            }
            else if ((0,_targets_target_js__WEBPACK_IMPORTED_MODULE_3__/* .isTagReader */ .ei)(src)) {
                desc = await src.readTag(tag);
            }
            // Only a manifest can be tagged; anything else under such a name is not cosign's.
            if (desc && (0,_oci_media_types_js__WEBPACK_IMPORTED_MODULE_1__/* .isManifest */ .Yh)(desc.mediaType))
                found.push({ tag, kind, desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size } });
        }
        return found;
    }
    /** The source's tags, once; undefined when listing them is refused and each tag can be asked for instead. */
    tagList() {
        const src = this.src;
        this.listed ??= (0,_targets_target_js__WEBPACK_IMPORTED_MODULE_3__/* .isTagLister */ .IP)(src)
            ? src.tags().then((tags) => new Set(tags), (err) => {
                if ((0,_targets_target_js__WEBPACK_IMPORTED_MODULE_3__/* .isTagReader */ .ei)(src))
                    return undefined;
                throw err;
            })
            : Promise.resolve(undefined);
        return this.listed;
    }
}


/***/ }),

/***/ 84088:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CW: () => (/* binding */ BLOB_TRIES),
/* harmony export */   WH: () => (/* binding */ DEFAULT_CONCURRENCY),
/* harmony export */   he: () => (/* binding */ MAX_CACHED_MOUNT_CANDIDATES)
/* harmony export */ });
/**
 * Chosen by measurement (BENCHMARKS.md): across a link with 20 ms round trips, 8 blobs in flight
 * copy a 50-layer image a third faster than 4; on loopback 8 is no slower. skopeo uses 6.
 */
const DEFAULT_CONCURRENCY = 8;
/** skopeo offers at most 5 candidates from its blob-info cache; more rarely help and cost a round trip each. */
const MAX_CACHED_MOUNT_CANDIDATES = 5;
/** Tries for one blob when a target reports a failure worth retrying with fresh content. */
const BLOB_TRIES = 3;


/***/ }),

/***/ 91208:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ readManifest)
/* harmony export */ });
/* harmony import */ var _oci_digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36618);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_media_types_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7964);



/**
 * Reads a manifest (or another small document the engine parses, such as an image config) whole,
 * refusing one over the limit before reading it, and verifies it.
 */
async function readManifest(stream, desc, limit = _oci_media_types_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_MANIFEST_BYTES */ .ZJ, what = 'manifest') {
    if (desc.size > limit) {
        stream.destroy();
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} ${desc.digest} is ${desc.size} bytes, over the ${limit}-byte limit for ${what}s`);
    }
    const chunks = [];
    let total = 0;
    for await (const chunk of stream) {
        total += chunk.length;
        if (total > desc.size) {
            stream.destroy();
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`size mismatch for ${desc.digest}: more than the expected ${desc.size} bytes`);
        }
        chunks.push(chunk);
    }
    const content = Buffer.concat(chunks, total);
    (0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .verifyBytes */ .RV)(content, desc);
    return content;
}


/***/ }),

/***/ 51534:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JT: () => (/* binding */ runChecks),
/* harmony export */   R8: () => (/* binding */ CheckRefusal),
/* harmony export */   o7: () => (/* binding */ runAfterTag)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);

/** Runs the stages after tagging in order, each recording under its name; `all` false: only those that run on every run. */
async function runAfterTag(stages, ctx, records, all) {
    for (const stage of stages) {
        if (!all && !stage.everyRun)
            continue;
        const result = await stage.run({ ...ctx, checks: records.records });
        if (result)
            records.add(stage, result);
    }
}
/** An image a check would not let through: not a failure of the copy, a decision, said in one line. */
class CheckRefusal extends _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .OciCopyError */ .vW {
    check;
    record;
    name = 'CheckRefusal';
    constructor(message, 
    /** The check that refused. */
    check, 
    /** What it found, kept in the outcome. */
    record) {
        super(message);
        this.check = check;
        this.record = record;
    }
}
/**
 * Runs `checks` in order, each recording under its name; the first refusal (or error) is thrown.
 * An image that stays as it is moves nothing a check could object to: only the checks that gate
 * every run see it.
 */
async function runChecks(checks, ctx, records) {
    const moves = ctx.state === 'differs' || ctx.options.referrers;
    for (const check of checks) {
        if (!moves && !check.everyRun)
            continue;
        try {
            const record = await check.run(ctx);
            if (record)
                records.add(check, record);
        }
        catch (err) {
            // What a check throws carries no type: its refusal's record is taken as the check's own.
            if (err instanceof CheckRefusal && err.record)
                records.add(check, err.record);
            throw err;
        }
    }
}


/***/ }),

/***/ 73248:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N0: () => (/* binding */ checkAttestVerification),
/* harmony export */   a$: () => (/* binding */ loadSignatureStages),
/* harmony export */   ln: () => (/* binding */ keylessSigner)
/* harmony export */ });
/* harmony import */ var _signatures_policy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(34568);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _plan_entry_name_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(28638);
/* harmony import */ var _settings_voice_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(54340);
/* harmony import */ var _signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(28323);





/**
 * `attest-verification` summarises a verification and is signed as the image is: an image it
 * applies to (the step's, or an entry's with its own key) needs a policy and signing, the step's
 * or its entry's. Otherwise one line naming the setting at fault, before anything is copied.
 */
function checkAttestVerification(inputs, entries, options = {}) {
    const voice = options.voice ?? _settings_voice_js__WEBPACK_IMPORTED_MODULE_2__/* .ACTION_VOICE */ .w;
    const origin = options.origin ?? voice.input('images');
    const attest = voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .AttestSetting */ .op.Verification);
    const noPolicy = `give ${voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.Key)}, or ${voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.CertificateIdentity)} with ${voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.CertificateOidcIssuer)} (a summary states what a policy required and that it passed)`;
    const noSigning = `set ${voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} to keyless or key (the summary is signed as the image is)`;
    const asks = 'asks for a signed verification summary';
    if (!entries.length) {
        if (!inputs.attestVerification)
            return;
        if (!inputs.sign)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${attest} ${asks}, but ${voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} is not given: ${noSigning}`);
        if (!inputs.verify)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${attest} ${asks}, but nothing is verified: ${noPolicy}`);
        return;
    }
    for (const entry of entries) {
        if (!(entry.attestVerification ?? inputs.attestVerification))
            continue;
        const name = (0,_plan_entry_name_js__WEBPACK_IMPORTED_MODULE_4__/* .entryName */ .M)(origin, entry);
        // Said by the entry's own key, or by the step's input for this entry.
        const who = entry.attestVerification ? `${name}, field "${_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .AttestSetting */ .op.Verification}" ${asks}` : `${attest} ${asks}`;
        const sign = entry.sign === false ? undefined : (entry.sign ?? inputs.sign);
        if (!sign) {
            const why = entry.sign === false ? `${name} says sign: false` : `${voice.input(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} is not given`;
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${who}, but ${why}: ${noSigning}`);
        }
        if (!(entry.verify ?? inputs.verify))
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${who}, but nothing verifies ${name}: ${noPolicy}`);
    }
}
/**
 * The signature check and signing stage the settings and entries ask for (`signatureStages`). The
 * Sigstore libraries (a few megabytes of code) load only when something is verified or signed: a
 * job that does neither starts without them. Each policy's trust root is read in full now, so a
 * damaged one is one line before any image is copied.
 */
async function loadSignatureStages(inputs, options = {}) {
    const entries = options.entries ?? [];
    checkAttestVerification(inputs, entries, options);
    const policies = [inputs.verify, ...entries.map((e) => e.verify)].filter((p) => p !== undefined);
    const signs = inputs.sign !== undefined || entries.some((e) => e.sign);
    if (!policies.length && !signs && !options.entryPolicies)
        return { checks: [], afterTag: [] };
    const [{ signatureStages }] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(187), __webpack_require__.e(382), __webpack_require__.e(179), __webpack_require__.e(725)]).then(__webpack_require__.bind(__webpack_require__, 55725)), (0,_signatures_policy_js__WEBPACK_IMPORTED_MODULE_0__/* .loadTrustRoots */ .k0)(policies)]);
    return signatureStages(inputs, options);
}
/**
 * What signs keyless in this job, for the shells' check that an identity token can be had before
 * anything is copied: the step (when some image takes its signing) or the first entry that does.
 * Undefined when nothing signs keyless.
 */
function keylessSigner(inputs, entries = []) {
    const entry = entries.find((e) => e.sign && e.sign.mode === 'keyless');
    const stepUsed = inputs.sign?.mode === 'keyless' && (!entries.length || entries.some((e) => e.sign === undefined));
    if (stepUsed)
        return {};
    return entry ? { entry } : undefined;
}


/***/ }),

/***/ 30301:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ inPlaceReferences),
/* harmony export */   L: () => (/* binding */ checkInPlace)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(91839);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4277);



/**
 * What an in-place job may act on, checked before anything is opened: a registry repository or
 * an OCI layout (an archive is one tar file, written whole: it is copied, not changed in place),
 * and at most one platform of an index (several make a new index, which a copy writes). `name`
 * is the reference as the caller's words give it (`REF`, `input "source"`).
 */
function checkInPlace(reference, operation, platform, name) {
    const ref = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_2__/* .printable */ .g$)((0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_1__/* .formatReference */ .FH)(reference));
    if (reference.transport === 'oci-archive' || reference.transport === 'docker-archive') {
        const fix = operation === 'sign'
            ? `copy it into an oci: layout or a registry and ${operation} it there`
            : 'copy it, with the same policy, into an oci: layout or a registry, which verifies it on the way';
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${name} ${ref} is a tar archive, which cannot be ${operation === 'sign' ? 'signed' : 'verified'} in place: ${fix}`);
    }
    if (reference.transport !== 'registry' && reference.path === '-') {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${name} ${ref} is standard input: ${operation} acts on a registry repository or an oci: layout directory`);
    }
    if (Array.isArray(platform) && platform.length > 1) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${operation} acts on what ${ref} names: several platforms would make a new index, which only a copy writes; give one platform, or none for the whole index`);
    }
}
/**
 * The references an image acted on in place is known by: the tags the reference gave when they
 * name the root itself, else (a digest was given, or a platform's manifest was chosen from an index) its digest.
 */
function inPlaceReferences(selector, resolved) {
    const tags = selector.tags.filter(Boolean);
    return resolved.root.digest === resolved.source.digest && tags.length && !selector.digest ? tags : [resolved.root.digest];
}


/***/ }),

/***/ 79759:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Y4: () => (/* binding */ CopyReport),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/* unused harmony export blobRecords */
/**
 * The per-node account of one copy, built from its events only, so the action's outputs, its job
 * summary and the CLI all tell the same story. Nodes appear in the order they finished: children
 * before their parents, the root last.
 */
class CopyReport {
    nodes = [];
    /** The root's tags, written (or, in a dry run, to be written). */
    tags = [];
    /** Every tag written (or, in a dry run, to be written), with what it named before. */
    tagged = [];
    /** Tags of the root or of a cosign attachment that named another digest before: moved, or in a dry run to be moved. */
    movedTags = [];
    /** The referrers found for each copied manifest (`subject`), in the order they were looked for. */
    referrers = [];
    /** What the copy resolved: the root, what the source named, and the root's platform manifests. */
    resolved;
    /** The destination was named by digest only: the root is stored under no tag. */
    storedByDigest = false;
    /** What the copy had to say, one line each (warnings among them). */
    notices = [];
    /** The notices that are warnings: something asked for and not done, with why. */
    warnings = [];
    /** What each walked manifest refers to, by digest: the graph, to group nodes under their manifest. */
    children = new Map();
    seen = new Set();
    startedAt = Date.now();
    finishedAt;
    /** Time the copy spent waiting for its turn (behind other destinations of the same image), not working. */
    waitedMs = 0;
    waitingSince;
    listener = (event) => {
        switch (event.type) {
            case 'resolved':
                this.resolved = { root: event.node, source: event.source, platforms: event.platforms ?? [] };
                return;
            case 'tagged':
                this.tagged.push({
                    reference: event.reference,
                    digest: event.node.digest,
                    ...(event.previous ? { previous: event.previous } : {}),
                });
                // Attachment tags (`sha256-<hex>.sig`) name other nodes than the root.
                if (!this.resolved || event.node.digest === this.resolved.root.digest)
                    this.tags.push(event.reference);
                if (event.previous && event.previous !== event.node.digest) {
                    this.movedTags.push({ reference: event.reference, digest: event.node.digest, previous: event.previous });
                }
                return;
            case 'stored':
                this.storedByDigest = true;
                return;
            case 'referrers':
                this.referrers.push({ subject: event.node.digest, depth: event.depth, referrers: event.referrers });
                return;
            case 'notice':
                if (event.check)
                    return;
                this.notices.push(event.message);
                if (event.level === 'warning')
                    this.warnings.push(event.message);
                return;
            case 'walked':
                this.children.set(event.node.digest, event.children);
                return;
        }
        if (event.type !== 'done' || this.seen.has(event.node.digest))
            return;
        this.seen.add(event.node.digest);
        const { digest, mediaType, size } = event.node;
        this.nodes.push({
            digest,
            mediaType,
            size,
            action: event.action,
            ...(event.from ? { from: event.from } : {}),
            ...(event.resent ? { resent: event.resent } : {}),
        });
    };
    /** The copy waits for its turn: the time until `resume` is not its own. */
    pause() {
        this.waitingSince ??= Date.now();
    }
    resume() {
        if (this.waitingSince === undefined)
            return;
        this.waitedMs += Date.now() - this.waitingSince;
        this.waitingSince = undefined;
    }
    finish() {
        this.resume();
        this.finishedAt ??= Date.now();
    }
    /** The copy's own time: from its start to its end, less any wait for its turn. */
    get durationMs() {
        const end = this.finishedAt ?? this.waitingSince ?? Date.now();
        return end - this.startedAt - this.waitedMs;
    }
    totals() {
        const t = {
            nodes: this.nodes.length,
            bytesCopied: 0,
            bytesMounted: 0,
            bytesExisting: 0,
            bytesResent: 0,
            copied: 0,
            mounted: 0,
            existing: 0,
        };
        for (const n of this.nodes) {
            t.bytesResent += n.resent ?? 0;
            if (n.action === 'copied' || n.action === 'copy') {
                t.copied++;
                t.bytesCopied += n.size;
            }
            else if (n.action === 'mounted' || n.action === 'mount') {
                t.mounted++;
                t.bytesMounted += n.size;
            }
            else {
                t.existing++;
                t.bytesExisting += n.size;
            }
        }
        return t;
    }
}
function formatBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = n;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
    }
    return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${ms} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
/**
 * One object per node of the copied graph, as the action's `blobs` output and the CLI's `--json`
 * give them. With several destinations, one per node and destination, each naming its destination.
 */
function blobRecords(destinations, several = destinations.length > 1) {
    return destinations.flatMap((d) => d.report.nodes.map((n) => ({
        digest: n.digest,
        mediaType: n.mediaType,
        size: n.size,
        action: n.action,
        ...(n.from ? { from: n.from } : {}),
        ...(several ? { destination: d.destination } : {}),
    })));
}


/***/ }),

/***/ 62677:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pu: () => (/* binding */ failureLine),
/* harmony export */   Yr: () => (/* binding */ jobOutcome)
/* harmony export */ });
/* unused harmony export ITEM_STATUSES */
/* harmony import */ var _render_status_words_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(68281);

const ITEM_STATUSES = ['copied', 'repaired', 'unchanged', 'failed', 'copy', 'skipped', 'deferred'];
/** How many failed items the failure line names before it counts the rest. */
const NAMED_FAILURES = 3;
/** The job outcome from its items, computed once. */
function jobOutcome(mode, dryRun, results, extra) {
    const counts = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0]));
    const bytes = { copied: 0, mounted: 0, existing: 0, resent: 0 };
    for (const r of results) {
        counts[r.status]++;
        bytes.copied += r.totals.bytesCopied;
        bytes.mounted += r.totals.bytesMounted;
        bytes.existing += r.totals.bytesExisting;
        bytes.resent += r.totals.bytesResent;
    }
    const root = results.find((r) => r.root)?.root;
    const failure = failureLine(results, { what: mode === 'copy' ? 'destinations' : 'images', failFast: extra.failFast === true });
    const { failFast: _, cacheNote, ...rest } = extra;
    return {
        mode,
        dryRun,
        results,
        counts,
        bytes,
        ...(root ? { root } : {}),
        ...rest,
        ...(cacheNote ? { cacheNote } : {}),
        ...(failure ? { failure } : {}),
    };
}
/**
 * The one failure line: the error itself when the job had one item, else each failed destination
 * or image (the first few, then a count), and how many were not attempted. `errorsTold`: each
 * error was printed beside its destination already (the command line), so the line names every
 * failed destination and nothing more.
 */
function failureLine(results, options) {
    const { what } = options;
    const failed = results.filter((r) => r.status === 'failed');
    if (!failed.length)
        return undefined;
    const head = `${failed.length} of ${results.length} ${what} failed`;
    if (options.errorsTold)
        return `${head}: ${failed.map((r) => r.destination).join(', ')}`;
    if (what === 'destinations' && results.length === 1)
        return failed[0].error;
    const named = failed
        .slice(0, NAMED_FAILURES)
        .map((r) => (what === 'destinations' ? `${r.destination}: ${r.error}` : `${r.source} => ${r.destination}: ${r.error}`));
    const more = failed.length > NAMED_FAILURES ? `; and ${failed.length - NAMED_FAILURES} more` : '';
    const skipped = results.filter((r) => r.status === 'skipped').length;
    const notTried = skipped ? ` (${skipped} ${_render_status_words_js__WEBPACK_IMPORTED_MODULE_0__/* .STATUS_WORDS */ .ly.skipped.word}${options.failFast ? ': fail-fast' : ''})` : '';
    return `${head}${notTried}: ${named.join('; ')}${more}`;
}


/***/ }),

/***/ 78366:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Wb: () => (/* binding */ checkLines),
/* harmony export */   lx: () => (/* binding */ jsonParts)
/* harmony export */ });
/* unused harmony exports markedCheckLines, checkCells, checksWrote */
/** What the checks say of an image, a line each, in the order they ran; `told`: less what the log said as they ran. */
function checkLines(r, told = false) {
    return r.presented.flatMap((p) => p.logLines(r, told));
}
/** The same lines, each with where a summary lists it (`Signatures`) and its mark. */
function markedCheckLines(r) {
    return r.presented.flatMap((p) => p.logLines(r, false).map((line) => ({ heading: p.heading, mark: p.mark, line })));
}
/** Short phrases for the image's row of a summary table, each with its mark. */
function checkCells(r) {
    return r.presented.flatMap((p) => p.summaryCells().map((text) => ({ mark: p.mark, text })));
}
/**
 * The checks' parts of the image's JSON record, by key: fields of checks sharing a key merged in
 * the order they ran, a field given twice keeping the first.
 */
function jsonParts(r) {
    const parts = {};
    for (const p of r.presented) {
        const part = p.json();
        if (!part)
            continue;
        const fields = (parts[part.key] ??= {});
        for (const [name, value] of Object.entries(part.fields))
            if (!(name in fields))
                fields[name] = value;
    }
    return parts;
}
/** What the checks wrote to a destination that otherwise got nothing (`the signature above`), if they did. */
function checksWrote(r) {
    const wrote = r.presented.map((p) => p.wrote()).filter((w) => !!w);
    return wrote.length ? wrote.join(' and ') : undefined;
}


/***/ }),

/***/ 51488:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Cl: () => (/* binding */ eventLines),
  od: () => (/* binding */ planLine),
  ow: () => (/* binding */ resultLine),
  KQ: () => (/* binding */ syncLog),
  sX: () => (/* binding */ totalsLine)
});

// UNUSED EXPORTS: IN_PLACE, SYNC_PROGRESS_EVERY_MS, copyLog, itemHeading, pruneLine, resentPart

// EXTERNAL MODULE: ./lib/src/oci/descriptor.js
var descriptor = __webpack_require__(59995);
// EXTERNAL MODULE: ./lib/src/oci/media-types.js
var media_types = __webpack_require__(7964);
// EXTERNAL MODULE: ./lib/src/oci/platform.js
var platform = __webpack_require__(56993);
// EXTERNAL MODULE: ./lib/src/oci/referrer-kinds.js
var referrer_kinds = __webpack_require__(36055);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./lib/src/job/outcome/copy-report.js
var copy_report = __webpack_require__(79759);
;// CONCATENATED MODULE: ./lib/src/job/render/event-lines.js






/**
 * The line a person reads for an event, in the style oras users know: `Copying 1a2b3c4d5e6f
 * application/vnd.oci.image.layer.v1.tar+gzip`, `Exists …`, `Mounted sha256:… from REPO`. A mounted
 * blob gets no `Copying` line. Progress events have no line here: how often to show progress is
 * the caller's choice (a terminal redraws, a workflow log prints every few seconds). Media types,
 * repository names, tags and platforms come from outside: they are made printable. A dry run's
 * lines say what would happen.
 */
function eventLine(event) {
    switch (event.type) {
        case 'started':
            return `Copying ${nodeId(event.node)}`;
        case 'done':
            switch (event.action) {
                case 'copied':
                    return `Copied  ${nodeId(event.node)}${event.resent ? ` (${(0,copy_report/* formatBytes */.z3)(event.resent)} resent)` : ''}`;
                case 'exists':
                    return `Exists  ${nodeId(event.node)}`;
                case 'mounted':
                    return `Mounted ${event.node.digest} from ${(0,oci_text/* printable */.g$)(event.from)}`;
                case 'copy':
                    return `Would copy  ${nodeId(event.node)}`;
                case 'mount':
                    return `Would mount ${event.node.digest} from ${(0,oci_text/* printable */.g$)(event.from)}`;
            }
            return undefined;
        case 'tagged': {
            const tag = (0,oci_text/* printable */.g$)(event.reference);
            if (event.previous === event.node.digest)
                return `tag ${tag} already names ${event.node.digest}`;
            if (event.previous)
                return `tag ${tag} ${event.dryRun ? 'would move' : 'moved'} from ${(0,oci_text/* printable */.g$)(event.previous)} to ${event.node.digest}`;
            return event.dryRun ? `Would tag ${tag}` : `Tagged  ${tag}`;
        }
        case 'stored':
            return `${event.dryRun ? 'Would store' : 'Stored'} by digest ${event.node.digest}`;
        case 'resolved': {
            if (event.node.digest === event.source.digest)
                return undefined;
            const platforms = (event.platforms ?? []).map((p) => (0,oci_text/* printable */.g$)((0,platform/* formatPlatform */.Bq)(p.platform))).join(', ');
            const what = (0,media_types/* isIndex */.nw)(event.node.mediaType) ? 'new index' : 'manifest';
            return `Selected ${platforms || 'platforms'} of index ${event.source.digest}: ${what} ${event.node.digest}`;
        }
        case 'referrers': {
            const n = event.referrers.length;
            if (n === 0)
                return event.depth === 0 ? `no referrers found for ${event.node.digest}` : undefined;
            return `${n} referrer${n === 1 ? '' : 's'} of ${event.node.digest}: ${event.referrers.map(referrer_kinds/* referrerLabel */.UX).join(', ')}`;
        }
        case 'resumed':
            return `Resumed ${(0,descriptor/* shortDigest */.VK)(event.node.digest)} at byte ${event.offset} of ${event.node.size} (${(0,oci_text/* printable */.g$)(event.reason, 200)}): ${(0,copy_report/* formatBytes */.z3)(event.resent)} resent`;
        case 'notice':
            return event.message;
        default:
            return undefined;
    }
}
function nodeId(node) {
    return `${(0,descriptor/* shortDigest */.VK)(node.digest)} ${(0,oci_text/* printable */.g$)(node.mediaType, 128)}`;
}
/** How often a long transfer prints a progress line where lines cannot be redrawn (a workflow log, a pipe). */
const PROGRESS_EVERY_MS = 5000;
/**
 * Lines for a log that only appends: one per event, and for a blob that takes long a progress line
 * every few seconds with bytes, percent and rate (`  1a2b3c4d5e6f 120.0 MiB / 750.0 MiB (16%) 40.0 MiB/s`).
 */
function logLines(emit, now = Date.now) {
    const started = new Map();
    return (event) => {
        if (event.type === 'progress') {
            const s = started.get(event.node.digest);
            const t = now();
            if (s && t - s.last >= PROGRESS_EVERY_MS) {
                s.last = t;
                const pct = event.node.size ? Math.floor((event.bytes / event.node.size) * 100) : 100;
                const rate = event.bytes / Math.max(1, (t - s.at) / 1000);
                emit(`  ${(0,descriptor/* shortDigest */.VK)(event.node.digest)} ${(0,copy_report/* formatBytes */.z3)(event.bytes)} / ${(0,copy_report/* formatBytes */.z3)(event.node.size)} (${pct}%) ${(0,copy_report/* formatBytes */.z3)(rate)}/s${s.resent ? `, ${(0,copy_report/* formatBytes */.z3)(s.resent)} resent` : ''}`);
            }
            return;
        }
        if (event.type === 'started' && !started.has(event.node.digest))
            started.set(event.node.digest, { at: now(), last: now(), resent: 0 });
        if (event.type === 'resumed') {
            const s = started.get(event.node.digest);
            if (s)
                s.resent += event.resent;
        }
        if (event.type === 'done')
            started.delete(event.node.digest);
        const line = eventLine(event);
        if (line)
            emit(line);
    };
}

// EXTERNAL MODULE: ./lib/src/oci/reference.js + 1 modules
var reference = __webpack_require__(91839);
// EXTERNAL MODULE: ./lib/src/job/render/checks.js
var checks = __webpack_require__(78366);
// EXTERNAL MODULE: ./lib/src/job/render/status-words.js
var status_words = __webpack_require__(68281);
;// CONCATENATED MODULE: ./lib/src/job/render/log.js





/** How often a sync of many images says how far it got. */
const SYNC_PROGRESS_EVERY_MS = 10_000;
/**
 * A line per event, the warnings (something asked for and not done) as warnings. Where lines only
 * append (a workflow log, a pipe), a blob that takes long gets a progress line every few seconds;
 * `progress: false` leaves those to a status line that is redrawn.
 */
function eventLines(sink, options = {}) {
    const lines = options.progress === false
        ? (event) => {
            const line = eventLine(event);
            if (line)
                sink.line(line);
        }
        : logLines((line) => sink.line(line), options.now);
    return (event) => (event.type === 'notice' && event.level === 'warning' ? sink.warning(event.message) : lines(event));
}
/** What heads an image a check found intact. */
const CHECKED = 'Checked';
/** What heads the result of an image acted on where it is (verified, signed), not copied. */
const IN_PLACE = 'In place';
/** `Copied SRC => DST`, `Unchanged: DST already names sha256:…`: what became of one destination, in a line. */
function resultLine(r, dryRun) {
    if (r.status === 'failed' || r.status === 'skipped' || r.status === 'deferred')
        return `${(0,status_words/* statusTitle */.lV)(r.status, r.refusedBy)}: ${r.error}`;
    // Acted on in place: nothing moved, what its checks and stages found is told in their own lines.
    if (r.item.inPlace && r.status === 'unchanged')
        return `${IN_PLACE}: ${r.destination} names ${r.root?.digest}`;
    const unchanged = status_words/* STATUS_WORDS */.ly.unchanged.title;
    if (r.status === 'unchanged' && r.reason === 'immutable')
        return `${unchanged}: ${r.destination} has this immutable tag (not compared)`;
    if (r.status === 'unchanged')
        return `${unchanged}: ${r.destination} already names ${r.root?.digest}`;
    if (r.status === 'repaired')
        return `${status_words/* STATUS_WORDS */.ly.repaired.title} ${r.destinationDescription} (${r.root?.digest}): what was missing or damaged is put back`;
    return `${status_words/* STATUS_WORDS */.ly[dryRun ? 'copy' : 'copied'].title} ${r.sourceDescription} => ${r.destinationDescription}`;
}
/**
 * `3 copied (1.20 MiB), 1 mounted (…), 2 already there, in 1.4 s`: what one destination moved, in
 * its own time; in a dry run what it would. None for an unchanged image that was not walked.
 */
/** `, 12.0 MiB resent`: what a flaky link cost, beside the bytes copied; nothing when nothing went twice. */
function resentPart(bytes) {
    return bytes > 0 ? `, ${(0,copy_report/* formatBytes */.z3)(bytes)} resent` : '';
}
function totalsLine(r, dryRun) {
    const t = r.totals;
    if (!r.root || (r.status === 'unchanged' && t.nodes <= 1))
        return undefined;
    return dryRun
        ? `Would copy ${t.copied} (${(0,copy_report/* formatBytes */.z3)(t.bytesCopied)}) and mount ${t.mounted} (${(0,copy_report/* formatBytes */.z3)(t.bytesMounted)}); ${t.existing} already there; checked in ${(0,copy_report/* formatDuration */.a3)(r.durationMs)}`
        : `${t.copied} copied (${(0,copy_report/* formatBytes */.z3)(t.bytesCopied)}${resentPart(t.bytesResent)}), ${t.mounted} mounted (${(0,copy_report/* formatBytes */.z3)(t.bytesMounted)}), ${t.existing} already there, in ${(0,copy_report/* formatDuration */.a3)(r.durationMs)}`;
}
/** `2 entries, 40 images, shard 1/4 takes 10`: what a sync's list expanded to, and this job's share. */
function planLine(plan, entries) {
    const share = plan.shard ? `, shard ${plan.shard.index}/${plan.shard.count} takes ${plan.items.length}` : '';
    return `${entries} ${entries === 1 ? 'entry' : 'entries'}, ${plan.all.length} ${plan.all.length === 1 ? 'image' : 'images'}${share}`;
}
/**
 * What a destination's group is headed: the copy it starts (`copy SRC => DST`), or, for one that
 * moves nothing, what it is (`Unchanged SRC => DST`, `Not attempted SRC => DST`).
 */
function itemHeading(start) {
    const dry = start.dryRun ? 'Dry run: ' : '';
    if (start.item.inPlace)
        return `${dry}${start.item.inPlace} ${formatReference(start.item.source)} (${IN_PLACE.toLowerCase()})`;
    const pair = `${formatReference(start.item.source)} => ${formatReference(start.item.destination)}`;
    if (start.known === 'unchanged')
        return `${start.dryRun ? 'Dry run: ' : ''}${STATUS_WORDS.unchanged.title} ${pair}`;
    if (start.known === 'skipped')
        return `${STATUS_WORDS.skipped.title} ${pair}`;
    return `${start.dryRun ? 'Dry run: ' : ''}${start.operation} ${pair}`;
}
/**
 * The one-image job's log: a group per destination, open while it copies, with a line per node
 * as it happens; at its end what happened and the digest.
 */
function copyLog(sink) {
    let dryRun = false;
    return {
        warning: (line) => sink.warning(line),
        budgetStopped: (line) => sink.warning(line),
        lockNote: (line) => sink.line(line),
        itemStarted(start) {
            dryRun = start.dryRun;
            sink.startGroup(itemHeading(start));
            return eventLines(sink);
        },
        itemDone(r) {
            sink.line(resultLine(r, dryRun));
            if (r.root)
                sink.line(`Digest: ${r.root.digest}`);
            // What a check said as it ran (a verification, before the copy) is not said again.
            for (const line of checkLines(r, true))
                sink.line(line);
            const totals = totalsLine(r, dryRun);
            if (totals)
                sink.line(totals);
            sink.endGroup();
        },
    };
}
/**
 * A sync's log: images copy several at a time, so each one's lines are gathered and printed as
 * one group when it is done (a copied or failed image), an unchanged image is one line, and every
 * few seconds a line says how far the whole sync got.
 */
function syncLog(sink, now = Date.now) {
    const buffers = new Map();
    const counts = { copied: 0, repaired: 0, unchanged: 0, failed: 0, skipped: 0, copy: 0, deferred: 0 };
    let total = 0;
    let dryRun = false;
    let bytes = 0;
    let done = 0;
    let last = now();
    const tick = () => {
        const t = now();
        if (t - last < SYNC_PROGRESS_EVERY_MS || done === total)
            return;
        last = t;
        const verb = dryRun ? 'checked' : 'done';
        const w = (s) => `${counts[s]} ${status_words/* STATUS_WORDS */.ly[s].word}`;
        const deferred = counts.deferred ? `, ${w('deferred')}` : '';
        sink.line(`Progress: ${done} of ${total} images ${verb} (${dryRun ? `${counts.copy} to copy` : w('copied')}, ${w('unchanged')}, ${w('failed')}${deferred}), ${buffers.size} in progress${dryRun ? '' : `, ${(0,copy_report/* formatBytes */.z3)(bytes)} moved`}`);
    };
    return {
        warning: (line) => sink.warning(line),
        planned(plan) {
            total = plan.items.length;
        },
        itemStarted(start) {
            dryRun = start.dryRun;
            const lines = [];
            buffers.set(start.index, lines);
            const log = eventLines({ line: (text) => lines.push({ text }), warning: (text) => lines.push({ text, warning: true }) }, { now });
            return (event) => {
                log(event);
                if (event.type === 'done' && event.action === 'copied')
                    bytes += event.node.size;
                tick();
            };
        },
        pruned(p, dry) {
            sink.line(pruneLine(p, dry));
        },
        budgetStopped(line) {
            sink.warning(line);
        },
        lockNote(line) {
            sink.line(line);
        },
        itemDone(r) {
            const lines = buffers.get(r.index) ?? [];
            buffers.delete(r.index);
            done++;
            counts[r.status]++;
            const pair = `${r.source} => ${r.destination}`;
            const warnings = () => {
                for (const l of lines)
                    if (l.warning)
                        sink.warning(l.text);
            };
            // An image a check or repair walked and found whole was checked, not merely left as it was.
            const checked = r.status === 'unchanged' && r.checks.check?.status === 'intact';
            const title = `${checked ? CHECKED : (0,status_words/* statusTitle */.lV)(r.status, r.refusedBy)} ${pair}`;
            if (r.status === 'unchanged' && r.reason === 'immutable')
                sink.line(`${title} (immutable tag the destination has: not compared)`);
            else if (r.status === 'unchanged') {
                sink.line(`${title} (${r.root?.digest})`);
                for (const line of (0,checks/* checkLines */.Wb)(r))
                    sink.line(line);
            }
            else if (r.status === 'deferred' || r.status === 'skipped')
                sink.line(`${title}: ${r.error}`);
            else if (r.status === 'copy') {
                sink.line(`${title}${r.root ? ` (${r.root.digest})` : ''}`);
                for (const line of (0,checks/* checkLines */.Wb)(r))
                    sink.line(line);
            }
            else {
                sink.startGroup(r.status === 'failed' ? title : `${title} (${r.root?.digest})`);
                for (const l of lines)
                    (l.warning ? sink.warning : sink.line)(l.text);
                for (const line of (0,checks/* checkLines */.Wb)(r, true))
                    sink.line(line);
                if (r.status === 'failed')
                    sink.line(`${r.refusedBy ? 'Refusal' : 'Error'}: ${r.error}`);
                sink.endGroup();
                tick();
                return;
            }
            warnings();
            tick();
        },
    };
}
/**
 * `Pruned HOST/REPO (entry 2): removed 3 tags (0.8, 0.9, 1.0); protected 1 (nightly); 12 kept`;
 * in a dry run `Would prune …: would remove …`; a prune that stopped says why (`Not pruned …: why`
 * when it removed nothing).
 */
function pruneLine(p, dryRun) {
    // Stopped before removing anything (another shard prunes, a registry that refuses deletes): why, and what stays when it was listed.
    if (p.stopped && !p.removed.length && !p.failed.length)
        return `Not pruned ${p.destination} (entry ${p.entry}): ${p.stopped}${p.kept !== undefined ? `; ${p.kept} kept` : ''}`;
    const list = (tags) => tags.length
        ? ` (${tags.slice(0, PRUNE_TAGS_NAMED).join(', ')}${tags.length > PRUNE_TAGS_NAMED ? `, and ${tags.length - PRUNE_TAGS_NAMED} more` : ''})`
        : '';
    const parts = [`${dryRun ? 'would remove' : 'removed'} ${p.removed.length} ${p.removed.length === 1 ? 'tag' : 'tags'}${list(p.removed)}`];
    if (p.protected.length)
        parts.push(`protected ${p.protected.length}${list(p.protected)}`);
    if (p.attachmentsKept.length)
        parts.push(`kept ${p.attachmentsKept.length} attachment ${p.attachmentsKept.length === 1 ? 'tag' : 'tags'} of removed images${list(p.attachmentsKept)}`);
    if (p.failed.length)
        parts.push(`${p.failed.length} not removed${list(p.failed.map((f) => f.tag))}`);
    if (p.kept !== undefined)
        parts.push(`${p.kept} kept`);
    const stopped = p.stopped ? `; stopped: ${p.stopped}` : '';
    return `${dryRun ? 'Would prune' : 'Pruned'} ${p.destination} (entry ${p.entry}): ${parts.join('; ')}${stopped}`;
}
/** How many tags a prune line names before it counts the rest. */
const PRUNE_TAGS_NAMED = 10;


/***/ }),

/***/ 48505:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   VH: () => (/* binding */ pruneRecords),
/* harmony export */   WQ: () => (/* binding */ imageRecords),
/* harmony export */   lH: () => (/* binding */ copyAccount),
/* harmony export */   yB: () => (/* binding */ integrityRecords)
/* harmony export */ });
/* unused harmony exports blobRecords, writtenResults */
/* harmony import */ var _checks_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(78366);

/**
 * One record per item, as the action's `images` output and `oci-copy sync --json` give them: both
 * references in full, the digest, the status (and error), and what the summary says besides: the
 * tags and any that moved, the platforms, the referrers, warnings, what the checks give (a
 * `verification`), the check that refused it.
 */
function imageRecords(outcome) {
    return outcome.results.map((r) => {
        const moved = r.tags.filter((t) => t.change === 'moved').map((t) => ({ tag: t.tag, from: t.previous }));
        return {
            source: r.source,
            destination: r.destination,
            ...inPlace(r),
            ...(r.root ? { digest: r.root.digest } : {}),
            status: r.status,
            ...(r.error !== undefined ? { error: r.error } : {}),
            ...(r.refusedBy ? { refusedBy: r.refusedBy } : {}),
            ...(r.reason ? { reason: r.reason } : {}),
            ...(r.root ? { tags: r.tags.map((t) => t.tag) } : {}),
            ...(moved.length ? { moved } : {}),
            ...(r.platforms.length ? { platforms: r.platforms.map((p) => p.platform) } : {}),
            ...(r.referrers ? { referrers: { found: r.referrers.found, copied: r.referrers.copied, there: r.referrers.there } } : {}),
            ...(r.warnings.length ? { warnings: r.warnings } : {}),
            ...(r.totals.bytesResent ? { resent: r.totals.bytesResent } : {}),
            ...(0,_checks_js__WEBPACK_IMPORTED_MODULE_0__/* .jsonParts */ .lx)(r),
            ...ownTime(r),
        };
    });
}
/** `{operation: 'verify'}` for an image acted on in place (its status is `unchanged`: nothing was copied), else nothing. */
function inPlace(r) {
    return r.item.inPlace ? { operation: r.item.inPlace } : {};
}
/** `{durationMs}`: the item's own time, for an item that ran (not one skipped, deferred or unchanged by its immutable tag). */
function ownTime(r) {
    return r.status === 'skipped' || r.status === 'deferred' || r.reason ? {} : { durationMs: r.durationMs };
}
/**
 * One object per node of the copied graph, as the action's `blobs` output and the CLI's `--json`
 * give them. With several destinations, one per node and destination, each naming its destination.
 */
function blobRecords(results, several = results.length > 1) {
    return results.flatMap((r) => r.blobs.map((n) => ({
        digest: n.digest,
        mediaType: n.mediaType,
        size: n.size,
        action: n.action,
        ...(n.from ? { from: n.from } : {}),
        ...(n.resent ? { resent: n.resent } : {}),
        ...(several ? { destination: r.destination } : {}),
    })));
}
/** The destinations a one-image job wrote (or found, or would write): what its outputs cover. */
function writtenResults(outcome) {
    return outcome.results.filter((r) => r.root);
}
/**
 * A one-image copy's account, as `oci-copy --json` prints it: the root, then for one destination
 * its status, tags (every one checked, moved ones with what they named) and blobs; for several,
 * `destinations` with each one's, and blobs naming their destination. A failed copy says so too.
 */
function copyAccount(outcome) {
    const { dryRun, results, root } = outcome;
    const head = root ? { digest: root.digest, mediaType: root.mediaType, size: root.size } : {};
    const each = (r) => ({
        ...inPlace(r),
        status: r.status,
        tags: r.tags.map((t) => t.tag),
        ...(r.tags.some((t) => t.change === 'moved')
            ? { moved: r.tags.filter((t) => t.change === 'moved').map((t) => ({ tag: t.tag, from: t.previous })) }
            : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(0,_checks_js__WEBPACK_IMPORTED_MODULE_0__/* .jsonParts */ .lx)(r),
        ...(r.refusedBy ? { refusedBy: r.refusedBy } : {}),
        ...ownTime(r),
    });
    if (results.length === 1)
        return { ...head, dryRun, destination: results[0].destination, ...each(results[0]), blobs: blobRecords(results) };
    return {
        ...head,
        dryRun,
        destinations: results.map((r) => ({ destination: r.destination, ...each(r) })),
        blobs: blobRecords(results.filter((r) => r.status !== 'failed'), true),
    };
}
/** What prune did, one object per pruning entry's destination, as the action's `pruned` output gives it. */
function pruneRecords(outcome) {
    return (outcome.pruned ?? []).map((p) => ({
        entry: p.entry,
        destination: p.destination,
        [outcome.dryRun ? 'wouldRemove' : 'removed']: p.removed,
        protected: p.protected,
        ...(p.kept !== undefined ? { kept: p.kept } : {}),
        ...(p.attachmentsKept.length ? { attachmentsKept: p.attachmentsKept } : {}),
        ...(p.failed.length ? { failed: p.failed } : {}),
        ...(p.stopped ? { stopped: p.stopped } : {}),
    }));
}
/**
 * What the check of each destination found, as the action's `check` output and `oci-copy check
 * --json` give it: `{source, destination, digest, status, problems: [{kind, digest, where, detail}]}`
 * with status intact, drifted, damaged or repaired (and what a repair put back); an image that
 * could not be checked at all (an unreachable registry, a refused request) is `unchecked`, with its
 * error; one a check refused before the walk (a signature policy the destination's digest fails) is `refused`.
 */
function integrityRecords(outcome) {
    return outcome.results.map((r) => {
        const found = r.checks.check;
        if (!found)
            return {
                source: r.source,
                destination: r.destination,
                ...(r.root ? { digest: r.root.digest } : {}),
                status: r.status === 'failed'
                    ? r.refusedBy
                        ? 'refused'
                        : 'unchecked'
                    : r.status === 'skipped' || r.status === 'deferred'
                        ? r.status
                        : 'intact',
                problems: [],
                ...(r.error !== undefined ? { error: r.error } : {}),
            };
        return {
            source: found.source,
            destination: found.destination,
            digest: found.digest,
            status: found.status,
            deep: found.deep,
            problems: found.problems,
            ...(found.putBack ? { putBack: found.putBack } : {}),
            ...(found.stillDamaged?.length ? { stillDamaged: found.stillDamaged } : {}),
        };
    });
}


/***/ }),

/***/ 68281:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gg: () => (/* binding */ notDoneCounts),
/* harmony export */   lV: () => (/* binding */ statusTitle),
/* harmony export */   ly: () => (/* binding */ STATUS_WORDS)
/* harmony export */ });
/* unused harmony export REFUSED_BY */
/**
 * What each status is called: `title` heads a line or a section (`Copied SRC => DST`), `word`
 * counts or fills a cell (`3 copied`), `mark` stands before a summary heading that asks for a look.
 */
const STATUS_WORDS = {
    copied: { title: 'Copied', word: 'copied' },
    repaired: { title: 'Repaired', word: 'repaired' },
    copy: { title: 'Would copy', word: 'would copy' },
    unchanged: { title: 'Unchanged', word: 'unchanged' },
    failed: { title: 'Failed', word: 'failed', mark: '❌' },
    skipped: { title: 'Not attempted', word: 'not attempted' },
    deferred: { title: 'Left for the next run', word: 'left for the next run', mark: '⏸️' },
};
/** A failed image a check refused is said so: `Refused by no-clobber`, `refused by …`. */
const REFUSED_BY = 'Refused by';
/** `Refused by no-clobber` for a failure a check refused, else the status's title. */
function statusTitle(status, refusedBy) {
    return status === 'failed' && refusedBy ? `${REFUSED_BY} ${refusedBy}` : STATUS_WORDS[status].title;
}
/** `2 not attempted`, `1 left for the next run`: the counts of the items not done, those there are. */
function notDoneCounts(counts) {
    return ['skipped', 'deferred'].filter((s) => counts[s]).map((s) => `${counts[s]} ${STATUS_WORDS[s].word}`);
}


/***/ }),

/***/ 44960:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  b: () => (/* binding */ runJob)
});

// UNUSED EXPORTS: BUILT_IN_CHECKS

// EXTERNAL MODULE: ./lib/src/cancel/index.js
var cancel = __webpack_require__(74117);
;// CONCATENATED MODULE: ./lib/src/copy/blob-ledger.js

/**
 * Blobs moving to each registry across the copies of one run. When several images share a blob
 * and go to one registry at the same time, the first copy uploads it, copies into the same
 * repository wait and find it there, and copies into other repositories wait and mount it: the
 * bytes move once per registry, and each repository gets one mount.
 */
class BlobLedger {
    blobs = new Map();
    /** Manifests pushed (or being pushed) into a repository in this run, by registry, repository and digest. */
    manifests = new Map();
    /**
     * Call before pushing a child manifest (one no tag names) into `registry/repository`. Several
     * images of a run that share it (tags of one index, platforms of two) push it once: the first
     * gets `first` and settles it, the others wait and find it there (`present`), or push it
     * themselves when the first failed. A registry that stores by rewriting files (distribution's
     * filesystem driver truncates, then writes) can otherwise answer another image's index push
     * while the child's link is empty, with DIGEST_INVALID.
     */
    async claimManifest(registry, repository, digest, signal) {
        const key = `${registry}\u0000${repository}\u0000${digest}`;
        for (;;) {
            const pending = this.manifests.get(key);
            if (!pending)
                break;
            let pushed = false;
            await untilSettledOrAborted(pending.then((ok) => void (pushed = ok)), signal);
            if (pushed)
                return { kind: 'present' };
            // The first push failed: the next claim tries again, one at a time.
            if (this.manifests.get(key) === pending)
                this.manifests.delete(key);
        }
        let done;
        this.manifests.set(key, new Promise((resolve) => (done = resolve)));
        let settled = false;
        return {
            kind: 'first',
            settle: (ok) => {
                if (settled)
                    return;
                settled = true;
                done(ok);
            },
        };
    }
    /**
     * Call before putting `digest` into `registry/repository`; a ticket with `settle` must be settled.
     * A copy that ends (`signal`) stops waiting for another copy's upload at once.
     */
    async claim(registry, repository, digest, signal) {
        const key = `${registry}\u0000${digest}`;
        let state = this.blobs.get(key);
        if (!state)
            this.blobs.set(key, (state = { holders: new Set(), inFlight: new Map() }));
        for (;;) {
            if (state.holders.has(repository))
                return { kind: 'present' };
            const mine = state.inFlight.get(repository);
            if (mine) {
                await untilSettledOrAborted(mine, signal);
                continue;
            }
            const holder = state.holders.values().next().value;
            if (holder !== undefined)
                return { kind: 'mount', from: holder, settle: this.start(state, repository) };
            if (state.inFlight.size) {
                // The first upload to this registry is under way: wait for it, then mount from there.
                await untilSettledOrAborted(Promise.race(state.inFlight.values()), signal);
                continue;
            }
            return { kind: 'first', settle: this.start(state, repository) };
        }
    }
    start(state, repository) {
        let done;
        state.inFlight.set(repository, new Promise((resolve) => (done = resolve)));
        let settled = false;
        return (ok) => {
            if (settled)
                return;
            settled = true;
            state.inFlight.delete(repository);
            if (ok)
                state.holders.add(repository);
            done();
        };
    }
}
async function untilSettledOrAborted(settled, signal) {
    (0,cancel/* throwIfAborted */.Te)(signal);
    if (!signal)
        return settled;
    let onAbort;
    const aborted = new Promise((_, reject) => {
        onAbort = () => reject((0,cancel/* abortReason */.Js)(signal));
        signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        await Promise.race([settled, aborted]);
    }
    finally {
        signal.removeEventListener('abort', onAbort);
    }
}

;// CONCATENATED MODULE: ./lib/src/copy/limiter.js
/** Runs at most `limit` tasks at once; the rest wait their turn in order. */
class Limiter {
    limit;
    active = 0;
    /** Waiting tasks from `head` on: taking one is O(1) however many wait (a graph can list 50,000). */
    waiting = [];
    head = 0;
    constructor(limit) {
        this.limit = limit;
        if (!Number.isInteger(limit) || limit < 1)
            throw new RangeError(`concurrency must be a whole number ≥ 1, got ${limit}`);
    }
    async run(task) {
        if (this.active >= this.limit) {
            // The finishing task hands its slot straight over, so `active` never overshoots.
            await new Promise((resolve) => this.waiting.push(resolve));
        }
        else {
            this.active++;
        }
        try {
            return await task();
        }
        finally {
            const next = this.next();
            if (next)
                next();
            else
                this.active--;
        }
    }
    next() {
        if (this.head >= this.waiting.length)
            return undefined;
        const next = this.waiting[this.head++];
        if (this.head > 1024 && this.head * 2 > this.waiting.length) {
            this.waiting = this.waiting.slice(this.head);
            this.head = 0;
        }
        return next;
    }
}

;// CONCATENATED MODULE: ./lib/src/copy/limits.js
/**
 * Bounds on a copy that no registry or file can move: what a source says only decides whether the
 * copy stays within them, never how long it runs or how much it holds. Each is far beyond what real
 * images need (README.md, "Limits"); a graph past one is refused with a sentence naming the limit.
 */
/**
 * Levels below the root. Real images nest 3 deep (index → manifest → layer), an index of indexes
 * one more; 32 is that with a wide margin. A registry can chain indexes as deep as it likes.
 */
const MAX_GRAPH_DEPTH = 32;
/**
 * Nodes (manifests, configs, layers, referrers) in one copy's graph. The largest real images, with
 * every platform and attestation, have a few thousand.
 */
const MAX_GRAPH_NODES = 50_000;
/**
 * Generations of referrers followed: a signature (1) of an SBOM (2) of an attestation (3) is as
 * deep as real supply chains go. A registry can invent a new referrer for every subject forever.
 */
const MAX_REFERRER_GENERATIONS = 8;
/**
 * Manifest bytes one copy holds at once. A manifest is read whole (at most 4 MiB each); real graphs
 * hold well under a megabyte of them, and a graph of thousands of 4 MiB manifests must not take
 * the runner's memory.
 */
const MAX_HELD_MANIFEST_BYTES = 256 * 1024 * 1024;
/**
 * An image config up to this size is kept while the copy streams it, so its platform is read
 * without a second fetch. Configs are a few kilobytes; one with a long history may reach tens.
 */
const MAX_KEPT_CONFIG_BYTES = 256 * 1024;

// EXTERNAL MODULE: ./lib/src/oci/referrer-kinds.js
var referrer_kinds = __webpack_require__(36055);
// EXTERNAL MODULE: ./lib/src/targets/target.js
var targets_target = __webpack_require__(87586);
// EXTERNAL MODULE: ./lib/src/copy/cosign-attachments.js
var cosign_attachments = __webpack_require__(47944);
;// CONCATENATED MODULE: ./lib/src/copy/referrer-finder.js



/**
 * What refers to a manifest in one target: what its referrers listing gives (the API, or the
 * `sha256-<hex>` index), then cosign's tag attachments (`sha256-<hex>.sig`, `.att`, `.sbom`), each
 * once. The copy engine finds what to copy with it; a check of a destination finds what must be there.
 */
class ReferrerFinder {
    target;
    step;
    attachments;
    constructor(target, step = (_what, run) => run()) {
        this.target = target;
        this.step = step;
        this.attachments = new cosign_attachments/* CosignAttachments */.i(target);
    }
    /** Whether the target can tell referrers at all (a listing, or its tags). */
    get possible() {
        return (0,targets_target/* isReferrerLister */.Xn)(this.target) || this.attachments.possible;
    }
    async find(subject) {
        const { listed, tagged } = await this.parts(subject);
        const found = new Map(listed.map((r) => [r.digest, r]));
        for (const a of tagged) {
            const known = found.get(a.digest);
            found.set(a.digest, known ? { ...known, tag: a.tag } : a);
        }
        return [...found.values()];
    }
    /** What the listing gives (`listed`) and what cosign's tags name (`tagged`, each with its tag), apart. */
    async parts(subject) {
        const target = this.target;
        const attachments = this.attachments;
        const found = new Map();
        const tagged = [];
        if ((0,targets_target/* isReferrerLister */.Xn)(target)) {
            const listed = await this.step(`listing referrers of ${subject.digest} in ${target.description}`, () => target.referrers(subject));
            for (const r of listed) {
                const { kind, tool } = (0,referrer_kinds/* referrerKind */.iO)(r.artifactType, r.annotations);
                found.set(r.digest, {
                    kind,
                    ...(tool ? { tool } : {}),
                    ...(r.artifactType ? { artifactType: r.artifactType } : {}),
                    mediaType: r.mediaType,
                    digest: r.digest,
                    size: r.size,
                });
            }
        }
        if (attachments.possible) {
            for (const a of await this.step(`looking up the cosign tags of ${subject.digest} in ${target.description}`, () => attachments.find(subject)))
                tagged.push({ kind: a.kind, tool: 'cosign', ...a.desc, tag: a.tag });
        }
        return { listed: [...found.values()], tagged };
    }
}

// EXTERNAL MODULE: ./lib/src/oci/digest.js
var oci_digest = __webpack_require__(36618);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/manifest.js
var oci_manifest = __webpack_require__(98775);
// EXTERNAL MODULE: ./lib/src/oci/media-types.js
var media_types = __webpack_require__(7964);
// EXTERNAL MODULE: ./lib/src/oci/platform.js
var oci_platform = __webpack_require__(56993);
;// CONCATENATED MODULE: ./lib/src/integrity/destination-check.js











/**
 * Checks what destinations really hold: the graph under a root walked from the destination's own
 * manifests (each fetched and its digest checked), each blob present with its size (a HEAD), and
 * with `deep` every blob downloaded and hashed (streamed, never whole in memory). One checker serves
 * a whole job: a manifest or blob is checked once per repository however many images name it, HEADs
 * and manifest reads under the `checks` slots, downloads under `transfers`. Writes nothing.
 */
class DestinationCheck {
    deep;
    checks;
    transfers;
    blobs = new Map();
    manifests = new Map();
    finders = new WeakMap();
    constructor(options = {}) {
        this.deep = options.deep === true;
        this.checks = options.checks ?? new Limiter(8);
        this.transfers = options.transfers ?? new Limiter(8);
    }
    /**
     * Walks the graph under `root` in `dst`: every manifest reachable from it fetched and checked,
     * every blob checked. Problems name the node and its place (`layer of linux/arm64 manifest sha256:…`).
     * A failure to ask (401, an unreachable registry) is thrown, naming what was being checked.
     */
    async walk(dst, root, signal, rootRole) {
        const where = placeOf(dst);
        const problems = [];
        const manifests = [];
        const seen = new Set();
        const faulty = new Map();
        let blobs = 0;
        const visit = async (desc, role) => {
            if (seen.has(desc.digest))
                return;
            seen.add(desc.digest);
            (0,cancel/* throwIfAborted */.Te)(signal);
            if ((0,media_types/* isManifest */.Yh)(desc.mediaType)) {
                const read = await this.manifest(dst, desc, signal);
                if (read.fault) {
                    faulty.set(desc.digest, desc);
                    problems.push({ kind: read.fault.kind, digest: desc.digest, where, detail: manifestDetail(read.fault, desc, role) });
                    return;
                }
                manifests.push({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
                let children;
                try {
                    children = (0,oci_manifest/* defaultSuccessors */.RW)(desc, read.content);
                }
                catch (err) {
                    // The digest matched: what it lists is the manifest's own fault, and the source's too.
                    throw new errors/* CopyError */.k6('destination', `reading manifest ${desc.digest} in ${dst.description}`, err);
                }
                const label = `${desc.platform ? `${(0,oci_platform/* formatPlatform */.Bq)(desc.platform)} ` : ''}${(0,media_types/* isIndex */.nw)(desc.mediaType) ? 'index' : 'manifest'} ${desc.digest}`;
                await Promise.all(children.map((c, i) => visit(c, (0,media_types/* isManifest */.Yh)(c.mediaType) ? `of index ${desc.digest}` : `${childWord(desc, i)} of ${label}`)));
                return;
            }
            blobs++;
            const fault = await this.blob(dst, desc, signal);
            if (fault)
                faulty.set(desc.digest, desc);
            if (fault)
                problems.push({ kind: fault.kind, digest: desc.digest, where, detail: blobDetail(fault, desc, role) });
        };
        await visit(root, rootRole);
        return { problems, manifests, blobs, faulty };
    }
    /**
     * What the source has referring to each of `subjects` (signatures, attestations, SBOMs: its
     * referrers listing and cosign's tags) must be in `dst` too: listed among the destination's
     * referrers (the API or the `sha256-<hex>` index) when the source lists it, tagged alike when
     * the source tags it, and its own graph whole. Returns the problems and how many referrers were checked.
     */
    async referrers(src, dst, subjects, signal) {
        const where = placeOf(dst);
        const problems = [];
        const checked = [];
        const faulty = new Map();
        const source = this.finder(src, 'source');
        const destination = this.finder(dst, 'destination');
        if (!source.possible)
            return { problems, checked, faulty };
        // Referrers of referrers (a signature of an SBOM) too, as deep as the copy follows them.
        const seen = new Set();
        let generation = subjects;
        for (let depth = 0; generation.length && depth <= MAX_REFERRER_GENERATIONS; depth++) {
            const next = [];
            for (const subject of generation) {
                if (seen.has(subject.digest))
                    continue;
                seen.add(subject.digest);
                next.push(...(await this.referrersOf(source, destination, subject, where, problems, checked, faulty, signal)));
            }
            generation = next;
        }
        for (const p of problems)
            if (p.kind === 'referrer' || p.kind === 'attachment-tag') {
                const r = checked.find((c) => c.digest === p.digest);
                if (r)
                    faulty.set(r.digest, { mediaType: r.mediaType, digest: r.digest, size: r.size });
            }
        return { problems, checked, faulty };
    }
    /** One subject's referrers checked (see `referrers`); returns those that are manifests, the next generation's subjects. */
    async referrersOf(source, destination, subject, where, problems, checked, faulty, signal) {
        const dst = destination.target;
        const next = [];
        {
            const [wanted, there] = await Promise.all([source.parts(subject), destination.parts(subject)]);
            const listedThere = new Set(there.listed.map((r) => r.digest));
            const taggedThere = new Map(there.tagged.map((r) => [r.tag, r.digest]));
            const walked = new Set();
            const label = (r) => `${(0,referrer_kinds/* referrerLabel */.UX)(r)} ${r.digest} of ${subject.digest}`;
            for (const r of wanted.listed) {
                checked.push(r);
                if (!listedThere.has(r.digest))
                    problems.push({
                        kind: 'referrer',
                        digest: r.digest,
                        where,
                        detail: `${label(r)} is not among the referrers of ${subject.digest}`,
                    });
            }
            for (const r of wanted.tagged) {
                if (!wanted.listed.some((l) => l.digest === r.digest))
                    checked.push(r);
                const named = taggedThere.get(r.tag);
                if (named !== r.digest)
                    problems.push({
                        kind: 'attachment-tag',
                        digest: r.digest,
                        where,
                        detail: named
                            ? `tag ${r.tag} names ${named}, the source ${r.digest} (${(0,referrer_kinds/* referrerLabel */.UX)(r)})`
                            : `${(0,referrer_kinds/* referrerLabel */.UX)(r)} tag ${r.tag} missing (${r.digest} of ${subject.digest})`,
                    });
            }
            for (const r of [...wanted.listed, ...wanted.tagged]) {
                if (walked.has(r.digest) || !(0,media_types/* isManifest */.Yh)(r.mediaType))
                    continue;
                walked.add(r.digest);
                const below = await this.walk(dst, { mediaType: r.mediaType, digest: r.digest, size: r.size }, signal, `(${(0,referrer_kinds/* referrerLabel */.UX)(r)} of ${subject.digest})`);
                problems.push(...below.problems);
                for (const [digest, desc] of below.faulty)
                    faulty.set(digest, desc);
                next.push({ mediaType: r.mediaType, digest: r.digest, size: r.size });
            }
        }
        return next;
    }
    /** Forgets what was found of `digests` in `dst` (they were put back): the next walk asks again. */
    forget(dst, digests) {
        for (const digest of digests) {
            this.blobs.delete(keyOf(dst, digest));
            this.manifests.delete(keyOf(dst, digest));
        }
    }
    finder(target, side) {
        let finder = this.finders.get(target);
        if (!finder) {
            finder = new ReferrerFinder(target, (what, step) => step().catch((err) => Promise.reject(err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6(side, what, err))));
            this.finders.set(target, finder);
        }
        return finder;
    }
    /** Asks again about blobs put back (forgetting what was found): those still missing or damaged. */
    async recheck(dst, blobs, signal) {
        this.forget(dst, blobs.map((b) => b.digest));
        const faults = await Promise.all(blobs.map((b) => this.blob(dst, b, signal)));
        return blobs.filter((_, i) => faults[i]);
    }
    manifest(dst, desc, signal) {
        const key = keyOf(dst, desc.digest);
        let read = this.manifests.get(key);
        if (!read) {
            read = this.checks.run(() => readDestinationManifest(dst, desc, signal));
            this.manifests.set(key, read);
        }
        return read;
    }
    blob(dst, desc, signal) {
        const key = keyOf(dst, desc.digest);
        let fault = this.blobs.get(key);
        if (!fault) {
            fault = this.checkBlob(dst, desc, signal);
            this.blobs.set(key, fault);
        }
        return fault;
    }
    async checkBlob(dst, desc, signal) {
        const op = `checking blob ${desc.digest} in ${dst.description}`;
        const size = await this.checks.run(() => step(op, () => storedSize(dst, desc, signal)));
        if (size === undefined)
            return { kind: 'missing-blob', what: 'missing' };
        if (size !== desc.size)
            return { kind: 'size', what: `size ${size} instead of ${desc.size}` };
        if (!this.deep)
            return undefined;
        return this.transfers.run(() => step(`hashing blob ${desc.digest} in ${dst.description}`, () => hashBlob(dst, desc, signal)));
    }
}
/** `host/repo` for a registry, the path for a layout: where a problem was found. */
function placeOf(target) {
    return target.description.replace(/^\[[a-z-]+\] /, '');
}
function keyOf(target, digest) {
    return `${target.description}\u0000${digest}`;
}
async function step(what, run) {
    try {
        return await run();
    }
    catch (err) {
        throw err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6('destination', what, err);
    }
}
/** What a HEAD says of a blob's size where the target can tell, else the listed size when it is there at all. */
async function storedSize(dst, desc, signal) {
    if ((0,targets_target/* isBlobSizer */.DI)(dst))
        return dst.blobSize(desc, signal);
    return (await dst.exists(desc, signal)) ? desc.size : undefined;
}
/** Downloads the blob, counting and hashing as it streams (nothing kept): what its bytes are, against what they should be. */
async function hashBlob(dst, desc, signal) {
    const hash = (0,oci_digest/* newHasher */.ce)(desc.digest);
    let bytes = 0;
    const stream = await dst.fetch(desc, signal);
    try {
        for await (const chunk of stream) {
            bytes += chunk.length;
            if (bytes > desc.size)
                return { kind: 'size', what: `more than the listed ${desc.size} bytes served (deep)` };
            hash.update(chunk);
        }
    }
    finally {
        stream.destroy();
    }
    if (bytes !== desc.size)
        return { kind: 'size', what: `${bytes} bytes served instead of ${desc.size} (deep)` };
    const actual = `${(0,oci_digest/* parseDigest */.m)(desc.digest).algorithm}:${hash.digest('hex')}`;
    return actual === desc.digest ? undefined : { kind: 'hash', what: `bytes hash to ${actual} (deep)` };
}
/** A manifest read by digest: its bytes when they are that digest's; missing, or other bytes, as a fault. */
async function readDestinationManifest(dst, desc, signal) {
    const op = `checking manifest ${desc.digest} in ${dst.description}`;
    let content;
    try {
        const stream = await dst.fetch(desc, signal);
        const chunks = [];
        let total = 0;
        for await (const chunk of stream) {
            total += chunk.length;
            if (total > media_types/* MAX_MANIFEST_BYTES */.ZJ) {
                stream.destroy();
                return { fault: { kind: 'manifest-bytes', what: `more than ${media_types/* MAX_MANIFEST_BYTES */.ZJ} bytes served` } };
            }
            chunks.push(chunk);
        }
        content = Buffer.concat(chunks, total);
    }
    catch (err) {
        if (err instanceof errors/* NotFoundError */.m_ || (err instanceof errors/* CopyError */.k6 && err.cause instanceof errors/* NotFoundError */.m_))
            return { fault: { kind: 'missing-manifest', what: 'not found' } };
        // A registry that checks the bytes it serves against the digest asked for says so itself.
        if (err instanceof errors/* DigestMismatchError */.h || err instanceof errors/* ContentError */.yg)
            return { fault: { kind: 'manifest-bytes', what: `served other bytes (${err.message})` } };
        throw err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6('destination', op, err);
    }
    const actual = (0,oci_digest/* digestOf */.ol)(content, (0,oci_digest/* parseDigest */.m)(desc.digest).algorithm);
    if (actual !== desc.digest)
        return { fault: { kind: 'manifest-bytes', what: `bytes hash to ${actual}` } };
    if (content.length !== desc.size)
        return { fault: { kind: 'manifest-bytes', what: `size ${content.length} instead of ${desc.size}` } };
    return { content };
}
/** `config`, `layer`: what the `i`th child of an image manifest is. */
function childWord(parent, i) {
    return (0,media_types/* isImageManifest */.pJ)(parent.mediaType) && i === 0 ? 'config' : 'layer';
}
/** `child manifest sha256:… (linux/arm64, of index sha256:…) not found`, `manifest sha256:… not found`. */
function manifestDetail(fault, desc, role) {
    const platform = desc.platform ? (0,oci_platform/* formatPlatform */.Bq)(desc.platform) : undefined;
    const kind = (0,media_types/* isIndex */.nw)(desc.mediaType) ? 'index' : 'manifest';
    const child = role?.startsWith('of index ');
    const name = child
        ? `child ${kind} ${desc.digest} (${[platform, role].filter(Boolean).join(', ')})`
        : `${kind} ${desc.digest}${role ? ` ${role}` : ''}`;
    return fault.kind === 'missing-manifest' ? `${name} not found` : `${name}: ${fault.what}`;
}
/** `missing blob sha256:… (layer of …)`, `blob sha256:… (layer of …): size 1024 instead of 2048`. */
function blobDetail(fault, desc, role) {
    const at = role ? ` (${role})` : '';
    return fault.kind === 'missing-blob' ? `missing blob ${desc.digest}${at}` : `blob ${desc.digest}${at}: ${fault.what}`;
}

;// CONCATENATED MODULE: ./lib/src/job/features/blob-cache-rule.js
/**
 * When the blob-info cache is restored and saved. What a copy learns of where blobs live in
 * registries serves later mounts: the cache is restored when mounts are on and a registry is
 * involved (a pull budget keeps the images it left in the same store, so it asks for it too), and
 * saved when something succeeded (or a budget ran) and it was no dry run.
 */
class BlobCacheRule {
    settings;
    store;
    restored;
    constructor(settings, store) {
        this.settings = settings;
        const work = settings.work;
        // An image acted on in place moves no blob: where blobs live is neither needed nor learnt.
        const registryInvolved = work.kind === 'sync' || (work.kind === 'copy' && [work.source, ...work.destinations].some((r) => r.transport === 'registry'));
        this.store = (this.mounts || this.budgeted) && registryInvolved ? store : undefined;
    }
    get mounts() {
        return this.settings.mount !== false;
    }
    get budgeted() {
        return this.settings.minPullsLeft !== undefined;
    }
    async open() {
        this.restored = await this.store?.restore();
    }
    engine() {
        return this.mounts && this.restored ? { blobCache: this.restored } : {};
    }
    /** Where the images a pull budget left are kept, once restored. */
    pending() {
        return this.restored ? this.store?.pending?.() : undefined;
    }
    async close(results) {
        const succeeded = results.some((r) => r.status !== 'failed' && r.status !== 'skipped' && r.status !== 'deferred');
        if (this.store && this.restored && (succeeded || this.budgeted) && this.settings.dryRun !== true)
            await this.store.save();
    }
    outcome() {
        const cacheNote = this.store?.note?.();
        return cacheNote ? { cacheNote } : {};
    }
}

// EXTERNAL MODULE: ./lib/src/plan/plan.js
var plan_plan = __webpack_require__(30153);
;// CONCATENATED MODULE: ./lib/src/plan/resume.js

/**
 * The items with those a pull budget left last time first (in the order they were left), then the
 * rest in the list's order: a mirror larger than one pull window converges over several runs
 * instead of starting over with the same images each time. `pending` holds `itemKey` names.
 */
function pendingFirst(items, pending) {
    const rank = new Map();
    for (const key of pending)
        if (!rank.has(key))
            rank.set(key, rank.size);
    if (!rank.size)
        return [...items];
    const first = [];
    const rest = [];
    for (const item of items) {
        const r = rank.get((0,plan_plan/* itemKey */.Dh)(item));
        if (r === undefined)
            rest.push(item);
        else
            first.push({ item, rank: r });
    }
    return [...first.sort((a, b) => a.rank - b.rank).map((f) => f.item), ...rest];
}
/** The names to keep for the next run: the items not attempted, in their order. */
function pendingKeys(items) {
    return [...items].map(plan_plan/* itemKey */.Dh);
}

;// CONCATENATED MODULE: ./lib/src/job/features/pull-budget/budget-check.js


/** An image the pull budget leaves for the next run: not a failure, a decision (`deferred`). */
class ImageDeferred extends errors/* OciCopyError */.vW {
    check;
    name = 'ImageDeferred';
    constructor(message, 
    /** The check that deferred it. */
    check) {
        super(message);
        this.check = check;
    }
}
/**
 * The pull budget in the check slot: an image that differs asks the budget for its pulls on the
 * source registry before any byte moves; one not admitted is deferred. Its ticket is held until
 * the image is done (`release`), so the copies in flight count against the budget.
 */
class PullBudgetCheck {
    budget;
    gate;
    name = 'pull-budget';
    tickets = new Map();
    constructor(budget, 
    /** Admits images in the order of the plan (what was left last time first), however many are compared at once. */
    gate) {
        this.budget = budget;
        this.gate = gate;
    }
    async run(ctx) {
        const source = ctx.item.source;
        // Only a registry counts pulls; an unchanged image pulls nothing.
        if (source.transport !== 'registry' || ctx.state === 'unchanged')
            return;
        await this.gate?.turn(ctx.item);
        const pulls = pullsOf(ctx);
        const ticket = this.budget.admit(source.registry, pulls);
        if (!ticket)
            throw new ImageDeferred(`left for the next run: ${this.budget.stopReason(source.registry)}`, this.name);
        this.tickets.set(ctx.item, ticket);
        return { registry: source.registry, pulls };
    }
    /** The image is done (copied, failed or refused later): its pulls no longer count as in flight. */
    release(item) {
        this.tickets.get(item)?.done();
        this.tickets.delete(item);
    }
}
/**
 * The manifest GETs a copy makes on the source: one for an image; for an index, one more per
 * platform taken (when the platforms are not known before the copy reads the index: two).
 */
function pullsOf(ctx) {
    const root = ctx.resolved.root;
    if (!(0,media_types/* isIndex */.nw)(root.mediaType))
        return 1;
    return 1 + (ctx.resolved.platforms?.length ?? 1);
}

;// CONCATENATED MODULE: ./lib/src/job/features/pull-budget/order-gate.js
/**
 * Lets items through one point in the order of the plan, while everything before and after that
 * point runs side by side: `turn(item)` resolves once every earlier item has `pass`ed. The pull
 * budget admits images this way, so the images a budget left last time (put first) get the pulls
 * first even when several images are compared at once. Items are taken up in plan order, so the
 * earliest that has not passed is always on its way, and the gate never stalls.
 */
class OrderGate {
    position;
    passed;
    /** The earliest item that has not passed. */
    next = 0;
    waiting = new Map();
    constructor(items) {
        this.position = new Map(items.map((item, i) => [item, i]));
        this.passed = items.map(() => false);
    }
    /** Resolves once every item before `item` has passed (at once for an item the gate does not know). */
    turn(item) {
        const at = this.position.get(item);
        if (at === undefined || at <= this.next)
            return Promise.resolve();
        return new Promise((resolve) => this.waiting.set(at, [...(this.waiting.get(at) ?? []), resolve]));
    }
    /** `item` is past the point (or will never reach it): later items may go. */
    pass(item) {
        const at = this.position.get(item);
        if (at === undefined || this.passed[at])
            return;
        this.passed[at] = true;
        while (this.next < this.passed.length && this.passed[this.next])
            this.next++;
        for (const [i, resolvers] of this.waiting) {
            if (i > this.next)
                continue;
            this.waiting.delete(i);
            for (const resolve of resolvers)
                resolve();
        }
    }
}

// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./lib/src/targets/registry/index.js + 18 modules
var registry = __webpack_require__(62291);
;// CONCATENATED MODULE: ./lib/src/job/features/pull-budget/pull-budget.js


/**
 * `min-pulls-left`: a sync starts no copy from a registry whose pull limit would fall below the
 * minimum. What a registry last said (`ratelimit-remaining`, on any answer, HEADs included), less
 * the pulls of the copies from it still in flight, less the new copy's own, must stay at or above
 * it. The pulls of a copy in flight show in the registry's count as it makes them, while its
 * reservation holds until it ends: the count errs on the side of stopping early. A registry that
 * says nothing of a limit is never held. Once a registry refuses a copy, it refuses every later one
 * of the run: what is left waits for the next run (see `pendingFirst`), in the order of the list.
 */
class PullBudget {
    minPullsLeft;
    seen;
    inFlight = new Map();
    stops = new Map();
    stopCounts = new Map();
    constructor(minPullsLeft, 
    /** What `registry` last said of its limit (`RegistryConnections.rateLimitOf`). */
    seen) {
        this.minPullsLeft = minPullsLeft;
        this.seen = seen;
    }
    /**
     * A ticket when a copy from `registry` that will make `pulls` manifest GETs (one for an image,
     * one more per platform of an index) may start; undefined when it must wait for the next run.
     */
    admit(registry, pulls = 1) {
        if (this.stops.has(registry))
            return undefined;
        const note = this.seen(registry);
        const flying = this.inFlight.get(registry) ?? 0;
        if (note && note.remaining - flying - pulls < this.minPullsLeft) {
            this.stops.set(registry, note);
            this.stopCounts.set(registry, { remaining: note.remaining, flying, pulls });
            return undefined;
        }
        this.inFlight.set(registry, flying + pulls);
        let open = true;
        return {
            done: () => {
                if (!open)
                    return;
                open = false;
                this.inFlight.set(registry, (this.inFlight.get(registry) ?? pulls) - pulls);
            },
        };
    }
    /**
     * Why copies from `registry` stopped, with the counts of that moment: `it said 11 pulls left, 2
     * held for copies still running and 1 for the next: below min-pulls-left 10`. The registry's
     * count seen later can read above the minimum, as pulls in flight were counted twice.
     */
    stopReason(registry) {
        const at = this.stopCounts.get(registry);
        if (!at)
            return `below min-pulls-left ${this.minPullsLeft}`;
        const held = at.flying ? `, ${at.flying} held for copies still running` : '';
        return `${(0,oci_text/* printable */.g$)(registry)} said ${at.remaining} ${at.remaining === 1 ? 'pull' : 'pulls'} left${held} and ${at.pulls} needed for the next copy: below min-pulls-left ${this.minPullsLeft}`;
    }
    /** Whether some registry stopped copies: the run then ends with `describe`. */
    get stopped() {
        return this.stops.size > 0;
    }
    /** The registries that stopped, with what each says of its limit now (else when it stopped). */
    stoppedRegistries() {
        return [...this.stops].map(([registry, atStop]) => this.seen(registry) ?? atStop);
    }
    /**
     * `37 of 120 images left for the next run (docker.io: 3 of 100 pulls left per 6 h)`; with a reset
     * time the registry gave, `…, window resets in 5 h 40 min)`.
     */
    describe(left, total, now = Date.now()) {
        const why = this.stoppedRegistries().map((note) => `${(0,oci_text/* printable */.g$)(note.registry)}: ${(0,registry/* pullsLeft */.w_)(note)}${resetIn(note, now)}`);
        return `${left} of ${total} ${total === 1 ? 'image' : 'images'} left for the next run${why.length ? ` (${why.join('; ')})` : ''}`;
    }
}
function resetIn(note, now) {
    if (note.resetsAt === undefined)
        return '';
    const s = Math.max(0, Math.round((note.resetsAt - now) / 1000));
    return `, window resets in ${formatSpan(s)}`;
}
/** `5 h 40 min`, `12 min`, `45 s`. */
function formatSpan(seconds) {
    if (seconds < 60)
        return `${seconds} s`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60)
        return `${minutes} min`;
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
}

;// CONCATENATED MODULE: ./lib/src/job/features/pull-budget/budget-feature.js




/**
 * `min-pulls-left` as a job feature: the images left last time go first, each image that differs
 * asks the budget for its pulls in the order of the plan (the check, last of the checks: an image
 * another check refuses spends no pulls), its pulls are freed once it is done, and at the end the
 * stop line is said and the images left are kept for the next run.
 */
class PullBudgetFeature {
    options;
    budget;
    /** Made once the plan's order is known: the gate admits images in that order. */
    budgetCheck;
    gate;
    stopLine;
    constructor(options) {
        this.options = options;
        this.budget = new PullBudget(options.minPullsLeft, options.rateLimitOf);
    }
    get check() {
        return this.budgetCheck;
    }
    planned(plan) {
        const pending = this.options.pending();
        const ordered = pending ? { ...plan, items: pendingFirst(plan.items, pending.pendingItems()) } : plan;
        this.gate = new OrderGate(ordered.items);
        this.budgetCheck = new PullBudgetCheck(this.budget, this.gate);
        return ordered;
    }
    itemPrepared(item) {
        this.gate?.pass(item);
    }
    itemFinished(item) {
        this.budgetCheck?.release(item);
    }
    async afterItems(results) {
        const left = results.filter((r) => r.status === 'deferred').map((r) => r.item);
        if (this.budget.stopped) {
            this.stopLine = this.budget.describe(left.length, results.length);
            this.options.reporter.budgetStopped?.(this.stopLine);
        }
        const pending = this.options.pending();
        if (!this.options.dryRun && pending)
            pending.setPendingItems(pendingKeys(left));
    }
    outcome() {
        return this.stopLine ? { pullBudget: this.stopLine } : {};
    }
}

// EXTERNAL MODULE: ./lib/src/oci/reference.js + 1 modules
var oci_reference = __webpack_require__(91839);
// EXTERNAL MODULE: ./lib/src/plan/tag-filter.js
var tag_filter = __webpack_require__(96031);
;// CONCATENATED MODULE: ./lib/src/plan/prune.js


/** Whether the entry's filters would select `tag` (its `latest` aside: any version tag). */
function inFilterScope(tag, filter) {
    if ((0,tag_filter/* selectTags */.O)([tag], { ...filter, latest: undefined }).length !== 1)
        return false;
    return filter.latest === undefined || (0,tag_filter/* tagVersion */.RQ)(tag) !== undefined;
}
/** The digest an attachment tag belongs to: `sha256-<hex>.sig` → `sha256:<hex>`. */
function attachmentSubject(tag) {
    if (!(0,referrer_kinds/* isAttachmentTag */.uE)(tag))
        return undefined;
    const name = tag.split('.')[0];
    const at = name.indexOf('-');
    return `${name.slice(0, at)}:${name.slice(at + 1)}`;
}
/**
 * Why the source's list cannot be pruned against: it names no image. A source whose images were
 * deleted may still list their cosign attachment tags (`sha256-<hex>.sig`); those are never images,
 * so such a source is as empty as one that lists nothing, and an empty answer never empties a mirror.
 */
function emptySource(sourceTags) {
    if (sourceTags.some((t) => !(0,referrer_kinds/* isAttachmentTag */.uE)(t)))
        return undefined;
    const lest = 'nothing is pruned, lest an empty answer empty the mirror';
    if (!sourceTags.length)
        return `the source lists no tags: ${lest}`;
    const n = sourceTags.length;
    const named = [...sourceTags].sort().slice(0, 3).join(', ');
    return `the source lists no image tags, only ${n} attachment ${n === 1 ? 'tag' : 'tags'} (${named}${n > 3 ? `, and ${n - 3} more` : ''}): ${lest}`;
}
function planPrune(input) {
    const sides = splitTags(input);
    const empty = emptySource(input.sourceTags);
    if (empty)
        return { remove: [], protected: [], attachmentsKept: [], skipped: empty };
    const keptDigests = new Map();
    let unknownKept = false;
    for (const tag of sides.kept) {
        const digest = input.destinationTags.get(tag);
        if (digest === undefined)
            unknownKept = true;
        else
            keptDigests.set(digest, [...(keptDigests.get(digest) ?? []), tag]);
    }
    const remove = sides.gone.map((tag) => {
        const digest = input.destinationTags.get(tag);
        const shared = digest !== undefined ? keptDigests.get(digest) : undefined;
        return { tag, ...(digest !== undefined ? { digest } : {}), why: 'gone from the source', ...(shared ? { sharedWith: shared } : {}) };
    });
    const removedDigests = new Set(remove.map((r) => r.digest).filter((d) => d !== undefined));
    const attachmentsKept = [];
    for (const tag of sides.attachments) {
        const subject = attachmentSubject(tag);
        if (!removedDigests.has(subject) || keptDigests.has(subject))
            continue;
        if (unknownKept)
            attachmentsKept.push(tag);
        else
            remove.push({ tag, ...digestOf(input, tag), why: 'attachment of a removed image', subject });
    }
    return { remove, protected: sides.protected, attachmentsKept };
}
/**
 * The destination tags whose digests would change the plan and are not known yet: first the tags
 * to remove (when the destination has attachment tags at all), then, once an attachment of one
 * of them turns up, every kept tag (one of them may name the same image).
 */
function digestsNeeded(input) {
    const sides = splitTags(input);
    if (!sides.attachments.length || emptySource(input.sourceTags))
        return [];
    const unknown = (tags) => tags.filter((t) => input.destinationTags.get(t) === undefined);
    const gone = unknown(sides.gone);
    if (gone.length)
        return gone;
    const removed = new Set(sides.gone.map((t) => input.destinationTags.get(t)));
    if (!sides.attachments.some((t) => removed.has(attachmentSubject(t))))
        return [];
    return unknown(sides.kept);
}
/**
 * Fills in the digests `digestsNeeded` asks for, with `readTag` (a HEAD per tag on a registry), at
 * most `maxReads` in all: past that, attachments of removed images stay (the plan says which).
 */
async function readPruneDigests(input, readTag, options = {}) {
    const known = new Map(input.destinationTags);
    let budget = options.maxReads ?? 1000;
    for (let round = 0; round < 2; round++) {
        const need = digestsNeeded({ ...input, destinationTags: known });
        if (!need.length || need.length > budget)
            break;
        budget -= need.length;
        let next = 0;
        const worker = async () => {
            while (next < need.length) {
                const tag = need[next++];
                known.set(tag, await readTag(tag));
            }
        };
        await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, need.length) }, worker));
    }
    return { ...input, destinationTags: known };
}
/** The tags items of other entries than `entry` write to `repository`: a pruning entry leaves them (`alsoKeep`). */
function writtenByOthers(items, entry, repository) {
    if (repository.transport !== 'registry')
        return [];
    const tags = new Set();
    for (const item of items) {
        const d = item.destination;
        if (item.entry === entry || d.transport !== 'registry' || d.registry !== repository.registry || d.repository !== repository.repository)
            continue;
        for (const t of d.tags.length ? d.tags : item.source.tags)
            tags.add(t);
    }
    return [...tags];
}
/** The destination's tags by fate: kept images, images gone from the source, protected ones, attachments. */
function splitTags(input) {
    const source = new Set(input.sourceTags);
    const alsoKeep = new Set(input.alsoKeep ?? []);
    const isProtected = (tag) => alsoKeep.has(tag) || (input.protect ?? []).some((re) => re.test(tag));
    const out = { kept: [], gone: [], protected: [], attachments: [] };
    for (const tag of [...input.destinationTags.keys()].sort()) {
        if ((0,referrer_kinds/* isAttachmentTag */.uE)(tag)) {
            if (!isProtected(tag))
                out.attachments.push(tag);
        }
        else if (!inFilterScope(tag, input.filter) || source.has(tag))
            out.kept.push(tag);
        else if (isProtected(tag)) {
            out.protected.push(tag);
            out.kept.push(tag);
        }
        else
            out.gone.push(tag);
    }
    return out;
}
function digestOf(input, tag) {
    const digest = input.destinationTags.get(tag);
    return digest !== undefined ? { digest } : {};
}

;// CONCATENATED MODULE: ./lib/src/job/features/prune/prune-entries.js






/**
 * Prune, once the items are done: for each entry with `prune: true`, the tags of its destination
 * repository that its filters select and its source no longer has, less `protect` and the tags
 * other entries write (see plan/prune.ts), removed one tag at a time (the manifest stays for any
 * other tag naming it). A registry that refuses deletes stops that destination's prune with one
 * warning; the copies are unaffected. A dry run lists what would go. With shards, only shard 1
 * prunes (every shard plans the whole list, so it knows what the others write): N jobs never
 * remove the same tags N times.
 */
async function pruneEntries(entries, plan, results, pool, options) {
    const outcomes = [];
    for (const entry of entries.filter((e) => e.prune)) {
        outcomes.push(await pruneEntry(entry, plan, results, pool, options, plan.shard));
    }
    return outcomes;
}
async function pruneEntry(entry, plan, results, pool, options, shard) {
    const ref = (0,plan_plan/* entryRepository */.Te)(entry);
    const destination = (0,oci_text/* printable */.g$)((0,oci_reference/* formatReference */.FH)(ref));
    const outcome = { entry: entry.number, destination, removed: [], protected: [], attachmentsKept: [], failed: [] };
    const stop = (why, warn = false) => {
        outcome.stopped = why;
        if (warn)
            options.warning(`prune of ${destination} (entry ${entry.number}): ${why}`);
        return outcome;
    };
    if (options.notRun)
        return stop(options.notRun, true);
    if (shard && shard.count > 1 && shard.index !== 1)
        return stop(`pruned by shard 1/${shard.count}, not by this shard (${shard.index}/${shard.count})`);
    const sourceTags = plan.sourceTags?.get(entry.number);
    if (!sourceTags)
        return stop('the source tags could not be listed: nothing pruned', true);
    const dst = await pool.destination(ref);
    if (!(0,targets_target/* isTagLister */.IP)(dst) || !(0,targets_target/* isTagReader */.ei)(dst) || !(0,targets_target/* isTagRemover */.vG)(dst))
        return stop(`${dst.description} cannot remove tags: nothing pruned`, true);
    // What this run learnt of each tag it wrote or found: no HEAD for those.
    const known = new Map();
    for (const r of results)
        if (r.item.entry === entry.number && r.root)
            for (const t of r.tags)
                known.set(t.tag, r.root.digest);
    // The list read for immutable-tags serves again, with the tags this run wrote; else one list now.
    const planned = ref.transport === 'registry' ? plan.destinationTags?.get(`${ref.registry}/${ref.repository}`) : undefined;
    let listed;
    if (planned)
        listed = [...new Set([...planned, ...known.keys()])];
    else {
        try {
            listed = await dst.tags();
        }
        catch (err) {
            if (err instanceof errors/* NotFoundError */.m_)
                listed = [];
            else
                return stop(`listing its tags failed (${(0,oci_text/* printable */.g$)((0,errors/* messageOf */.bD)(err))}): nothing pruned`, true);
        }
    }
    const input = await readPruneDigests({
        filter: entry.filter,
        ...(entry.protect ? { protect: entry.protect } : {}),
        sourceTags,
        destinationTags: new Map(listed.map((t) => [t, known.get(t)])),
        alsoKeep: writtenByOthers(plan.all, entry.number, ref),
    }, async (tag) => (await dst.readTag(tag))?.digest, { concurrency: options.concurrency });
    const prune = planPrune(input);
    outcome.protected = prune.protected;
    outcome.attachmentsKept = prune.attachmentsKept;
    if (prune.skipped) {
        outcome.kept = listed.length;
        return stop(prune.skipped, true);
    }
    if (options.dryRun) {
        outcome.removed = prune.remove.map((r) => r.tag);
        outcome.kept = listed.length - outcome.removed.length;
        return outcome;
    }
    for (const removal of prune.remove) {
        try {
            const done = await dst.removeTag(removal.tag, { ...(removal.digest ? { expected: removal.digest } : {}), signal: options.signal });
            if (done === 'removed' || done === 'absent')
                outcome.removed.push(removal.tag);
            else
                outcome.failed.push({ tag: removal.tag, error: 'it names another digest by now: left' });
        }
        catch (err) {
            if (err instanceof errors/* TagRemovalRefusedError */.tr) {
                stop(err.message, true);
                break;
            }
            outcome.failed.push({ tag: removal.tag, error: (0,errors/* messageOf */.bD)(err) });
            options.warning(`prune of ${destination}: tag ${(0,oci_text/* printable */.g$)(removal.tag)} not removed: ${(0,errors/* messageOf */.bD)(err)}`);
        }
    }
    if (outcome.removed.length)
        pool.served(dst);
    outcome.kept = listed.length - outcome.removed.length;
    return outcome;
}

;// CONCATENATED MODULE: ./lib/src/job/features/prune/prune-feature.js

/**
 * Prune as a job feature: once every item is done, each entry with `prune: true` has its
 * destination pruned (see prune-entries.ts). A cancelled job prunes nothing; after a failure with
 * fail-fast, each pruning entry says it did not run.
 */
class PruneFeature {
    options;
    plan;
    pruned;
    constructor(options) {
        this.options = options;
    }
    planned(plan) {
        this.plan = plan;
        return plan;
    }
    async afterItems(results) {
        const { options } = this;
        if (!this.plan || options.signal.aborted)
            return;
        const failedFast = options.failFast && results.some((r) => r.status === 'failed');
        this.pruned = await pruneEntries(options.entries, this.plan, results, options.pool, {
            dryRun: options.dryRun,
            ...(failedFast ? { notRun: 'not run: an image failed and fail-fast is set' } : {}),
            concurrency: options.concurrency,
            signal: options.signal,
            warning: options.warn,
        });
        for (const p of this.pruned)
            options.reporter.pruned?.(p, options.dryRun);
    }
    outcome() {
        return this.pruned ? { pruned: this.pruned } : {};
    }
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./lib/src/lock/lock-file.js






/** The format this code writes and reads. */
const LOCK_VERSION = 1;
/** A lock file larger than this is no lock (a mirror of 100,000 images is about 25 MB). */
const MAX_LOCK_BYTES = 64 * 1024 * 1024;
const SHA256 = /^sha256:[0-9a-f]{64}$/;
const FIELDS = ['source', 'destination', 'digest', 'sourceDigest'];
/** The entries sorted (source, then destination, by code point) and each pair once: the order a file keeps across runs. */
function sortedEntries(entries) {
    const byKey = new Map();
    for (const e of entries)
        byKey.set(`${e.source}\u0000${e.destination}`, e);
    return [...byKey.values()].sort((a, b) => compare(a.source, b.source) || compare(a.destination, b.destination));
}
function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/**
 * The file's text: one JSON document, one entry a line so a diff shows each image that moved as
 * one line, the fields in one order. The same entries give the same bytes.
 */
function formatLock(entries) {
    const lines = sortedEntries(entries).map((e) => JSON.stringify({
        source: e.source,
        destination: e.destination,
        digest: e.digest,
        ...(e.sourceDigest ? { sourceDigest: e.sourceDigest } : {}),
    }));
    return `{"version":${LOCK_VERSION},"images":[\n${lines.join(',\n')}${lines.length ? '\n' : ''}]}\n`;
}
/**
 * Reads a lock's text. Every fault is one line naming the file and, for an entry, its line and
 * number: not JSON, another version, an entry without a field, a digest not in `sha256:<64 hex>`
 * form, a reference that does not parse, the same pair twice.
 */
function parseLock(text, file) {
    const name = (0,oci_text/* printable */.g$)(file);
    let doc;
    // A byte order mark some editors write is not JSON's, and not the reader's fault.
    if (text.charCodeAt(0) === 0xfeff)
        text = text.slice(1);
    try {
        doc = JSON.parse(text);
    }
    catch (err) {
        const line = lineAt(text, syntaxErrorAt(text));
        const why = (0,oci_text/* printable */.g$)((0,errors/* messageOf */.bD)(err).split('\n')[0], 120);
        throw new errors/* InputError */.dz(`lock file ${name} line ${line} is not JSON (${why}): fix it, or delete it and run once without locked to write it again`);
    }
    if (!isObject(doc) || !Array.isArray(doc.images)) {
        throw new errors/* InputError */.dz(`lock file ${name} is not a lock: expected {"version":${LOCK_VERSION},"images":[…]}, as oci-copy writes it`);
    }
    if (doc.version !== LOCK_VERSION) {
        throw new errors/* InputError */.dz(`lock file ${name} has version ${(0,oci_text/* printable */.g$)(JSON.stringify(doc.version) ?? 'none', 40)}: this oci-copy reads version ${LOCK_VERSION}; write it again with this oci-copy`);
    }
    const lines = entryLines(text);
    const seen = new Map();
    const entries = doc.images.map((raw, i) => {
        const line = lines[i] ?? 1;
        const at = `lock file ${name} line ${line} (entry ${i + 1})`;
        if (!isObject(raw))
            throw new errors/* InputError */.dz(`${at} is not an object: each entry is {"source":…,"destination":…,"digest":…}`);
        for (const field of ['source', 'destination', 'digest']) {
            if (raw[field] === undefined)
                throw new errors/* InputError */.dz(`${at} has no "${field}": each entry needs source, destination and digest`);
            if (typeof raw[field] !== 'string' || !raw[field])
                throw new errors/* InputError */.dz(`${at}: "${field}" is not a non-empty string`);
        }
        const unknown = Object.keys(raw).find((k) => !FIELDS.includes(k));
        if (unknown !== undefined)
            throw new errors/* InputError */.dz(`${at} has an unknown field ${(0,oci_text/* quoted */.TL)(unknown, 40)}: an entry has source, destination, digest and sourceDigest`);
        for (const field of ['digest', 'sourceDigest']) {
            const value = raw[field];
            if (value === undefined)
                continue;
            if (typeof value !== 'string' || !SHA256.test(value)) {
                throw new errors/* InputError */.dz(`${at}: "${field}" is ${(0,oci_text/* quoted */.TL)(value, 200)}, not sha256:<64 lower-case hex digits>: a lock names each image by its sha256 digest, as registries do`);
            }
        }
        const entry = {
            source: raw.source,
            destination: raw.destination,
            digest: raw.digest,
            ...(raw.sourceDigest ? { sourceDigest: raw.sourceDigest } : {}),
        };
        const key = `${entry.source}\u0000${entry.destination}`;
        const twice = seen.get(key);
        if (twice !== undefined)
            throw new errors/* InputError */.dz(`${at} repeats entry ${twice} (the same source and destination): keep one`);
        seen.set(key, i + 1);
        return {
            ...entry,
            line,
            sourceRef: reference(entry.source, `${at}: "source"`),
            destinationRef: reference(entry.destination, `${at}: "destination"`),
        };
    });
    return { file, entries };
}
function reference(value, what) {
    return (0,oci_reference/* parseReference */.F2)(value, what);
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * Where JSON's grammar first fails in `text` (whose parse failed): a scan of values, objects,
 * arrays, strings and literals that stops at the first character that cannot follow. The
 * parser's own message gives no position on every Node.js release.
 */
function syntaxErrorAt(text) {
    let i = 0;
    const fail = () => {
        throw i;
    };
    const space = () => {
        while (i < text.length && ' \t\r\n'.includes(text[i]))
            i++;
    };
    const string = () => {
        if (text[i] !== '"')
            fail();
        i++;
        while (i < text.length && text[i] !== '"') {
            if (text.charCodeAt(i) < 0x20)
                fail();
            i += text[i] === '\\' ? 2 : 1;
        }
        if (i >= text.length)
            fail();
        i++;
    };
    const value = () => {
        space();
        const c = text[i];
        if (c === '{' || c === '[') {
            const close = c === '{' ? '}' : ']';
            i++;
            space();
            if (text[i] === close)
                return void i++;
            for (;;) {
                if (c === '{') {
                    space();
                    string();
                    space();
                    if (text[i] !== ':')
                        fail();
                    i++;
                }
                value();
                space();
                if (text[i] === ',')
                    i++;
                else if (text[i] === close)
                    return void i++;
                else
                    fail();
            }
        }
        if (c === '"') {
            string();
            return;
        }
        const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(text.slice(i, i + 400));
        if (!literal)
            fail();
        i += literal[0].length;
    };
    try {
        value();
        space();
        return i;
    }
    catch (at) {
        return typeof at === 'number' ? at : 0;
    }
}
/** 1-based line of the character at `offset`. */
function lineAt(text, offset) {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++)
        if (text.charCodeAt(i) === 10)
            line++;
    return line;
}
/**
 * The line each element of the top-level `images` array starts on, in order: the text scanned
 * once (strings and their escapes skipped), so a message names the line a reader finds the entry on
 * whatever way the file was laid out.
 */
function entryLines(text) {
    const out = [];
    let line = 1;
    let depth = 0;
    /** At depth 1, the last key read; the array opened under `images` is depth 2. */
    let key;
    let inImages = false;
    let expectValue = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\n')
            line++;
        else if (c === '"') {
            let j = i + 1;
            while (j < text.length && text[j] !== '"')
                j += text[j] === '\\' ? 2 : 1;
            const s = text.slice(i + 1, j);
            if (inImages && depth === 2 && expectValue) {
                out.push(line);
                expectValue = false;
            }
            if (depth === 1)
                key = s;
            for (const ch of s)
                if (ch === '\n')
                    line++;
            i = j;
        }
        else if (c === '{' || c === '[') {
            if (inImages && depth === 2 && expectValue) {
                out.push(line);
                expectValue = false;
            }
            depth++;
            if (depth === 2 && c === '[' && key === 'images') {
                inImages = true;
                expectValue = true;
            }
        }
        else if (c === '}' || c === ']') {
            depth--;
            if (depth === 1)
                inImages = false;
        }
        else if (c === ',' && inImages && depth === 2)
            expectValue = true;
        else if (inImages && depth === 2 && expectValue && !/\s/.test(c)) {
            // A number, true, false or null standing as an entry.
            out.push(line);
            expectValue = false;
        }
    }
    return out;
}
/**
 * Reads and parses the lock at `path` (`file`: how messages name it). A file that does not exist
 * or cannot be read is one line naming it.
 */
async function readLock(path, file = path) {
    let text;
    try {
        const bytes = await (0,promises_.readFile)(path);
        if (bytes.length > MAX_LOCK_BYTES)
            throw Object.assign(new Error(`larger than ${MAX_LOCK_BYTES} bytes`), { code: 'too large' });
        text = bytes.toString('utf8');
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT'
            ? 'does not exist: run once without locked to write it'
            : code === 'EISDIR'
                ? 'is a directory: give the lock file'
                : `cannot be read (${(0,oci_text/* printable */.g$)((0,errors/* messageOf */.bD)(err), 200)})`;
        throw new errors/* InputError */.dz(`lock file ${(0,oci_text/* printable */.g$)(file)} ${why}`);
    }
    return parseLock(text, file);
}
/** The text at `path`, or undefined when there is none (or it cannot be read). */
async function readLockText(path) {
    return (0,promises_.readFile)(path, 'utf8').catch(() => undefined);
}
/**
 * Writes the lock at `path` whole or not at all: to a file beside it, then renamed over it, so a
 * reader (or a job cancelled halfway) never sees half a lock. Its folder is made when missing.
 */
async function writeLock(path, entries) {
    const text = formatLock(entries);
    const temp = `${path}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.tmp`;
    try {
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
        await (0,promises_.writeFile)(temp, text);
        await (0,promises_.rename)(temp, path);
    }
    catch (err) {
        await (0,promises_.rm)(temp, { force: true }).catch(() => undefined);
        throw err;
    }
    return text;
}

;// CONCATENATED MODULE: ./lib/src/lock/match.js

/**
 * A lock's entries found by the items of a plan. An entry is written with the references an
 * image got (`registry/app:1.2`, the destination with its tags or `@digest`); an item is planned
 * with the references its entry gives (a destination without tags takes the source's, a registry
 * source without a tag is `latest`). Both are compared as what they mean, not as text.
 */
class LockIndex {
    lock;
    byRepositories = new Map();
    constructor(lock) {
        this.lock = lock;
        for (const e of lock.entries) {
            const key = pairKey(e.sourceRef, e.destinationRef);
            const list = this.byRepositories.get(key);
            if (list)
                list.push(e);
            else
                this.byRepositories.set(key, [e]);
        }
    }
    /**
     * The tags the lock holds for a source repository (`registry/app`), in the lock's order, each
     * once: a whole repository's tags as they were when the lock was written.
     */
    tagsOf(repository) {
        const key = bare(repository);
        const tags = new Set();
        for (const e of this.lock.entries)
            if (bare(e.sourceRef) === key)
                for (const t of e.sourceRef.tags)
                    tags.add(t);
        return [...tags];
    }
    /** The entry that locks `item`, or undefined when the lock does not know it. */
    find(item) {
        const candidates = this.byRepositories.get(pairKey(item.source, item.destination)) ?? [];
        return candidates.find((e) => matches(e, item));
    }
}
/** Source and destination, each without its tags and digest. */
function pairKey(source, destination) {
    return `${bare(source)}\u0000${bare(destination)}`;
}
function bare(ref) {
    return (0,oci_reference/* formatReference */.FH)({ ...ref, tags: [], digest: undefined });
}
function matches(e, item) {
    const src = item.source;
    const dst = item.destination;
    const es = e.sourceRef;
    const ed = e.destinationRef;
    // The source: the same digest, the same tags, or (named by neither) the one tag it was read by.
    if (src.digest) {
        if (es.digest !== src.digest)
            return false;
    }
    else if (src.tags.length) {
        if (!sameTags(es.tags, src.tags))
            return false;
    }
    else if (src.transport === 'registry' ? !sameTags(es.tags, ['latest']) : es.tags.length > 1)
        return false;
    // The destination: its own tags or digest, else what it took from the source.
    if (dst.tags.length)
        return sameTags(ed.tags, dst.tags);
    if (dst.digest)
        return ed.digest === dst.digest;
    return es.tags.length ? sameTags(ed.tags, es.tags) : !ed.tags.length && ed.digest === e.digest;
}
function sameTags(a, b) {
    return a.length === b.length && a.every((t, i) => t === b[i]);
}

;// CONCATENATED MODULE: ./lib/src/copy/selector.js



/**
 * What a source reference without tag or digest means: a registry's `latest`, as docker and skopeo
 * read it; a layout's or archive's one tag, when it has exactly one. The destination then takes it.
 */
async function defaultSelector(src, ref) {
    if (ref.tags.length || ref.digest || ref.image)
        return ref;
    if ((0,targets_target/* isLocated */.B0)(src))
        return { tags: ['latest'] };
    if ((0,targets_target/* isTagLister */.IP)(src)) {
        const tags = (await src.tags()).filter((t) => !(0,referrer_kinds/* isAttachmentTag */.uE)(t));
        if (tags.length === 1)
            return { tags };
    }
    return ref;
}
/** What names the root in a source: its digest, else a docker archive's image, else its first tag. */
function selector_rootSelector(ref) {
    return ref.digest ?? ref.image ?? ref.tags[0];
}
/** What a destination gets: its own tags, else the source's, else the root's digest. */
function destinationReferences(srcRef, dstRef, root) {
    if (dstRef.tags.length)
        return dstRef.tags;
    if (srcRef.tags.length)
        return srcRef.tags;
    return [root.digest];
}
/** A destination named by digest takes only that digest: anything else is refused before any byte moves. */
function checkDestinationDigest(ref, resolved) {
    const { source, root } = resolved;
    if (ref.digest && ref.digest !== root.digest) {
        const what = root.digest === source.digest
            ? `the source's ${root.digest}`
            : `${root.digest}, what the platforms asked for make of the source's ${source.digest}`;
        throw new errors/* InputError */.dz(`destination digest ${ref.digest} does not match ${what}: drop the digest from the destination or fix it`);
    }
}

;// CONCATENATED MODULE: ./lib/src/copy/pin.js


/**
 * A source asked for a digest answers that digest or nothing: whatever a target's header, index
 * entry or cache said, a root that names other content is refused here, before anything is
 * copied or compared. `where` names the target (`[registry] host/repo`).
 */
function pin_refuseSwappedRoot(selector, found, where) {
    if (selector === undefined || !(0,oci_digest/* isDigest */.Bc)(selector) || found.digest === selector)
        return found;
    throw new errors/* DigestMismatchError */.h(`${where} answered ${found.digest} for ${selector}: refused, a digest pins the content it names; nothing was written`, selector, found.digest);
}

;// CONCATENATED MODULE: ./lib/src/job/pipeline/compare.js





/**
 * The source's root as cheaply as the source allows: a registry tag or digest by a HEAD (Docker
 * Hub counts no pull), a layout's or archive's index from the file. A digest is a pin: an answer
 * naming another digest is refused (see `refuseSwappedRoot`).
 */
async function peekSourceRoot(src, ref) {
    const selector = selector_rootSelector(ref);
    try {
        // A docker archive's image (`@N`, a name) is found by resolving, not as a tag.
        if (selector !== undefined && ref.image === undefined && (0,targets_target/* isLocated */.B0)(src) && (0,targets_target/* isTagReader */.ei)(src)) {
            const found = await src.readTag(selector);
            if (!found)
                throw new errors/* NotFoundError */.m_(`${src.description.replace(/^\[registry\] /, '')}${(0,oci_digest/* isDigest */.Bc)(selector) ? '@' : ':'}${selector} not found`);
            return pin_refuseSwappedRoot(selector, found, src.description);
        }
        const root = pin_refuseSwappedRoot(ref.digest, await src.resolve(selector), src.description);
        return { mediaType: root.mediaType, digest: root.digest, size: root.size };
    }
    catch (err) {
        if (err instanceof errors/* NotFoundError */.m_ || err instanceof errors/* CopyError */.k6)
            throw err;
        throw new errors/* CopyError */.k6('source', `resolving ${selector ?? 'the root'} in ${src.description}`, err);
    }
}
/**
 * What each of the destination's `references` (tags, or the root's digest) names now: a HEAD per
 * tag. A destination that cannot say what its tags name (a stream) names nothing.
 */
async function readDestination(dst, references, root, context) {
    const previous = new Map();
    try {
        for (const reference of references) {
            if ((0,oci_digest/* isDigest */.Bc)(reference)) {
                previous.set(reference, root && (await dst.exists(root)) ? root.digest : undefined);
            }
            else if ((0,targets_target/* isTagReader */.ei)(dst)) {
                previous.set(reference, (await dst.readTag(reference, context))?.digest);
            }
            else {
                previous.set(reference, undefined);
            }
        }
    }
    catch (err) {
        if (err instanceof errors/* CopyError */.k6)
            throw err;
        throw new errors/* CopyError */.k6('destination', `checking ${references.join(', ')} in ${dst.description}`, err);
    }
    return previous;
}
/** Unchanged when every reference already names `root`. */
function judgeDestination(root, previous) {
    const unchanged = previous.size > 0 && [...previous.values()].every((d) => d === root.digest);
    return unchanged ? { state: 'unchanged', root } : { state: 'differs', root, previous };
}
/** Compares what the destination's `references` name with `root` (see `readDestination`). */
async function compareDestination(dst, root, references) {
    return judgeDestination(root, await readDestination(dst, references, root));
}

;// CONCATENATED MODULE: ./lib/src/job/features/lock/drift-check.js




/** The name the drift check records under. */
const LOCK_CHECK = 'lock';
/**
 * Where the summary lists drift, its mark, and how it shows: the warning line says it in the log
 * and the summary; the record gives `drift: {locked, source}` in the image's JSON.
 */
const driftPresenter = {
    heading: 'Lock',
    mark: '🔒',
    logLines: () => [],
    summaryCells: () => ['drift: kept at the locked digest'],
    json: (d) => ({ key: 'drift', fields: { locked: d.locked, source: d.source ?? null } }),
};
/**
 * Drift, on every run of a locked image: one read of what its source tag names now (a HEAD on a
 * registry). The copy takes the locked digest whatever this finds; a tag that moved, or is gone,
 * is a warning naming both digests and the lock's entry. A source read by digest cannot drift.
 */
const driftCheck = {
    name: LOCK_CHECK,
    presenter: driftPresenter,
    everyRun: true,
    async run(ctx) {
        const locked = ctx.item.locked;
        const src = ctx.item.source;
        if (!locked || src.digest)
            return undefined;
        const pinned = locked.sourceDigest ?? locked.digest;
        const tags = src.tags.length ? src.tags : src.transport === 'registry' ? ['latest'] : [];
        if (!tags.length)
            return undefined;
        const reference = (0,oci_reference/* formatReference */.FH)({ ...src, tags: tags.slice(0, 1) });
        let now;
        try {
            now = (await peekSourceRoot(ctx.source, { tags: tags.slice(0, 1) })).digest;
        }
        catch (err) {
            if (!(err instanceof errors/* NotFoundError */.m_)) {
                ctx.warning(`drift not checked: ${reference} could not be read (${(0,oci_text/* printable */.g$)((0,errors/* messageOf */.bD)(err), 300)}); the locked ${pinned} is copied`);
                return undefined;
            }
        }
        if (now === pinned)
            return undefined;
        const lock = `line ${locked.line} of the lock ${locked.file} names ${pinned}`;
        ctx.warning(now
            ? `drift: ${reference} names ${now} now (${lock}): the locked digest is copied, not the tag's; run without locked to follow the tag`
            : `drift: ${reference} is gone from the source (${lock}): the locked digest is copied`);
        return { reference, locked: pinned, ...(now ? { source: now } : {}), file: locked.file, line: locked.line };
    },
};

;// CONCATENATED MODULE: ./lib/src/job/features/lock/lock-feature.js







/** How many images a line names before it counts the rest. */
const NAMED = 5;
/**
 * The lock file as a job feature. Writing (`lock-file`): once the targets are closed, every
 * image the job left in place (copied, unchanged, already there) is written with its digest,
 * sorted, atomically; each image left out is said with why; a dry run writes nothing and says
 * what it would. Locking (`locked`): the lock is read before planning, each planned image takes
 * the digest its entry names (one the lock does not know is refused with one line), the drift
 * check reports a source tag that moved, and the file is left as it was.
 */
class LockFeature {
    options;
    index;
    part;
    pinned = 0;
    check;
    path;
    file;
    constructor(options) {
        this.options = options;
        this.path = (0,external_node_path_.resolve)(options.settings.path);
        this.file = options.settings.name ?? (0,oci_text/* printable */.g$)(options.settings.path);
        this.check = options.settings.locked && !options.checking ? driftCheck : undefined;
    }
    async open() {
        if (this.options.settings.locked)
            this.index = new LockIndex(await readLock(this.path, this.file));
    }
    /**
     * A check against the lock reads nothing from the source: a whole repository's entry takes the
     * tags the lock holds for it (its filters still apply). A locked copy lists the source, so that a
     * tag added since is refused by name; so does a check of a repository the lock holds no tag of.
     */
    sourceTags(repository) {
        if (!this.index || !this.options.checking)
            return undefined;
        // None locked: the source is listed, and each tag it has is then refused by name.
        const tags = this.index.tagsOf(repository);
        return tags.length ? { tags, from: `the lock ${this.file}` } : undefined;
    }
    planned(plan) {
        const index = this.index;
        if (!index)
            return plan;
        const pinnedItems = new Map();
        const pin = (item) => {
            let out = pinnedItems.get(item);
            if (out)
                return out;
            const entry = item.failure ? undefined : index.find(item);
            out = item.failure
                ? item
                : entry
                    ? {
                        ...item,
                        locked: {
                            digest: entry.digest,
                            ...(entry.sourceDigest ? { sourceDigest: entry.sourceDigest } : {}),
                            file: this.file,
                            line: entry.line,
                        },
                    }
                    : {
                        ...item,
                        failure: `${this.file} has no entry for ${(0,oci_reference/* formatReference */.FH)(item.source)} => ${(0,oci_reference/* formatReference */.FH)(item.destination)}: ${this.options.checking
                            ? 'a locked check compares only the images the lock names; copy without locked to add it'
                            : 'with locked, only the images the lock names are copied; run without locked to add it'}`,
                    };
            pinnedItems.set(item, out);
            return out;
        };
        const items = plan.items.map(pin);
        this.pinned = items.filter((i) => i.locked).length;
        // Entries the plan no longer takes (a tag gone from the source's list, an entry dropped) are said, not copied.
        const used = new Set(items.map((i) => (i.locked ? `${i.locked.line}` : '')));
        const unused = index.lock.entries.filter((e) => !used.has(`${e.line}`));
        if (unused.length && !plan.shard) {
            const one = unused.length === 1;
            // A check reads the lock's tags, not the source's: only the list or its filters leave one out.
            const why = this.options.checking ? 'the list or its filters no longer select' : "the list or the source's tags no longer select";
            this.options.warn(`${this.file}: ${unused.length} locked ${one ? 'image is' : 'images are'} not in this job's plan and not ${this.options.checking ? 'checked' : 'copied'} (${named(unused.map((e) => `${e.source} => ${e.destination}`))}): ${why} ${one ? 'it' : 'them'}`);
        }
        return { ...plan, all: plan.all.map(pin), items };
    }
    async close(results) {
        if (this.options.checking && !this.options.settings.locked)
            return;
        this.part = this.options.settings.locked ? this.lockedOutcome(results) : await this.write(results);
        this.options.reporter.lockNote?.(this.part.line);
    }
    outcome() {
        return this.part ? { lock: this.part } : {};
    }
    lockedOutcome(results) {
        const drifted = results.filter((r) => r.checks[LOCK_CHECK]).length;
        const images = `${this.pinned} ${this.pinned === 1 ? 'image held to its locked digest' : 'images held to their locked digests'}`;
        const drift = drifted ? `, ${drifted} with drift (the source tag names another digest now, or is gone)` : '';
        const line = this.options.checking
            ? `${this.file}: ${this.pinned} ${this.pinned === 1 ? 'image' : 'images'} checked against ${this.pinned === 1 ? 'its locked digest' : 'their locked digests'}, the source not read; the file is left as it was`
            : `${this.options.dryRun ? 'Dry run: ' : ''}${this.file}: ${images}${drift}; the file is left as it was`;
        return { file: this.file, path: this.path, state: 'locked', images: this.pinned, leftOut: [], drifted, line };
    }
    async write(results) {
        const { dryRun, signal } = this.options;
        const before = await readLockText(this.path);
        // An immutable tag the destination has was not compared: its digest comes from the lock there, if it has it.
        const previous = before === undefined ? undefined : safeIndex(before, this.file);
        const entries = [];
        const leftOut = [];
        for (const r of results) {
            const kept = r.status === 'copied' || r.status === 'unchanged' || (dryRun && r.status === 'copy');
            if (kept && r.root) {
                entries.push({
                    source: r.source,
                    destination: r.destination,
                    digest: r.root.digest,
                    ...(r.chosenFrom ? { sourceDigest: r.chosenFrom.digest } : {}),
                });
                continue;
            }
            const known = kept ? previous?.find(r.item) : undefined;
            if (known) {
                entries.push({
                    source: known.source,
                    destination: known.destination,
                    digest: known.digest,
                    ...(known.sourceDigest ? { sourceDigest: known.sourceDigest } : {}),
                });
                continue;
            }
            leftOut.push({ source: r.source, destination: r.destination, why: whyLeftOut(r) });
        }
        const text = formatLock(entries);
        const images = sortedEntries(entries).length;
        const changed = before !== text;
        const base = { file: this.file, path: this.path, images, changed, leftOut };
        if (leftOut.length) {
            const list = named(leftOut.map((l) => `${l.destination} (${l.why})`));
            this.options.warn(`${this.file} ${dryRun ? 'would leave' : 'leaves'} out ${leftOut.length} ${leftOut.length === 1 ? 'image' : 'images'} the step did not leave in place: ${list}`);
        }
        const count = `${images} ${images === 1 ? 'image' : 'images'}`;
        if (dryRun) {
            const what = before === undefined ? 'a new file' : changed ? 'changed from the file there' : 'the same as the file there';
            return { ...base, state: 'would-write', line: `Dry run: would write ${this.file} (${count}, ${what}); nothing written` };
        }
        if (signal.aborted) {
            return { ...base, state: 'not-written', line: `${this.file} not written: the job was cancelled (it would have listed ${count})` };
        }
        try {
            await writeLock(this.path, entries);
        }
        catch (err) {
            const line = `${this.file} could not be written (${(0,oci_text/* printable */.g$)((0,errors/* messageOf */.bD)(err), 300)}): check that its folder exists and is writable`;
            this.options.warn(line);
            return { ...base, state: 'not-written', line };
        }
        const what = before === undefined ? 'new' : changed ? 'changed' : 'unchanged';
        return { ...base, state: 'written', line: `Wrote ${this.file}: ${count} (${what})` };
    }
}
/** Why an image is not in the lock, in a few words. */
function whyLeftOut(r) {
    if (r.status === 'failed')
        return r.refusedBy ? `refused by ${r.refusedBy}` : 'failed';
    if (r.status === 'skipped')
        return 'not attempted';
    if (r.status === 'deferred')
        return 'left for the next run';
    if (r.reason === 'immutable')
        return 'immutable tag not compared, and not in the lock there';
    return 'no digest';
}
/** The first few, then how many more. */
function named(list) {
    const shown = list.slice(0, NAMED).join(', ');
    return list.length > NAMED ? `${shown}, and ${list.length - NAMED} more` : shown;
}
/** The lock already there, when it reads as one: where an image not compared this time takes its digest from. */
function safeIndex(text, file) {
    try {
        return new LockIndex(parseLock(text, file));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./lib/src/job/features/job-features.js




/**
 * The features a job's settings ask for, built in one place, in the order their hooks run: the
 * lock pins the plan's items before the pull budget orders them (and is written once the targets
 * close), prune acts before the pull budget keeps what it left, and the cache saves last.
 */
function jobFeatures(job, cacheStore) {
    const { settings } = job;
    const work = settings.work;
    const cache = new BlobCacheRule(settings, cacheStore);
    const features = [];
    // The lock first: the items it pins (new objects) are the ones the pull budget then orders and admits.
    if (settings.lock) {
        features.push(new LockFeature({
            settings: settings.lock,
            dryRun: job.dryRun,
            checking: settings.integrity?.mode === 'check',
            signal: job.signal,
            warn: job.warn,
            reporter: job.reporter,
        }));
    }
    // A check of the destinations prunes nothing, not even in words.
    if (work.kind === 'sync' && work.entries.some((e) => e.prune) && settings.integrity?.mode !== 'check') {
        features.push(new PruneFeature({
            entries: work.entries,
            pool: job.pool,
            dryRun: job.dryRun,
            failFast: settings.failFast === true,
            concurrency: job.concurrency,
            signal: job.signal,
            warn: job.warn,
            reporter: job.reporter,
        }));
    }
    if (settings.minPullsLeft !== undefined) {
        features.push(new PullBudgetFeature({
            minPullsLeft: settings.minPullsLeft,
            rateLimitOf: (registry) => job.pool.connections.rateLimitOf(registry),
            // Only a sync resumes where the budget stopped.
            pending: () => (work.kind === 'sync' ? cache.pending() : undefined),
            dryRun: job.dryRun,
            reporter: job.reporter,
        }));
    }
    features.push(cache);
    return features;
}

// EXTERNAL MODULE: ./lib/src/job/in-place.js
var in_place = __webpack_require__(30301);
;// CONCATENATED MODULE: ./lib/src/copy/tagging.js




/** Why no-clobber refuses: every tag that would move, in one line (the check before any byte moves, and the read right before tagging). */
function tagsWouldMove(destination, conflicts, root) {
    if (conflicts.length === 1) {
        const [one] = conflicts;
        return `tag ${(0,oci_text/* printable */.g$)(one.tag)} in ${destination} already names ${(0,oci_text/* printable */.g$)(one.current)}, not ${root}: no-clobber leaves it as it is (remove the tag there, or copy without no-clobber to move it)`;
    }
    const tags = conflicts.map((c) => (0,oci_text/* printable */.g$)(c.tag)).join(', ');
    const named = conflicts.map((c) => `${(0,oci_text/* printable */.g$)(c.tag)}: ${(0,oci_text/* printable */.g$)(c.current)}`).join('; ');
    return `tags ${tags} in ${destination} already name other digests (${named}), not ${root}: no-clobber leaves them as they are (remove those tags there, or copy without no-clobber to move them)`;
}
/** Why no-clobber cannot work on a destination that cannot say what its tags name. */
function tagUnreadable(destination, tag) {
    return `${destination} cannot tell what tag ${(0,oci_text/* printable */.g$)(tag)} names, so no-clobber cannot keep it from moving: drop no-clobber for this destination`;
}
/**
 * Writes one destination's tags. Each tag is read first (a HEAD on a registry, the index of a
 * layout or archive), so a tag that moves is reported with the digest it named, one that already
 * names the node costs no write, and with `noClobber` one that names another digest is refused.
 * Registries have no compare-and-set for tags: the read comes right before the write, which
 * narrows the window another writer could slip into, but cannot close it.
 */
class Tagger {
    dst;
    options;
    constructor(dst, options = {}) {
        this.dst = dst;
        this.options = options;
    }
    /**
     * The digest `reference` names now, or undefined (no such tag, or a digest reference). Throws
     * when `noClobber` forbids moving it, or when the destination cannot say and `noClobber` asks.
     */
    async current(node, reference) {
        if ((0,oci_digest/* isDigest */.Bc)(reference))
            return undefined;
        const dst = this.dst;
        const read = this.options.tagsRead;
        if (!this.options.noClobber && read?.has(reference))
            return read.get(reference);
        if (!(0,targets_target/* isTagReader */.ei)(dst)) {
            if (!this.options.noClobber)
                return undefined;
            throw new errors/* OperationError */.OK(tagUnreadable(dst.description, reference));
        }
        let found;
        try {
            found = await dst.readTag(reference, this.options.context);
        }
        catch (err) {
            throw new errors/* CopyError */.k6('destination', `reading tag ${(0,oci_text/* printable */.g$)(reference)} in ${dst.description}`, err);
        }
        this.refuseMove(node, reference, found?.digest);
        return found?.digest;
    }
    refuseMove(node, reference, named) {
        if (named && named !== node.digest && this.options.noClobber) {
            throw new errors/* TagConflictError */.P1(tagsWouldMove(this.dst.description, [{ tag: reference, current: named }], node.digest), reference, named, node.digest);
        }
    }
    async tagAll(node, references) {
        for (const reference of references)
            await this.tag(node, reference);
    }
    /**
     * Points `reference` at `node` (already stored there). A digest reference stores it untagged: a
     * layout or archive lists it in its index, a registry needs nothing.
     */
    async tag(node, reference) {
        const dryRun = this.options.dryRun === true;
        if ((0,oci_digest/* isDigest */.Bc)(reference)) {
            if (!dryRun)
                await this.write(node, reference);
            this.options.onEvent?.({ type: 'stored', node, ...(dryRun ? { dryRun } : {}) });
            return;
        }
        const previous = await this.current(node, reference);
        if (previous !== node.digest && !dryRun)
            await this.write(node, reference);
        this.announce(node, reference, previous);
    }
    /** The event for a tag written another way (stored and tagged by one PUT). */
    announce(node, reference, previous) {
        const dryRun = this.options.dryRun === true;
        this.options.onEvent?.({ type: 'tagged', node, reference, ...(previous ? { previous } : {}), ...(dryRun ? { dryRun } : {}) });
    }
    async write(node, reference) {
        try {
            await this.dst.tag(node, reference, this.options.context);
        }
        catch (err) {
            throw new errors/* CopyError */.k6('destination', `tagging ${node.digest} as ${(0,oci_text/* printable */.g$)(reference)} in ${this.dst.description}`, err);
        }
    }
}

// EXTERNAL MODULE: ./lib/src/job/checks/check.js
var check = __webpack_require__(51534);
;// CONCATENATED MODULE: ./lib/src/job/checks/no-clobber.js




/** The name no-clobber records and refuses under. */
const NO_CLOBBER_CHECK = 'no-clobber';
/**
 * `noClobber`: a destination tag that names another digest is never moved. Every tag of the
 * destination is judged from the read that compared it (no request of its own), and the refusal
 * names all of them at once, so one fix serves the next run. The engine reads each tag again
 * right before writing it, for a writer that slipped in meanwhile.
 */
const noClobberCheck = {
    name: NO_CLOBBER_CHECK,
    async run(ctx) {
        if (!ctx.options.noClobber)
            return;
        const tags = ctx.references.filter((r) => !(0,oci_digest/* isDigest */.Bc)(r));
        const dst = ctx.destination;
        if (!tags.length)
            return;
        if (!(0,targets_target/* isTagReader */.ei)(dst))
            throw new check/* CheckRefusal */.R8(tagUnreadable(dst.description, tags[0]), NO_CLOBBER_CHECK);
        const root = ctx.resolved.root.digest;
        const conflicts = tags.flatMap((tag) => {
            const named = ctx.current.get(tag);
            return named && named !== root ? [{ tag, current: named }] : [];
        });
        if (conflicts.length)
            throw new check/* CheckRefusal */.R8(tagsWouldMove(dst.description, conflicts, root), NO_CLOBBER_CHECK, { conflicts });
    },
};

// EXTERNAL MODULE: ./lib/src/copy/options.js
var copy_options = __webpack_require__(84088);
// EXTERNAL MODULE: ./lib/src/runtime/interrupt.js
var interrupt = __webpack_require__(5378);
// EXTERNAL MODULE: ./lib/src/targets/registry/network/request-rate.js
var request_rate = __webpack_require__(61954);
// EXTERNAL MODULE: ./lib/src/targets/registry/network/tls.js
var tls = __webpack_require__(93463);
;// CONCATENATED MODULE: ./lib/src/job/network.js

/** How the settings are named when the caller gives no voice: by their own names. */
const PLAIN = { input: (name) => name, setting: (name, value) => `${name}: ${value}` };
/**
 * The trust settings a job asks for: the CA file read and checked once, before any connection,
 * and a warning line when verification is off, since nothing else would say so.
 */
async function loadNetwork(trust, voice = PLAIN, warn = () => { }) {
    const ca = trust.caFile ? await (0,tls/* readCaFile */.R)(trust.caFile, voice.input('ca-file')) : undefined;
    const tlsVerify = trust.tlsVerify !== false;
    if (!tlsVerify) {
        warn(`TLS verification is off (${voice.setting('tls-verify', 'false')}): no registry's certificate is checked, so anyone between here and a registry can read and change what is copied`);
    }
    return { ...(ca ? { ca } : {}), tlsVerify };
}

;// CONCATENATED MODULE: ./lib/src/targets/open-target.js

/**
 * The target a source reference names: a registry repository, an OCI layout or an OCI archive.
 * The file targets (and their tar reader and writer) load when a file is named: a copy between
 * registries starts without them.
 */
async function openSource(ref, options = {}) {
    if (ref.transport !== 'registry')
        return (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(198), __webpack_require__.e(366)]).then(__webpack_require__.bind(__webpack_require__, 44366))).openFileTarget(ref, 'source', options.streams);
    return openRegistry(ref, options);
}
/** The target a destination reference names; layouts and archives are created when missing. */
async function openDestination(ref, options = {}) {
    if (ref.transport !== 'registry' && options.dryRun)
        return (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(198), __webpack_require__.e(366), __webpack_require__.e(610)]).then(__webpack_require__.bind(__webpack_require__, 71610))).openDryRunFileDestination(ref);
    if (ref.transport !== 'registry')
        return (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(198), __webpack_require__.e(366)]).then(__webpack_require__.bind(__webpack_require__, 44366))).openFileTarget(ref, 'destination', options.streams);
    return openRegistry(ref, options);
}
function openRegistry(ref, options) {
    const clientOptions = registryClientOptions(ref, options);
    const client = options.connections
        ? options.connections.pool.client(ref.registry, options.connections.side, clientOptions)
        : new registry/* RegistryClient */.bP(ref.registry, clientOptions);
    return new registry/* RegistryRepository */.S9(client, ref.repository);
}
function registryClientOptions(ref, options) {
    return {
        username: options.credentials?.username,
        password: options.credentials?.password,
        givenFrom: options.credentials?.from,
        plainHttp: options.plainHttp,
        onSecret: options.onSecret,
        env: options.env,
        timeouts: (0,registry/* timeoutsFromEnv */.I5)(options.env ?? process.env),
        network: options.network,
        observer: options.onHttp,
        voice: options.voice,
        ...(options.requestRate ? { requestRate: options.requestRate } : {}),
        ...(options.fallbackCredentials?.registry === ref.registry
            ? {
                fallback: { username: options.fallbackCredentials.username, password: options.fallbackCredentials.password },
                fallbackFrom: options.fallbackCredentials.from,
            }
            : {}),
    };
}

;// CONCATENATED MODULE: ./lib/src/job/target-pool.js




/**
 * The targets of one run, each opened once: a repository or file named by several items is one
 * target (one layout writer, one archive being written), and every registry repository shares its
 * host's connections and tokens. `close` ends them all: a target ends in success when some item
 * it served succeeded, so a failed item never commits, and a good one never loses, what it wrote.
 */
class TargetPool {
    sourceOptions;
    destinationOptions;
    connections = new registry/* RegistryConnections */.DE();
    sources = new Map();
    destinations = new Map();
    places = new Map();
    opened = [];
    succeeded = new Set();
    constructor(sourceOptions, destinationOptions) {
        this.sourceOptions = sourceOptions;
        this.destinationOptions = destinationOptions;
    }
    source(ref) {
        return this.open(this.sources, ref, () => openSource(ref, { ...this.sourceOptions, connections: { pool: this.connections, side: 'source' } }));
    }
    destination(ref) {
        return this.open(this.destinations, ref, () => openDestination(ref, { ...this.destinationOptions, connections: { pool: this.connections, side: 'destination' } }));
    }
    /**
     * A place an image is acted on where it is (verified, signed): read and written through one
     * target, opened with the source's settings (its credentials). A layout must exist: it is never
     * created; a dry run writes nothing to it (its stages do not write). A registry repository or a
     * layout only: an archive is refused before a job starts (`checkInPlace`).
     */
    inPlace(ref) {
        return this.open(this.places, ref, async () => {
            if (ref.transport === 'registry')
                return openDestination(ref, { ...this.sourceOptions, connections: { pool: this.connections, side: 'source' } });
            if (ref.transport !== 'oci')
                throw new errors/* InputError */.dz(`${(0,oci_reference/* formatReference */.FH)(ref)} is an archive: an image is verified or signed in place in a registry or an oci: layout`);
            return (await __webpack_require__.e(/* import() */ 198).then(__webpack_require__.bind(__webpack_require__, 2198))).openLayout(ref.path, { create: false });
        });
    }
    /** Marks a target as having served a successful item. */
    served(target) {
        this.succeeded.add(target);
    }
    /** What registries said of their pull limits. */
    rateLimits() {
        return this.connections.rateLimits();
    }
    /**
     * Closes every target, then the connections. A target that served a successful item commits
     * (unless `outcome` is `failure`: an interrupt, where everything half written goes); the first
     * failure to close one that should commit (an archive that cannot be finished) is thrown once
     * everything is closed.
     */
    async close(outcome) {
        const targets = this.opened.splice(0);
        const closing = targets.map((t) => t.close(outcome ?? (this.succeeded.has(t) ? 'success' : 'failure')));
        const settled = await Promise.allSettled(closing);
        await this.connections.close();
        const failed = outcome ? undefined : settled.find((r, i) => r.status === 'rejected' && this.succeeded.has(targets[i]));
        if (failed)
            throw failed.reason;
    }
    open(cache, ref, make) {
        const key = target_pool_placeOf(ref);
        let opening = cache.get(key);
        if (!opening) {
            opening = make();
            cache.set(key, opening);
            opening.then((t) => this.opened.push(t), () => cache.delete(key));
        }
        return opening;
    }
}
/** What a reference names as a place, tags and digest aside. */
function target_pool_placeOf(ref) {
    return (0,oci_reference/* formatReference */.FH)({ ...ref, tags: [], digest: undefined });
}

;// CONCATENATED MODULE: ./lib/src/job/open-job.js






/**
 * Opens a job: trust loaded once for both sides, one pool (one request schedule, one set of
 * connections per registry), the caller's signal and interrupts wired to one abort. An interrupt
 * removes what is half written: every target closes as failed.
 */
async function openJob(settings, reporter) {
    const startedAt = Date.now();
    const warnings = [];
    const warn = (line) => {
        warnings.push(line);
        reporter.warning?.(line);
    };
    // Trust given as settings is loaded once for both sides; without it, each side's own stands.
    const network = settings.trust ? { network: await loadNetwork(settings.trust, settings.voice, warn) } : {};
    // A check writes nothing: every side is opened as a dry run opens it.
    const dryRun = settings.dryRun === true || settings.integrity?.mode === 'check';
    const voice = settings.voice ? { voice: settings.voice } : {};
    // One request schedule for the whole job: both sides' requests to a host count together.
    const rate = settings.requestsPerSecond !== undefined ? { requestRate: new request_rate/* RequestRate */.g(settings.requestsPerSecond) } : {};
    const pool = new TargetPool({ ...voice, ...settings.source, ...network, ...rate }, { ...voice, ...settings.destination, ...network, ...rate, dryRun });
    const controller = new AbortController();
    const onAbort = () => controller.abort(settings.signal?.reason);
    if (settings.signal?.aborted)
        onAbort();
    else
        settings.signal?.addEventListener('abort', onAbort, { once: true });
    const dropCleanup = (0,interrupt/* onInterrupt */.nA)(() => {
        controller.abort(new errors/* CancelledError */.cc('interrupted'));
        return pool.close('failure');
    });
    let closed = false;
    return {
        settings,
        reporter,
        startedAt,
        dryRun,
        concurrency: settings.concurrency ?? copy_options/* DEFAULT_CONCURRENCY */.WH,
        pool,
        signal: controller.signal,
        warnings,
        warn,
        closeTargets() {
            closed = true;
            return pool.close();
        },
        async release() {
            dropCleanup();
            settings.signal?.removeEventListener('abort', onAbort);
            if (!closed)
                await pool.close().catch(() => undefined);
        },
    };
}

// EXTERNAL MODULE: ./lib/src/job/outcome/outcome.js
var outcome = __webpack_require__(62677);
;// CONCATENATED MODULE: ./lib/src/copy/platforms.js






/**
 * buildx stores provenance and SBOMs as index entries of platform `unknown/unknown` that name the
 * platform manifest they describe; they go wherever that manifest goes.
 */
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
const isAttestationEntry = (d) => d.annotations?.[REFERENCE_TYPE] === 'attestation-manifest';
/**
 * The root to copy for the platforms asked. None: the source's root as it is. One: that
 * platform's manifest of an index, or a single-platform image checked against its config. Several:
 * a new index holding only their manifests (and the attestations of those), with every other field
 * of the source's index kept, so its digest differs from the source's; when they are all the
 * index has, the source's index itself. A platform the source does not have is an error naming
 * what it has. `where` names the source in messages.
 */
async function choosePlatforms(source, asked, read, where) {
    const wanted = distinct(asked);
    if ((0,media_types/* isIndex */.nw)(source.mediaType)) {
        const bytes = await read.manifest(source);
        const index = (0,oci_manifest/* parseIndex */.A1)(bytes, `index ${source.digest}`);
        if (!wanted.length)
            return { root: source, platforms: platformManifests(index.manifests) };
        return chooseFromIndex(source, bytes, index, wanted, where);
    }
    if (!wanted.length)
        return { root: source };
    const platform = (0,media_types/* isImageManifest */.pJ)(source.mediaType) ? await imagePlatform(source, read) : undefined;
    if (!platform) {
        throw new errors/* NotFoundError */.m_(`${platforms_platformList(wanted)} asked for, but ${where} names no platform: it is not an image whose config gives os and architecture; copy it without a platform`);
    }
    const missing = wanted.filter((w) => !(0,oci_platform/* platformMatches */.J5)(w, platform));
    if (missing.length) {
        throw new errors/* NotFoundError */.m_(`${platforms_platformList(missing)} ${missing.length > 1 ? 'are' : 'is'} not in ${where}: it is a single-platform image for ${(0,oci_text/* printable */.g$)((0,oci_platform/* formatPlatform */.Bq)(platform))}`);
    }
    return { root: source, platforms: [{ platform, mediaType: source.mediaType, digest: source.digest, size: source.size }] };
}
function chooseFromIndex(source, bytes, index, wanted, where) {
    const images = index.manifests.filter((d) => !isAttestationEntry(d));
    const chosen = [];
    const missing = [];
    for (const w of wanted) {
        const match = images.find((m) => (0,oci_platform/* platformMatches */.J5)(w, m.platform));
        if (!match)
            missing.push(w);
        else if (!chosen.includes(match))
            chosen.push(match);
    }
    if (missing.length) {
        const offered = images.map((m) => (m.platform ? (0,oci_text/* printable */.g$)((0,oci_platform/* formatPlatform */.Bq)(m.platform)) : 'unknown')).join(', ');
        throw new errors/* NotFoundError */.m_(`${platforms_platformList(missing)} ${missing.length > 1 ? 'are' : 'is'} not in ${where}: it has ${offered || 'no platforms'}`);
    }
    if (wanted.length === 1) {
        const [m] = chosen;
        return { root: { mediaType: m.mediaType, digest: m.digest, size: m.size }, platforms: platformManifests(chosen) };
    }
    const kept = new Set(chosen.map((m) => m.digest));
    const manifests = index.manifests.filter((d) => kept.has(d.digest) || (isAttestationEntry(d) && kept.has(d.annotations?.[REFERENCE_DIGEST] ?? '')));
    if (manifests.length === index.manifests.length)
        return { root: source, platforms: platformManifests(chosen) };
    // Every field of the source's index stays (its annotations above all); only the list shrinks.
    const doc = (0,oci_manifest/* parseJson */.qF)(bytes, `index ${source.digest}`);
    const content = Buffer.from(JSON.stringify({ ...doc, mediaType: source.mediaType, manifests }));
    return {
        root: { mediaType: source.mediaType, digest: (0,oci_digest/* digestOf */.ol)(content), size: content.length },
        content,
        platforms: platformManifests(manifests),
    };
}
/** The platform of a single-platform image, from its config's `os`, `architecture` and `variant`. */
async function imagePlatform(desc, read) {
    const manifest = (0,oci_manifest/* parseImageManifest */.Sw)(await read.manifest(desc), `manifest ${desc.digest}`);
    const config = (0,oci_manifest/* parseJson */.qF)(await read.config(manifest.config), `config ${manifest.config.digest}`);
    const { os, architecture, variant } = config ?? {};
    if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture)
        return undefined;
    return typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
}
/** The entries of an index that are images for a platform. */
function platformManifests(entries) {
    return entries
        .filter((d) => d.platform && !isAttestationEntry(d))
        .map((d) => ({ platform: d.platform, mediaType: d.mediaType, digest: d.digest, size: d.size }));
}
function distinct(platforms) {
    const seen = new Set();
    return platforms.filter((p) => {
        const key = (0,oci_platform/* formatPlatform */.Bq)(p).toLowerCase();
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
function platforms_platformList(platforms) {
    const names = platforms.map((p) => (0,oci_text/* printable */.g$)((0,oci_platform/* formatPlatform */.Bq)(p))).join(', ');
    return platforms.length > 1 ? `platforms ${names}` : `platform ${names}`;
}

// EXTERNAL MODULE: ./lib/src/copy/read-manifest.js
var read_manifest = __webpack_require__(91208);
;// CONCATENATED MODULE: ./lib/src/copy/resolve-root.js









/** Above this an image config is not read to learn its platform: configs are a few kilobytes. */
const MAX_CONFIG_BYTES = media_types/* MAX_MANIFEST_BYTES */.ZJ;
/**
 * The node to copy: what the reference names, or what the platforms asked for choose from it (see
 * `choosePlatforms`). A new index made for a list of platforms joins the manifest cache, so copies
 * to further destinations that name it by digest find it there, not in the source.
 */
async function resolveRoot(src, srcRef, copier, options) {
    const source = await resolveSource(src, srcRef, options.manifestCache);
    return chooseRoot(src, srcRef, source, platformList(options.platform), copier, options.manifestCache);
}
/**
 * What the platforms asked for make of `source` (see `choosePlatforms`), reading manifests through
 * `reader`; a new index made for several joins `manifestCache`.
 */
async function chooseRoot(src, srcRef, source, wanted, reader, manifestCache) {
    const where = `${src.description} (${(0,oci_text/* printable */.g$)(selector_rootSelector(srcRef) ?? 'its only image')})`;
    const choice = await choosePlatforms(source, wanted, { manifest: (desc) => reader.manifest(desc), config: (desc) => readConfig(src, desc) }, where);
    if (choice.content)
        manifestCache?.set(choice.root.digest, choice.content);
    return { source, root: choice.root, ...(choice.platforms ? { platforms: choice.platforms } : {}) };
}
/**
 * What the source reference names, by the source's own resolve: a registry's one GET of the tag,
 * whose bytes the walk then reads from memory (no HEAD first). A digest whose verified bytes
 * `manifestCache` holds needs no request. A digest is a pin (see `refuseSwappedRoot`).
 */
async function resolveSource(src, srcRef, manifestCache) {
    const selector = rootSelector(srcRef);
    let source = srcRef.digest ? keptManifest(manifestCache, srcRef.digest) : undefined;
    try {
        source ??= await src.resolve(selector);
    }
    catch (err) {
        if (err instanceof NotFoundError)
            throw err;
        throw new CopyError('source', `resolving ${printable(selector ?? 'the root')} in ${src.description}`, err);
    }
    refuseSwappedRoot(srcRef.digest, source, src.description);
    return {
        mediaType: source.mediaType,
        digest: source.digest,
        size: source.size,
        ...(source.artifactType ? { artifactType: source.artifactType } : {}),
    };
}
/** A manifest whose verified bytes the cache holds needs no request; its media type is its own field. */
function keptManifest(cache, digest) {
    const bytes = cache?.get(digest);
    if (!bytes)
        return undefined;
    let mediaType;
    try {
        mediaType = parseJson(bytes, `manifest ${digest}`)?.mediaType;
    }
    catch {
        return undefined;
    }
    return typeof mediaType === 'string' && isManifest(mediaType) ? { mediaType, digest, size: bytes.length } : undefined;
}
/** An image config's verified bytes, read from the source (a few kilobytes at most). */
async function readConfig(src, desc) {
    const what = `fetching config ${desc.digest} from ${src.description}`;
    try {
        return await (0,read_manifest/* readManifest */.W)(await src.fetch(desc), desc, MAX_CONFIG_BYTES, 'config');
    }
    catch (err) {
        throw err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6('source', what, err);
    }
}

// EXTERNAL MODULE: ./lib/src/oci/image-name.js
var image_name = __webpack_require__(365);
;// CONCATENATED MODULE: ./lib/src/copy/tag-context.js



/**
 * What a destination is told beside each tag: the source's full repository (a registry's own, or
 * the name a layout or archive gave the image) and the platform asked for first.
 */
async function tagContext(src, srcRef, platform) {
    const [first] = (0,oci_platform/* platformList */._P)(platform);
    const repository = await sourceRepository(src, srcRef);
    return { ...(repository ? { repository } : {}), ...(first ? { platform: first } : {}) };
}
async function sourceRepository(src, srcRef) {
    if ((0,targets_target/* isLocated */.B0)(src))
        return `${src.location.registry}/${src.location.repository}`;
    let name = srcRef.image?.startsWith('@') ? undefined : srcRef.image;
    if (!name) {
        // A file source resolves locally: asking again costs nothing and keeps resolveRoot's contract.
        const entry = await src.resolve(srcRef.digest ?? srcRef.image ?? srcRef.tags[0]).catch(() => undefined);
        name = entry && (0,image_name/* imageNameOf */.mi)(entry);
    }
    const full = name && (0,image_name/* normalizeImageName */.Y2)(name);
    return full ? (0,image_name/* repositoryOfImageName */.W7)(full) : undefined;
}

;// CONCATENATED MODULE: ./lib/src/job/pipeline/resolve.js









/**
 * Every source image of a job resolved once, however many destinations (or entries) take it: its
 * root by the cheapest read the source has (a HEAD), the root the platforms asked for choose from
 * it, and what destinations are told beside each tag. Manifests read on the way are kept per
 * source, verified, so the copies that follow fetch none of them again.
 */
class SourceRoots {
    slots;
    signal;
    readRoot;
    peeks = new Map();
    roots = new Map();
    contexts = new Map();
    manifests = new Map();
    constructor(
    /** The job's transfer slots: a manifest read takes one, as the copies' reads do. */
    slots, signal, 
    /** How the source's root is first read: a HEAD where the source has one (see `peekSourceRoot`). */
    readRoot = peekSourceRoot) {
        this.slots = slots;
        this.signal = signal;
        this.readRoot = readRoot;
    }
    /** The verified manifests read from `src` so far, by digest: shared with every copy from it. */
    manifestCache(src) {
        let cache = this.manifests.get(src);
        if (!cache)
            this.manifests.set(src, (cache = new Map()));
        return cache;
    }
    /** Manifests a caller already holds for `src` (verified, by digest): read from and added to. */
    shareManifests(src, cache) {
        this.manifests.set(src, cache);
    }
    /** The root `srcRef` names in `src`, and what `platform` makes of it. */
    resolve(src, srcRef, platform) {
        const key = `${this.keyOf(src, srcRef)}\u0000${platformKey(platform)}`;
        let resolved = this.roots.get(key);
        if (!resolved) {
            resolved = this.choose(src, srcRef, platform);
            resolved.catch(() => undefined);
            this.roots.set(key, resolved);
        }
        return resolved;
    }
    /** What a destination is told beside each tag of this image (its repository, the platform asked first). */
    context(src, srcRef, platform) {
        const key = `${this.keyOf(src, srcRef)}\u0000${platformKey(platform)}`;
        let context = this.contexts.get(key);
        if (!context) {
            context = tagContext(src, srcRef, platform);
            context.catch(() => undefined);
            this.contexts.set(key, context);
        }
        return context;
    }
    async choose(src, srcRef, platform) {
        let peek = this.peeks.get(this.keyOf(src, srcRef));
        if (!peek)
            this.peeks.set(this.keyOf(src, srcRef), (peek = this.readRoot(src, srcRef, this.manifestCache(src))));
        let source = await peek;
        // A tag read cheaply may name what is no manifest (a login page): the source's own resolve,
        // which keeps what that read fetched, refuses it in its words. Never copied as a blob and tagged.
        if (!(0,media_types/* isManifest */.Yh)(source.mediaType))
            source = await src.resolve(source.digest);
        if (!(0,media_types/* isManifest */.Yh)(source.mediaType))
            throw new errors/* ContentError */.yg(`${src.description} names ${(0,oci_text/* printable */.g$)(source.mediaType, 100)} by ${(0,oci_text/* printable */.g$)(selector_rootSelector(srcRef) ?? 'its only image')}, which is not a manifest media type`);
        const wanted = (0,oci_platform/* platformList */._P)(platform);
        // Without platforms the root is what the source names: nothing more to read until the copy.
        if (!wanted.length)
            return { source, root: source };
        const cache = this.manifestCache(src);
        return chooseRoot(src, srcRef, source, wanted, { manifest: (desc) => this.readManifest(src, desc, cache) }, cache);
    }
    async readManifest(src, desc, cache) {
        const kept = cache.get(desc.digest);
        if (kept)
            return kept;
        const content = await this.slots.run(async () => {
            try {
                return await (0,read_manifest/* readManifest */.W)(await src.fetch(desc, this.signal), desc);
            }
            catch (err) {
                throw err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6('source', `fetching manifest ${desc.digest} from ${src.description}`, err);
            }
        });
        cache.set(desc.digest, content);
        return content;
    }
    keyOf(src, srcRef) {
        return `${src.description}\u0000${selector_rootSelector(srcRef) ?? ''}`;
    }
}
function platformKey(platform) {
    return (0,oci_platform/* platformList */._P)(platform).map(oci_platform/* formatPlatform */.Bq).join(',');
}

;// CONCATENATED MODULE: ./lib/src/plan/immutable.js

/**
 * Release tags never move: an item whose destination tags all match its entry's `immutable-tags`
 * and all exist at the destination is marked unchanged, and the run reads neither side for it. Each
 * destination repository's tag list is read once (a mirror of 5,000 release tags costs one list
 * per side instead of 5,000 HEADs per side). A repository that does not exist yet has no tags; one
 * whose list is refused is compared as usual, and said so in `problems`.
 */
async function applyImmutableTags(items, entries, listDestinationTags, options = {}) {
    const patterns = new Map(entries.filter((e) => e.immutableTags?.length).map((e) => [e.number, e.immutableTags]));
    const destinationTags = new Map();
    const problems = [];
    if (!patterns.size)
        return { items, destinationTags, problems };
    const wanted = new Map();
    for (const item of items) {
        const dst = item.destination;
        if (!patterns.has(item.entry) || item.failure || dst.transport !== 'registry')
            continue;
        const key = repositoryKey(dst);
        if (!wanted.has(key))
            wanted.set(key, { ref: { ...dst, tags: [], digest: undefined }, entry: item.entry });
    }
    const queue = [...wanted];
    const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
            const [key, { ref, entry }] = next;
            try {
                destinationTags.set(key, await listDestinationTags(ref));
            }
            catch (err) {
                if (err instanceof errors/* NotFoundError */.m_)
                    destinationTags.set(key, []);
                else
                    problems.push({ entry, destination: key, message: (0,errors/* messageOf */.bD)(err) });
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, worker));
    const present = new Map([...destinationTags].map(([key, tags]) => [key, new Set(tags)]));
    const marked = items.map((item) => {
        const globs = patterns.get(item.entry);
        const dst = item.destination;
        if (!globs || item.failure || dst.transport !== 'registry' || dst.digest)
            return item;
        const has = present.get(repositoryKey(dst));
        // The tags the destination gets: its own, or (an image entry to a bare repository) the source's.
        const tags = dst.tags.length ? dst.tags : item.source.tags;
        const known = has && tags.length > 0 && tags.every((t) => has.has(t) && globs.some((re) => re.test(t)));
        return known ? { ...item, unchanged: 'immutable' } : item;
    });
    return { items: marked, destinationTags, problems };
}
function repositoryKey(ref) {
    return `${ref.registry}/${ref.repository}`;
}

;// CONCATENATED MODULE: ./lib/src/job/plan-work.js





/**
 * A sync list expanded against the sources (their tag lists read through `pool`, filters
 * applied), the share of it that `shard` takes, and within that share the items whose
 * `immutable-tags` the destination already has marked unchanged (one tag list per destination
 * repository instead of a HEAD per tag on each side).
 */
async function planSync(entries, pool, shard, options = {}) {
    const sourceTags = new Map();
    const list = (side) => async (ref) => {
        const known = side === 'source' ? options.knownTags?.(ref) : undefined;
        if (known)
            return [...known.tags];
        const target = side === 'source' ? await pool.source(ref) : await pool.destination(ref);
        if (!(0,targets_target/* isTagLister */.IP)(target))
            throw new errors/* InputError */.dz(`${target.description} cannot list its tags`);
        return target.tags();
    };
    const all = await (0,plan_plan/* expandEntries */.bE)(entries, list('source'), { onSourceTags: (entry, tags) => sourceTags.set(entry.number, tags) });
    const immutable = await applyImmutableTags((0,plan_plan/* shardItems */.l6)(all, shard), entries, list('destination'), options);
    const nothingSelected = (0,plan_plan/* emptySelections */.lS)(entries, sourceTags, all, {
        tagsFrom: (entry) => options.knownTags?.(entry.source)?.from,
        checking: options.checking,
    });
    const problems = [
        ...nothingSelected.map(plan_plan/* describeEmptySelection */.rJ),
        ...immutable.problems.map((p) => `immutable-tags of entry ${p.entry}: the tags of ${(0,oci_text/* printable */.g$)(p.destination)} could not be listed (${(0,oci_text/* printable */.g$)(p.message)}); its images are compared by HEAD`),
    ];
    return { all, items: immutable.items, sourceTags, destinationTags: immutable.destinationTags, nothingSelected, problems };
}
/** The work as items: one per destination of the one image, the image acted on in place, or the sync list expanded and sharded. */
async function planWork(work, pool, options = {}) {
    if (work.kind === 'copy') {
        const items = work.destinations.map((destination) => ({ entry: 0, source: work.source, destination }));
        return { work: 'copy', all: items, items };
    }
    if (work.kind === 'in-place') {
        const items = [{ entry: 0, source: work.reference, destination: work.reference, inPlace: work.operation }];
        return { work: 'in-place', all: items, items };
    }
    const { all, items, sourceTags, destinationTags, nothingSelected, problems } = await planSync(work.entries, pool, work.shard, options);
    return {
        work: 'sync',
        all,
        items,
        entries: work.entries.length,
        ...(work.shard ? { shard: work.shard } : {}),
        sourceTags,
        destinationTags,
        ...(nothingSelected.length ? { nothingSelected } : {}),
        ...(problems.length ? { problems } : {}),
    };
}

;// CONCATENATED MODULE: ./lib/src/copy/relay.js


/** Errors of an earlier destination that stopped giving a blob halfway: the copy reads it again, and gets it from the source. */
const holderFailures = new WeakSet();
/** Whether a failed read was an earlier destination's (see `relaySource`), not the source's. */
function failedAtHolder(err) {
    return typeof err === 'object' && err !== null && holderFailures.has(err);
}
/**
 * A destination as the holder of what its copy did there (`nodes`: each node's action): the blobs
 * it wrote or mounted, and those it found there when it is a registry (which checked them when
 * they were stored; a file found by its size alone may hold other bytes).
 */
function blobHolder(target, nodes) {
    const found = (0,targets_target/* isLocated */.B0)(target);
    const held = new Set();
    for (const n of nodes)
        if (n.action === 'copied' || n.action === 'mounted' || (found && n.action === 'exists'))
            held.add(n.digest);
    return { target, holds: (digest) => held.has(digest) };
}
/**
 * The source as a later destination of one image reads it: a blob an earlier destination holds
 * is read from there, so the source gives each blob once however many destinations there are.
 * Files come first (a layout on this disk); registries only for a source that is a registry too
 * (a file source is read again rather than a blob downloaded). A holder that cannot give the blob
 * (an archive being written, a registry that refuses) leaves it to the next, and last to the
 * source; one whose read breaks off halfway makes the copy read the blob again, from the next.
 * Everything else is the source's own, its location included, so mounts from the source repository
 * and what the blob-info cache learns stay as they are; every byte is verified by the copy as ever.
 * With no holder that fits, the source itself.
 */
function relaySource(src, holders) {
    const fromRegistry = (0,targets_target/* isLocated */.B0)(src);
    const usable = [...holders.filter((h) => !(0,targets_target/* isLocated */.B0)(h.target)), ...(fromRegistry ? holders.filter((h) => (0,targets_target/* isLocated */.B0)(h.target)) : [])];
    if (!usable.length)
        return src;
    /** Holders that failed a read, by digest: asked no more for that blob. */
    const failed = new Set();
    const fetch = async (desc, signal) => {
        if (!(0,media_types/* isManifest */.Yh)(desc.mediaType)) {
            for (const [i, holder] of usable.entries()) {
                const key = `${i} ${desc.digest}`;
                if (failed.has(key) || !holder.holds(desc.digest))
                    continue;
                signal?.throwIfAborted();
                let stream;
                try {
                    stream = await holder.target.fetch(desc, signal);
                }
                catch {
                    // this holder cannot give it after all: the next one, or the source
                    failed.add(key);
                    continue;
                }
                // Cut halfway: the copy reads the blob again (see `failedAtHolder`), and this holder is skipped.
                stream.once('error', (err) => {
                    failed.add(key);
                    if (typeof err === 'object' && err !== null)
                        holderFailures.add(err);
                });
                return stream;
            }
        }
        return src.fetch(desc, signal);
    };
    return new Proxy(src, {
        get(target, property) {
            if (property === 'fetch')
                return fetch;
            const value = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
        },
    });
}

// EXTERNAL MODULE: ./lib/src/plan/operation.js
var operation = __webpack_require__(33877);
// EXTERNAL MODULE: ./lib/src/job/outcome/copy-report.js
var copy_report = __webpack_require__(79759);
;// CONCATENATED MODULE: ./lib/src/job/checks/presenter.js
/** `record` with how `presenter` shows it, the two bound once so neither is told apart again. */
function present(check, presenter, record) {
    return {
        check,
        heading: presenter.heading,
        mark: presenter.mark,
        logLines: (item, told) => presenter.logLines(record, item, told),
        summaryCells: () => presenter.summaryCells(record),
        json: () => presenter.json(record),
        wrote: () => presenter.wrote?.(record),
    };
}

;// CONCATENATED MODULE: ./lib/src/job/checks/item-checks.js

/** What the checks and stages of one image recorded, in the order they ran: by name, and as each is shown. */
class ItemChecks {
    byName = {};
    shown = [];
    /** `check`'s record, kept under its name, and bound to its presenter when it has one. */
    add(check, record) {
        this.byName[check.name] = record;
        // A name recorded again keeps its place, as it does among the records by name.
        const i = this.shown.findIndex((p) => p.check === check.name);
        const shown = check.presenter ? [present(check.name, check.presenter, record)] : [];
        if (i >= 0)
            this.shown.splice(i, 1, ...shown);
        else
            this.shown.push(...shown);
    }
    /** Every record by name: plain data, as the outcome keeps it. */
    get records() {
        return { ...this.byName };
    }
    /** The records that are shown, in the order their checks ran. */
    get presented() {
        return [...this.shown];
    }
}

;// CONCATENATED MODULE: ./lib/src/job/outcome/item-record.js



/**
 * What the pipeline learns of one item as it goes, stage by stage: the copy's events (gathered
 * in a `CopyReport`) and each stage's value. The outcome is made from it once, at the end.
 * Events raised before the item's log opens (a check's notice) wait for it, in order.
 */
class ItemRecord {
    index;
    item;
    operation;
    options;
    report;
    /** What its checks and stages recorded. */
    checks = new ItemChecks();
    status = 'failed';
    /** Full references: the source with the tag it was read by, the destination with every tag it gets. */
    source;
    destination;
    sourceDescription;
    destinationDescription;
    resolved;
    references;
    current;
    state;
    /** The platform of a single-manifest image, read from its config while it copied. */
    imagePlatform;
    refusedBy;
    /** Why it is unchanged without a request (`immutable`). */
    reason;
    error;
    started = false;
    listener;
    waiting = [];
    constructor(index, item, operation, options, 
    /** The copy's account, built from its events. */
    report = new copy_report/* CopyReport */.Y4()) {
        this.index = index;
        this.item = item;
        this.operation = operation;
        this.options = options;
        this.report = report;
        this.source = (0,oci_reference/* formatReference */.FH)(item.source);
        this.destination = (0,oci_reference/* formatReference */.FH)(item.destination);
    }
    /** Every event of the item: into its account, and to its log once that is open. */
    emit = (event) => {
        this.report.listener(event);
        if (this.started)
            this.listener?.(event);
        else
            this.waiting.push(event);
    };
    /** The item waits for its turn (another destination of the image is being copied): its clock stops. */
    wait() {
        this.report.pause();
    }
    /** The item's log opens: it gets what was said so far, then every event as it comes. Its clock runs again. */
    start(listener) {
        this.report.resume();
        this.started = true;
        this.listener = listener;
        for (const event of this.waiting.splice(0))
            listener?.(event);
    }
    /** A line of a stage or check, about the root; `check` when that check's record says the same. */
    say(message, level, check) {
        const node = this.resolved?.root;
        if (node)
            this.emit({ type: 'notice', node, message, ...(level ? { level } : {}), ...(check ? { check } : {}) });
    }
}

;// CONCATENATED MODULE: ./lib/src/job/outcome/item-outcome.js





/** An item's outcome, made once from what its stages recorded. */
function itemOutcome(record) {
    const { report } = record;
    const ok = record.status !== 'failed' && record.status !== 'skipped' && record.status !== 'deferred';
    const root = ok ? (report.resolved?.root ?? record.resolved?.root) : undefined;
    const source = report.resolved?.source ?? record.resolved?.source;
    const referrers = referrerOutcome(report);
    return {
        index: record.index,
        item: record.item,
        operation: record.operation,
        status: record.status,
        source: record.source,
        destination: record.destination,
        ...(record.sourceDescription ? { sourceDescription: record.sourceDescription } : {}),
        ...(record.destinationDescription ? { destinationDescription: record.destinationDescription } : {}),
        options: record.options,
        ...(root ? { root } : {}),
        ...(root && source && source.digest !== root.digest ? { chosenFrom: source } : {}),
        platforms: platformOutcomes(report, record.resolved?.platforms ?? (record.imagePlatform ? [record.imagePlatform] : [])),
        tags: tagOutcomes(record, root),
        attachmentMoves: report.tagged
            .filter((t) => t.digest !== (root ?? record.resolved?.root)?.digest && t.previous && t.previous !== t.digest)
            .map((t) => ({ tag: t.reference, digest: t.digest, previous: t.previous, change: 'moved' })),
        storedByDigest: report.storedByDigest || (ok && record.references?.length === 1 && (0,oci_digest/* isDigest */.Bc)(record.references[0])),
        ...(referrers ? { referrers } : {}),
        notices: report.notices.filter((n) => !report.warnings.includes(n)),
        warnings: [...report.warnings],
        checks: record.checks.records,
        presented: record.checks.presented,
        ...(record.refusedBy ? { refusedBy: record.refusedBy } : {}),
        ...(record.reason ? { reason: record.reason } : {}),
        blobs: [...report.nodes],
        nodeGroups: root ? nodeGroups(report, root) : [],
        totals: report.totals(),
        durationMs: report.durationMs,
        ...(record.error !== undefined ? { error: (0,errors/* messageOf */.bD)(record.error), cause: record.error } : {}),
    };
}
/**
 * Each of the destination's tags with what it named before: as the copy found it right before
 * tagging, else as the comparison read it. A failed item has only the tags it got written.
 */
function tagOutcomes(record, root) {
    const written = new Map(record.report.tagged.filter((t) => t.digest === root?.digest || !root).map((t) => [t.reference, t]));
    if (!root)
        return [...written.values()].map((t) => tagOutcome(t.reference, t.digest, t.previous));
    const tags = (record.references ?? []).filter((r) => !(0,oci_digest/* isDigest */.Bc)(r));
    return tags.map((tag) => tagOutcome(tag, root.digest, written.has(tag) ? written.get(tag).previous : record.current?.get(tag)));
}
function tagOutcome(tag, digest, previous) {
    const change = previous === digest ? 'kept' : previous ? 'moved' : 'new';
    return { tag, digest, ...(previous ? { previous } : {}), change };
}
/** The root's platforms, each with its image's bytes when its manifest was walked. */
function platformOutcomes(report, known) {
    const platforms = report.resolved?.platforms.length ? report.resolved.platforms : known;
    return platforms.map((p) => {
        const children = report.children.get(p.digest);
        const imageBytes = children ? p.size + children.reduce((sum, c) => sum + c.size, 0) : undefined;
        return {
            platform: (0,oci_platform/* formatPlatform */.Bq)(p.platform),
            digest: p.digest,
            mediaType: p.mediaType,
            size: p.size,
            ...(imageBytes !== undefined ? { imageBytes } : {}),
        };
    });
}
/** The referrers found, each once, by kind, and how many moved; none when none were looked for. */
function referrerOutcome(report) {
    if (!report.referrers.length)
        return undefined;
    const counts = new Map();
    const seen = new Set();
    for (const group of report.referrers) {
        for (const r of group.referrers) {
            if (seen.has(r.digest))
                continue;
            seen.add(r.digest);
            const label = (0,referrer_kinds/* referrerLabel */.UX)(r);
            counts.set(label, (counts.get(label) ?? 0) + 1);
        }
    }
    // Whether each one moved is what its manifest's node says.
    const actions = new Map(report.nodes.map((n) => [n.digest, n.action]));
    const there = [...seen].filter((d) => actions.get(d) === 'exists').length;
    return { found: seen.size, kinds: [...counts].map(([label, count]) => ({ label, count })), copied: seen.size - there, there };
}
/**
 * Every node under its heading: each platform's manifest with its config and layers, then the
 * index, then referrers and what they hold; within a group, in the order the graph lists them.
 */
function nodeGroups(report, root) {
    const byDigest = new Map(report.nodes.map((n) => [n.digest, n]));
    const placed = new Set();
    const groups = [];
    const group = (label, digests) => {
        const nodes = digests.map((d) => byDigest.get(d)).filter((n) => n !== undefined && !placed.has(n.digest));
        for (const n of nodes)
            placed.add(n.digest);
        if (nodes.length)
            groups.push({ label, nodes });
    };
    const image = (manifest) => [manifest, ...(report.children.get(manifest) ?? []).map((c) => c.digest)];
    const children = report.children.get(root.digest) ?? [];
    if ((0,media_types/* isIndex */.nw)(root.mediaType)) {
        for (const m of children)
            group(m.platform ? (0,oci_platform/* formatPlatform */.Bq)(m.platform) : 'manifest', image(m.digest));
        group('index', [root.digest]);
    }
    else {
        group('image', image(root.digest));
    }
    group('referrers', report.nodes.filter((n) => !placed.has(n.digest)).map((n) => n.digest));
    return groups;
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./lib/src/oci/descriptor.js
var descriptor = __webpack_require__(59995);
// EXTERNAL MODULE: ./lib/src/oci/referrers.js
var referrers = __webpack_require__(61576);
;// CONCATENATED MODULE: ./lib/src/copy/mount-candidates.js


/**
 * Repositories of the destination's registry to try mounting a blob from, in order: the source
 * repository when it is on the same registry (a cache learns nothing on a first copy), then what
 * the blob-info cache remembers, newest first. Never the destination repository itself.
 */
function mountCandidates(src, dst, desc, cache) {
    const { registry, repository } = dst.location;
    const out = [];
    if ((0,targets_target/* isLocated */.B0)(src) && src.location.registry === registry && src.location.repository !== repository) {
        out.push(src.location.repository);
    }
    if (cache) {
        let cached = [];
        try {
            cached = cache.candidates(registry, desc.digest, copy_options/* MAX_CACHED_MOUNT_CANDIDATES */.he + 2);
        }
        catch {
            cached = []; // a cache that fails only costs mounts
        }
        for (const repo of cached.filter((r) => r !== repository && !out.includes(r)).slice(0, copy_options/* MAX_CACHED_MOUNT_CANDIDATES */.he)) {
            out.push(repo);
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./lib/src/copy/verified-blob.js




/**
 * A blob's bytes from the source, verified across the pieces one upload may take: the first from
 * byte 0, and another from an offset each time the destination's upload broke off and goes on
 * where the registry has it (`from`). One hash runs over the blob in order: a piece that starts
 * below what was hashed already passes those bytes on without hashing them again (the registry
 * checks the whole blob against its digest when the upload closes), and the piece that reaches the
 * end checks size and digest, erring rather than ending when they are wrong. Memory stays that of
 * one hash, whatever the size.
 *
 * A piece the destination stopped reading (it failed, or went on from another offset) closes its
 * download quietly: that download's early end is never the source's failure.
 */
class VerifiedBlob {
    desc;
    src;
    signal;
    onBytes;
    onResume;
    hash;
    /** Bytes [0, hashed) are in the hash. */
    hashed = 0;
    checked = false;
    /** Every byte handed to the destination, over every piece: beyond the size, sent again. */
    delivered = 0;
    failure;
    keptChunks;
    keptBytes = 0;
    /** The piece from byte 0, started at once (its fetch overlaps the destination opening its upload). */
    stream;
    constructor(desc, src, signal, onBytes, keep, onResume) {
        this.desc = desc;
        this.src = src;
        this.signal = signal;
        this.onBytes = onBytes;
        this.onResume = onResume;
        this.hash = (0,oci_digest/* newHasher */.ce)(desc.digest);
        this.keptChunks = desc.size <= keep ? [] : undefined;
        this.stream = this.piece(0);
    }
    /** The error the source gave (a cut download, bytes that do not match), if it failed. */
    sourceFailure() {
        return this.failure;
    }
    /** The config's bytes, once all of them passed and matched the digest (see the `config` event). */
    get kept() {
        return this.checked && this.keptChunks && this.keptBytes === this.desc.size ? Buffer.concat(this.keptChunks) : undefined;
    }
    /** Bytes handed to the destination more than once, so far. */
    get resent() {
        return Math.max(0, this.delivered - this.furthest);
    }
    furthest = 0;
    async from(offset) {
        return this.piece(offset);
    }
    resumed(info) {
        this.onResume?.(info);
    }
    piece(offset) {
        const piece = new Piece(this, offset);
        // Its errors are told by `sourceFailure` and by the destination's own failure; none may end the process.
        piece.on('error', () => { });
        this.open(offset).then((fetched) => {
            fetched.once('error', (err) => {
                // A piece the destination gave up destroyed its download: not the source's failure.
                if (!piece.destroyed || piece.failedAtSource)
                    this.sourceFailed(err);
            });
            // Node 24's pipeline throws, rather than reports, when its destination is already destroyed.
            if (piece.destroyed) {
                fetched.destroy();
                return;
            }
            (0,external_node_stream_.pipeline)(fetched, piece, () => { });
        }, (err) => {
            if (piece.destroyed)
                return;
            this.sourceFailed(err);
            piece.failedAtSource = true;
            piece.destroy(err);
        });
        return piece;
    }
    /** The source from `offset`: a range where it reads one, else read again from the start with the first bytes skipped. */
    async open(offset) {
        if (offset === 0)
            return this.src.fetch(this.desc, this.signal);
        if ((0,targets_target/* isRangeReader */.$J)(this.src))
            return this.src.fetchFrom(this.desc, offset, this.signal);
        return skipped(await this.src.fetch(this.desc, this.signal), offset);
    }
    sourceFailed(err) {
        this.failure ??= err;
    }
    /** Takes bytes [at, at + chunk.length) of a piece: hashes what is new, counts what is handed on. */
    take(at, chunk) {
        const end = at + chunk.length;
        if (end > this.desc.size)
            return new errors/* ContentError */.yg(`size mismatch for ${this.desc.digest}: more than the expected ${this.desc.size} bytes`);
        if (end > this.hashed) {
            const fresh = chunk.subarray(Math.max(0, this.hashed - at));
            this.hash.update(fresh);
            if (this.keptChunks) {
                this.keptChunks.push(fresh);
                this.keptBytes += fresh.length;
            }
            this.hashed = end;
            this.onBytes(end);
        }
        this.delivered += chunk.length;
        this.furthest = Math.max(this.furthest, end);
        return undefined;
    }
    /** At a piece's end, `at`: the whole blob passed, and the digest is checked once. */
    finish(at) {
        if (at !== this.desc.size) {
            return new errors/* ContentError */.yg(`size mismatch for ${this.desc.digest}: expected ${this.desc.size} bytes, got ${at}`);
        }
        if (this.checked)
            return undefined;
        const actual = `${(0,oci_digest/* parseDigest */.m)(this.desc.digest).algorithm}:${this.hash.digest('hex')}`;
        if (actual !== this.desc.digest)
            return new errors/* ContentError */.yg(`digest mismatch: expected ${this.desc.digest}, got ${actual}`);
        this.checked = true;
        return undefined;
    }
}
/** One piece of a verified blob, from `at` on. */
class Piece extends external_node_stream_.Transform {
    blob;
    at;
    failedAtSource = false;
    constructor(blob, at) {
        super();
        this.blob = blob;
        this.at = at;
    }
    _transform(chunk, _enc, done) {
        const wrong = this.blob.take(this.at, chunk);
        if (wrong) {
            this.failAtSource(wrong, done);
            return;
        }
        this.at += chunk.length;
        done(null, chunk);
    }
    _flush(done) {
        const wrong = this.blob.finish(this.at);
        if (wrong) {
            this.failAtSource(wrong, done);
            return;
        }
        done();
    }
    failAtSource(err, done) {
        this.failedAtSource = true;
        this.blob.sourceFailed(err);
        done(err);
    }
}
/** `content` without its first `skip` bytes. */
function skipped(content, skip) {
    let left = skip;
    const out = new external_node_stream_.Transform({
        transform(chunk, _enc, done) {
            if (left >= chunk.length) {
                left -= chunk.length;
                done();
                return;
            }
            const rest = left ? chunk.subarray(left) : chunk;
            left = 0;
            done(null, rest);
        },
    });
    content.once('error', (err) => out.destroy(err));
    out.once('close', () => content.destroy());
    return content.pipe(out);
}

;// CONCATENATED MODULE: ./lib/src/copy/graph-copier.js


















/** How many bytes of a blob pass between two `progress` events (and its last byte always tells). */
const PROGRESS_STEP_BYTES = 256 * 1024;
/**
 * Copies the graph under a root from one target to another: each node once however many parents
 * share it, children before parents, at most `concurrency` transfers at a time, skipping what the
 * destination has, mounting what it can, verifying every byte on the way.
 */
class GraphCopier {
    src;
    dst;
    options;
    /** Every node met so far, by digest: one digest is one node, with one size and one kind. */
    nodes = new Map();
    manifests;
    /** Bytes of the manifests this copy fetched and holds. */
    heldManifestBytes = 0;
    manifestTypes = new Map();
    limiter;
    checks;
    successors;
    tagger;
    finder;
    firstError;
    /**
     * Fired with the first error (or the caller's `signal`): every request, retry and wait the copy
     * started ends at once, so a failed copy fails as soon as its error is known.
     */
    abort = new AbortController();
    /** The root to store and tag in one step, what to do right before, and whether that happened. */
    rootTag;
    constructor(src, dst, options = {}) {
        this.src = src;
        this.dst = dst;
        this.options = options;
        this.limiter = options.transfers ?? new Limiter(options.concurrency ?? copy_options/* DEFAULT_CONCURRENCY */.WH);
        this.checks = options.checks ?? new Limiter(options.concurrency ?? copy_options/* DEFAULT_CONCURRENCY */.WH);
        this.manifests = options.manifestCache ?? new Map();
        this.successors = options.successors ?? oci_manifest/* defaultSuccessors */.RW;
        this.tagger = new Tagger(dst, options);
        this.finder = new ReferrerFinder(src, (what, step) => this.sourceStep(what, step));
    }
    /**
     * Copies everything under `root`, then `root`. Waits for every started transfer before failing.
     * With `tagAs`, a destination that can store and tag a manifest at once (a registry) gets the
     * root that way, last as ever; returns whether it did, so the caller does not tag it again.
     * `beforeTag` runs right before that store-and-tag (to read what the tag names now, or refuse).
     */
    async copy(root, tagAs, beforeTag) {
        const pusher = this.dst;
        this.rootTag =
            tagAs !== undefined && !this.options.dryRun && (0,targets_target/* isTaggingPusher */.jw)(pusher)
                ? { digest: root.digest, reference: tagAs, pusher, before: beforeTag, done: false }
                : undefined;
        const stopFollowing = this.followCallerSignal();
        try {
            await this.node(root, { what: 'the root', depth: 0 });
            return this.rootTag?.done ?? false;
        }
        catch (err) {
            this.fail(err);
            // Everything started was cancelled with the error: this wait is short, and after it nothing
            // of this copy is still writing.
            await Promise.allSettled([...this.nodes.values()].map((n) => n.done));
            throw this.firstError;
        }
        finally {
            stopFollowing();
        }
    }
    /**
     * Copies what refers to the manifests copied so far (signatures, SBOMs, attestations), and what
     * refers to those, each with its own graph, and reports for each manifest what it found. They
     * are found through the source's referrers listing and cosign's tags (`sha256-<hex>.sig`,
     * `.att`, `.sbom`); a cosign attachment is tagged the same at the destination. A source that can
     * do neither has none to give.
     */
    async copyReferrers() {
        if (!this.canFindReferrers)
            return;
        const visited = new Set();
        let subjects = this.manifestDescriptors();
        for (let depth = 0; subjects.length; depth++) {
            const next = [];
            for (const subject of subjects) {
                if (visited.has(subject.digest))
                    continue;
                visited.add(subject.digest);
                const found = await this.referrersOf(subject);
                if (found.length && depth >= MAX_REFERRER_GENERATIONS) {
                    throw new errors/* ContentError */.yg(`${this.src.description} has referrers of referrers more than ${MAX_REFERRER_GENERATIONS} generations deep (under ${subject.digest}): refusing to follow them further`);
                }
                for (const r of found) {
                    const plain = {
                        mediaType: r.mediaType,
                        digest: r.digest,
                        size: r.size,
                        ...(r.artifactType ? { artifactType: r.artifactType } : {}),
                    };
                    await this.refuseOtherSubject(plain, subject);
                    await this.copy(plain);
                    if (r.tag)
                        await this.tagger.tag(plain, r.tag);
                    next.push(plain);
                }
                this.emit({ type: 'referrers', node: (0,descriptor/* plainDescriptor */.UM)(subject), referrers: found, depth });
            }
            subjects = next;
        }
    }
    /**
     * A referrer listed for `subject` refers to it: one whose own `subject` names another digest (a
     * listing or a `sha256-<hex>` index that lies) is refused before it is copied, so no other
     * image's signature lands beside this one. Cosign's tagged attachments carry no subject.
     */
    async refuseOtherSubject(referrer, subject) {
        if (!(0,media_types/* isManifest */.Yh)(referrer.mediaType))
            return;
        const named = (0,referrers/* referrerOf */.N)(referrer, await this.manifest(referrer))?.subject.digest;
        if (named === undefined || named === subject.digest)
            return;
        throw new errors/* DigestMismatchError */.h(`${this.src.description} lists ${referrer.digest} as a referrer of ${subject.digest}, but its subject is ${(0,oci_text/* printable */.g$)(named, 140)}: refused`, subject.digest, named);
    }
    get canFindReferrers() {
        return this.finder.possible;
    }
    /** The referrers of one manifest in the source: those it lists, then cosign's tag attachments, each once. */
    async referrersOf(subject) {
        return this.finder.find(subject);
    }
    /** The caller's `signal` cancels the copy as a failure would; returns how to stop listening. */
    followCallerSignal() {
        const caller = this.options.signal;
        if (!caller)
            return () => { };
        const onAbort = () => this.fail((0,cancel/* abortReason */.Js)(caller));
        if (caller.aborted)
            onAbort();
        else
            caller.addEventListener('abort', onAbort, { once: true });
        return () => caller.removeEventListener('abort', onAbort);
    }
    /** The first failure is the copy's: it cancels everything else the copy started. */
    fail(err) {
        this.firstError ??= err;
        if (!this.abort.signal.aborted)
            this.abort.abort(this.firstError);
    }
    get signal() {
        return this.abort.signal;
    }
    /** Every manifest and index of the graph walked so far. */
    manifestDescriptors() {
        return [...this.manifestTypes].map(([digest, mediaType]) => ({ digest, mediaType, size: this.manifests.get(digest)?.length ?? 0 }));
    }
    /**
     * The bytes of a manifest, fetched once and verified. Reading one (an index a platform is chosen
     * from) does not make it part of the copy: only walked manifests are subjects for referrers.
     */
    async manifest(desc) {
        const cached = this.manifests.get(desc.digest);
        if (cached)
            return cached;
        const content = await this.limiter.run(() => this.sourceStep(`fetching manifest ${desc.digest} from ${this.src.description}`, async () => (0,read_manifest/* readManifest */.W)(await this.src.fetch(desc, this.signal), desc)));
        if (!this.manifests.has(desc.digest)) {
            this.heldManifestBytes += content.length;
            if (this.heldManifestBytes > MAX_HELD_MANIFEST_BYTES) {
                throw new errors/* ContentError */.yg(`the manifests of ${this.src.description} under this root add up to more than ${MAX_HELD_MANIFEST_BYTES / 1024 / 1024} MiB: refusing to hold more`);
            }
        }
        this.manifests.set(desc.digest, content);
        return content;
    }
    node(desc, listing) {
        return this.enter(desc, listing, (node) => ((0,media_types/* isManifest */.Yh)(desc.mediaType) ? this.copyManifest(node) : this.copyBlob(desc)));
    }
    /**
     * The one node a descriptor names, started by `work` when it is new. Wherever a digest is listed
     * again it must come with the same size and kind (blob, manifest or index): otherwise one listing
     * would go uncopied (a manifest listed first as a blob loses its layers) or unchecked, so the two
     * listings are an error naming both. New nodes are counted against the graph's limits.
     */
    enter(desc, listing, work) {
        const known = this.nodes.get(desc.digest);
        if (known) {
            if (known.desc.size === desc.size && nodeKind(known.desc) === nodeKind(desc))
                return known.done;
            return this.guard(async () => {
                throw new errors/* ContentError */.yg(`${this.src.description} lists ${desc.digest} two ways: as ${nodePhrase(known.desc)} in ${known.listedIn}, and as ${nodePhrase(desc)} in ${listing.what}; one digest must describe one piece of content`);
            });
        }
        if (listing.depth > MAX_GRAPH_DEPTH) {
            return this.guard(async () => {
                throw new errors/* ContentError */.yg(`${listing.what} in ${this.src.description} lists content more than ${MAX_GRAPH_DEPTH} levels below the root: refusing a graph that deep`);
            });
        }
        if (this.nodes.size >= MAX_GRAPH_NODES)
            return this.guard(async () => this.tooManyNodes(listing));
        const node = { desc, listedIn: listing.what, depth: listing.depth, done: Promise.resolve() };
        this.nodes.set(desc.digest, node);
        node.done = this.guard(() => work(node));
        return node.done;
    }
    /** Refuses a manifest's children before any of them starts when they would take the graph past its node limit. */
    admit(children, listing) {
        if (this.nodes.size + children.length <= MAX_GRAPH_NODES)
            return;
        const fresh = new Set(children.filter((c) => !this.nodes.has(c.digest)).map((c) => c.digest)).size;
        if (this.nodes.size + fresh > MAX_GRAPH_NODES)
            this.tooManyNodes(listing);
    }
    tooManyNodes(listing) {
        throw new errors/* ContentError */.yg(`the graph in ${this.src.description} has more than ${MAX_GRAPH_NODES} nodes (${listing.what} lists more): refusing a graph that large`);
    }
    /** Refuses new work once anything failed, so one failure stops the copy quickly. */
    async guard(work) {
        if (this.firstError)
            throw this.firstError;
        try {
            await work();
        }
        catch (err) {
            this.fail(err);
            throw err;
        }
    }
    /** Work that waited for a slot is dropped once anything failed: the copy is failing anyway. */
    stopIfFailed() {
        if (this.firstError)
            throw this.firstError;
    }
    async children(desc, content) {
        // A parse error names the manifest and what is wrong in it; the step names the source.
        const children = await this.sourceStep(`reading ${this.src.description}`, async () => this.successors(desc, content));
        this.emit({ type: 'walked', node: desc, children });
        return children;
    }
    async copyManifest(node) {
        const desc = node.desc;
        // The check and the fetch are independent round trips: make them at once.
        // Both settle before either failure is thrown, so no fetch outlives the copy. A layer the
        // destination is known to refuse fails the copy as soon as its manifest is read.
        const putBack = this.options.putBack;
        const walked = this.manifest(desc).then(async (content) => {
            const children = await this.children(desc, content);
            this.refuseOversized(desc, children);
            return { content, children };
        });
        const [{ content, children }, existing] = await allOrFirstError([
            walked,
            putBack
                ? Promise.resolve(!putBack.has(desc.digest))
                : this.destinationStep(`checking manifest ${desc.digest} in ${this.dst.description}`, () => this.dst.exists(desc, this.signal)),
        ]);
        this.manifestTypes.set(desc.digest, desc.mediaType);
        const listing = childListing(node);
        this.admit(children, listing);
        if (existing) {
            // A registry holds a manifest only with all it refers to: account for the subtree, move nothing.
            // A repair knows better: what was found missing below it is put back.
            await Promise.all(children.map((c) => (putBack ? this.node(c, listing) : this.markExisting(c, listing))));
            this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
            return;
        }
        await Promise.all(children.map((c) => this.node(c, listing)));
        if (this.options.dryRun) {
            this.emit({ type: 'done', node: desc, action: 'copy', bytes: 0 });
            return;
        }
        // Another image of the run pushing this child manifest into the same repository: it is there once that push ends.
        const ticket = await this.claimManifest(desc);
        if (ticket?.kind === 'present') {
            this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
            return;
        }
        let ok = false;
        try {
            await this.limiter.run(() => {
                this.stopIfFailed();
                this.emit({ type: 'started', node: desc });
                return this.pushManifest(desc, content, children);
            });
            ok = true;
        }
        finally {
            if (ticket?.kind === 'first')
                ticket.settle(ok);
        }
        this.emit({ type: 'done', node: desc, action: 'copied', bytes: desc.size });
    }
    /** The ledger's word on a child manifest (the root is pushed under each image's own tag). */
    async claimManifest(desc) {
        const dst = this.dst;
        if (!this.options.ledger || this.rootTag?.digest === desc.digest || !(0,targets_target/* isLocated */.B0)(dst))
            return undefined;
        return this.options.ledger.claimManifest(dst.location.registry, dst.location.repository, desc.digest, this.signal);
    }
    async pushManifest(desc, content, children) {
        const what = `pushing manifest ${desc.digest} to ${this.dst.description}`;
        const asRoot = this.rootTag?.digest === desc.digest ? this.rootTag : undefined;
        await asRoot?.before?.();
        const push = () => asRoot
            ? asRoot.pusher.pushTagged(desc, external_node_stream_.Readable.from([content]), asRoot.reference, this.signal)
            : this.dst.push(desc, external_node_stream_.Readable.from([content]), this.signal);
        try {
            await this.destinationStep(what, push);
        }
        catch (err) {
            const code = (0,errors/* registryErrorCode */.VS)(err.cause);
            // The registry lost a child since we checked: push the children again and retry once.
            if (code === 'MANIFEST_BLOB_UNKNOWN')
                for (const child of children.filter((c) => !(0,media_types/* isManifest */.Yh)(c.mediaType)))
                    await this.transferBlob(child);
            else
                throw err;
            await this.destinationStep(what, push);
        }
        if (asRoot)
            asRoot.done = true;
        // A referrers index another writer changed at the same moment, merged again: said, not hidden.
        if ((0,targets_target/* isPushNoter */.v$)(this.dst))
            for (const note of this.dst.pushNotes(desc))
                this.emit({ type: 'notice', node: desc, message: note.message });
    }
    /**
     * A layer larger than the destination is known to take (GHCR: 10 GB) fails the copy before any of
     * its bytes move, in one line naming it, its size and the limit: the registry would refuse it only
     * after the whole upload.
     */
    refuseOversized(manifest, children) {
        const limit = (0,targets_target/* isBlobSizeLimited */.Le)(this.dst) ? this.dst.blobSizeLimit() : undefined;
        if (!limit)
            return;
        const over = children.find((c) => !(0,media_types/* isManifest */.Yh)(c.mediaType) && c.size > limit.bytes);
        if (!over)
            return;
        const err = this.wrap('destination', `pushing blob ${over.digest} to ${this.dst.description}`, new errors/* ContentError */.yg(`the layer of manifest ${manifest.digest} is ${(over.size / 1e9).toFixed(1)} GB (${over.size} bytes), more than the registry takes (${limit.stated} per layer): refused before any byte moved; copy it to a registry without that limit, or rebuild the image with smaller layers`));
        this.fail(err);
        throw err;
    }
    markExisting(desc, listing) {
        return this.enter(desc, listing, async (node) => {
            if ((0,media_types/* isManifest */.Yh)(desc.mediaType)) {
                const children = await this.children(desc, await this.manifest(desc));
                this.manifestTypes.set(desc.digest, desc.mediaType);
                const below = childListing(node);
                this.admit(children, below);
                await Promise.all(children.map((c) => this.markExisting(c, below)));
            }
            else {
                this.remember(this.dst, desc);
            }
            this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
        });
    }
    async copyBlob(desc) {
        // Checks run ahead on their own slots, so transfer slots never wait on a HEAD round trip.
        const putBack = this.options.putBack;
        const exists = putBack
            ? !putBack.has(desc.digest)
            : await this.checks.run(() => {
                this.stopIfFailed();
                return this.destinationStep(`checking blob ${desc.digest} in ${this.dst.description}`, () => this.dst.exists(desc, this.signal));
            });
        if (exists) {
            this.remember(this.dst, desc);
            this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
            return;
        }
        // Another copy of the run may be putting this blob into the same registry: wait for it
        // (without a slot), then find it here or mount it from where it went.
        const ticket = await this.claimUpload(desc);
        if (ticket?.kind === 'present') {
            this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
            return;
        }
        let ok = false;
        try {
            await this.limiter.run(async () => {
                this.stopIfFailed();
                if (await this.mountBlob(desc, ticket?.kind === 'mount' ? ticket.from : undefined))
                    return;
                if (this.options.dryRun) {
                    this.emit({ type: 'done', node: desc, action: 'copy', bytes: 0 });
                    return;
                }
                await this.transferBlob(desc);
            });
            ok = true;
        }
        finally {
            ticket?.settle(ok);
        }
    }
    async claimUpload(desc) {
        const dst = this.dst;
        if (!this.options.ledger || this.options.dryRun || this.options.mount === false || !(0,targets_target/* isMounter */.B6)(dst))
            return undefined;
        return this.options.ledger.claim(dst.location.registry, dst.location.repository, desc.digest, this.signal);
    }
    /**
     * Tries each mount candidate (`first`, when given, before the others); the last one may upload on
     * the session a refused mount opens.
     */
    async mountBlob(desc, first) {
        const dst = this.dst;
        if (this.options.mount === false || !(0,targets_target/* isMounter */.B6)(dst))
            return false;
        const others = mountCandidates(this.src, dst, desc, this.options.blobCache);
        const candidates = first && first !== dst.location.repository ? [first, ...others.filter((r) => r !== first)] : others;
        if (candidates.length && this.options.dryRun) {
            this.emit({ type: 'done', node: desc, action: 'mount', from: candidates[0], bytes: 0 });
            return true;
        }
        for (const [i, from] of candidates.entries()) {
            let opened;
            const upload = async () => {
                this.emit({ type: 'started', node: desc });
                opened = this.openVerified(desc);
                return opened.stream;
            };
            // The upload on a refused mount's session goes on where it broke off, as any other.
            const resume = {
                from: (offset) => opened.from(offset),
                resumed: (info) => opened?.resumed(info),
            };
            const last = i === candidates.length - 1;
            // A mount never fails the copy: whatever goes wrong, the blob is uploaded the ordinary way.
            const outcome = await dst.mount(desc, from, last ? upload : undefined, this.signal, resume).catch(() => 'refused');
            this.stopIfFailed();
            const sourceFailure = opened?.sourceFailure();
            if (outcome !== 'uploaded')
                opened?.stream.destroy();
            // An earlier destination that stopped giving the blob (see `relaySource`): it is uploaded from the source below.
            if (sourceFailure && !failedAtHolder(sourceFailure))
                throw this.wrap('source', `fetching blob ${desc.digest} from ${this.src.description}`, sourceFailure);
            if (outcome === 'mounted') {
                this.remember(dst, desc);
                this.options.blobCache?.record({ registry: dst.location.registry, repository: from }, desc.digest);
                this.emit({ type: 'done', node: desc, action: 'mounted', from, bytes: 0 });
                return true;
            }
            if (outcome === 'uploaded') {
                this.remember(this.src, desc);
                this.remember(dst, desc);
                if (opened)
                    this.emitConfig(desc, opened);
                this.emit({ type: 'done', node: desc, action: 'copied', bytes: desc.size, ...resentOf(opened?.resent ?? 0) });
                return true;
            }
        }
        return false;
    }
    /** Fetch → verify → push, again with fresh content when a target says the failure was passing. */
    async transferBlob(desc) {
        /** Bytes sent more than once: within a try (an upload that went on), and all of a try that failed. */
        let resent = 0;
        for (let attempt = 1;; attempt++) {
            let opened;
            try {
                this.emit({ type: 'started', node: desc });
                opened = this.openVerified(desc);
                await this.dst.push(desc, opened.stream, this.signal, opened);
                resent += opened.resent;
                // Only now are the source's bytes known to be the blob's: the cache may name it as a place.
                this.remember(this.src, desc);
                this.emitConfig(desc, opened);
                break;
            }
            catch (err) {
                const sourceFailure = opened ? opened.sourceFailure() : err;
                // Release the source's connection: a destination that failed early may never have read it.
                opened?.stream.destroy();
                resent += opened?.delivered ?? 0;
                // An earlier destination that stopped giving the blob (see `relaySource`): read it again, from the source.
                if (sourceFailure && attempt < copy_options/* BLOB_TRIES */.CW && failedAtHolder(sourceFailure))
                    continue;
                if (sourceFailure)
                    throw this.wrap('source', `fetching blob ${desc.digest} from ${this.src.description}`, sourceFailure);
                if (attempt >= copy_options/* BLOB_TRIES */.CW || !(0,errors/* isRetryable */.r3)(err)) {
                    const failure = this.wrap('destination', `pushing blob ${desc.digest} to ${this.dst.description}`, err);
                    if (attempt > 1 && !/ after [0-9]+ tries/.test(failure.message))
                        failure.message += ` after ${attempt} tries`;
                    throw failure;
                }
                await (0,cancel/* pause */.v7)(retryWait(err, attempt), this.signal);
            }
        }
        this.remember(this.dst, desc);
        this.emit({ type: 'done', node: desc, action: 'copied', bytes: desc.size, ...resentOf(resent) });
    }
    /**
     * The source's bytes behind a verifier that errors, rather than ends, when they are wrong, and
     * that the destination may read again from an offset (an upload that goes on where the registry
     * has it: see `VerifiedBlob`). It tells a failure of the source (a cut download, bytes that do not
     * match) from a destination that stopped reading, whose download then ends early without blame.
     * The fetch is started, not awaited: its round trip overlaps the destination opening its upload.
     */
    openVerified(desc) {
        const keep = (0,media_types/* isImageConfig */._m)(desc.mediaType) ? MAX_KEPT_CONFIG_BYTES : 0;
        // Progress is told in steps, not per chunk: a 128 MB blob arrives in thousands of chunks, and
        // each event passes every listener (the log, the terminal, the report).
        let told = 0;
        const progress = (bytes) => {
            if (bytes - told < PROGRESS_STEP_BYTES && bytes < desc.size)
                return;
            told = bytes;
            this.emit({ type: 'progress', node: desc, bytes });
        };
        const resumed = ({ offset, resent, reason }) => this.emit({ type: 'resumed', node: desc, offset, resent, reason });
        return new VerifiedBlob(desc, this.src, this.signal, progress, keep, resumed);
    }
    /** A config that passed whole through the verifier is told with its bytes (see the `config` event). */
    emitConfig(desc, opened) {
        const content = opened.kept;
        if (content)
            this.emit({ type: 'config', node: desc, content });
    }
    remember(target, desc) {
        if (!this.options.blobCache || !(0,targets_target/* isLocated */.B0)(target) || (0,media_types/* isManifest */.Yh)(desc.mediaType))
            return;
        try {
            this.options.blobCache.record(target.location, desc.digest);
        }
        catch {
            // the cache only ever costs mounts, never a copy
        }
    }
    emit(event) {
        this.options.onEvent?.(event);
    }
    sourceStep(what, step) {
        return step().catch((err) => Promise.reject(this.wrap('source', what, err)));
    }
    destinationStep(what, step) {
        return step().catch((err) => Promise.reject(this.wrap('destination', what, err)));
    }
    wrap(side, what, err) {
        return err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6(side, what, err);
    }
}
/** `resent` on a `done` event, when bytes were sent more than once. */
function resentOf(bytes) {
    return bytes > 0 ? { resent: bytes } : {};
}
/** The wait the target asked for (its `Retry-After` or backoff), else 250 ms doubling. */
function retryWait(err, attempt) {
    const asked = err?.retryAfterMs;
    return typeof asked === 'number' && asked >= 0 ? asked : 250 * 2 ** (attempt - 1);
}
/** Like Promise.all, but rejects only once every promise has settled. */
async function allOrFirstError(promises) {
    const settled = await Promise.allSettled(promises);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed)
        throw failed.reason;
    return settled.map((r) => r.value);
}
/** What the engine does with a node: walks an index or a manifest, streams a blob. */
function nodeKind(desc) {
    return (0,media_types/* isIndex */.nw)(desc.mediaType) ? 'index' : (0,media_types/* isManifest */.Yh)(desc.mediaType) ? 'manifest' : 'blob';
}
/** `a blob (application/octet-stream) of 512 bytes`. */
function nodePhrase(desc) {
    const kind = nodeKind(desc);
    return `${kind === 'index' ? 'an' : 'a'} ${kind} (${(0,oci_text/* printable */.g$)(desc.mediaType, 100)}) of ${desc.size} bytes`;
}
/** The listing a manifest's children share. */
function childListing(parent) {
    return { what: `${nodeKind(parent.desc)} ${parent.desc.digest}`, depth: parent.depth + 1 };
}

;// CONCATENATED MODULE: ./lib/src/copy/copy-resolved.js








/**
 * Copies a resolved root, everything under it and (with `referrers`) what refers to it into one
 * destination, then tags it there. Tags are written only after the whole graph is in. Tells the
 * destination's listener what it receives first (`resolved`, with an index's platforms: its bytes
 * are the walk's first read anyway).
 */
async function copyResolved(src, resolved, d, options, context) {
    const { source, root } = resolved;
    const onEvent = d.onEvent ?? options.onEvent;
    const copier = new GraphCopier(src, d.target, { ...options, onEvent });
    const tagger = new Tagger(d.target, {
        ...options,
        onEvent,
        ...(context ? { context } : {}),
        ...(d.tagsRead ? { tagsRead: d.tagsRead } : {}),
    });
    const platforms = resolved.platforms ??
        ((0,media_types/* isIndex */.nw)(root.mediaType)
            ? (await choosePlatforms(root, [], { manifest: (m) => copier.manifest(m), config: (c) => readConfig(src, c) }, src.description))
                .platforms
            : undefined);
    onEvent?.({ type: 'resolved', node: root, source, ...(platforms ? { platforms } : {}) });
    const references = d.references;
    // With referrers to copy, the tag waits for them too: a signed image is not tagged unsigned.
    const first = options.referrers || (0,oci_digest/* isDigest */.Bc)(references[0]) ? undefined : references[0];
    let previous;
    const taggedFirst = await copier.copy(root, first, async () => {
        previous = await tagger.current(root, first);
    });
    if (options.referrers) {
        await copier.copyReferrers();
        if (root.digest !== source.digest)
            await reportReferrersLeft(copier, source, root, onEvent);
    }
    // A copy cancelled once its graph was in still writes no tag.
    (0,cancel/* throwIfAborted */.Te)(options.signal);
    if (taggedFirst)
        tagger.announce(root, first, previous);
    await tagger.tagAll(root, taggedFirst ? references.slice(1) : references);
}
/**
 * Referrers of the index platforms were chosen from refer to that index, which the destination
 * does not get: they cannot come along, and the log says so rather than nothing.
 */
async function reportReferrersLeft(copier, source, root, onEvent) {
    const left = await copier.referrersOf(source);
    if (!left.length)
        return;
    const n = left.length;
    const message = `not copied: ${n} referrer${n === 1 ? '' : 's'} of the source index ${source.digest} (${left.map(referrer_kinds/* referrerLabel */.UX).join(', ')}): ` +
        `${n === 1 ? 'it refers' : 'they refer'} to that index, and the destination gets ${root.digest} instead`;
    onEvent?.({ type: 'notice', node: source, message, level: 'warning' });
}

;// CONCATENATED MODULE: ./lib/src/job/pipeline/image-platform.js



/**
 * The platform of a single-manifest image, for its outcome. Once the copy has read the manifest
 * (its `walked` event names the config), the config's bytes come with the copy when it moves them;
 * when it does not (the destination has the config, or it was mounted), the config is read beside
 * the copy, a few kilobytes. It only informs: a config that cannot be read leaves the platform
 * unknown, never fails the copy.
 */
function watchImagePlatform(src, root, signal) {
    let config;
    let reading;
    const listener = (event) => {
        if (reading || !(0,media_types/* isImageManifest */.pJ)(root.mediaType))
            return;
        if (event.type === 'walked') {
            if (event.node.digest === root.digest)
                config = event.children.find((c) => (0,media_types/* isImageConfig */._m)(c.mediaType));
            return;
        }
        if (!config || event.node.digest !== config.digest)
            return;
        if (event.type === 'config')
            reading = Promise.resolve(platformIn(event.content, root, config));
        else if (event.type === 'done')
            reading = readPlatform(src, root, config, signal);
    };
    return { listener, platform: async () => reading };
}
async function readPlatform(src, root, config, signal) {
    if (signal.aborted)
        return undefined;
    try {
        return platformIn(await readConfig(src, config), root, config);
    }
    catch {
        return undefined;
    }
}
function platformIn(content, root, config) {
    let doc;
    try {
        doc = (0,oci_manifest/* parseJson */.qF)(content, `config ${config.digest}`);
    }
    catch {
        return undefined;
    }
    const { os, architecture, variant } = doc ?? {};
    if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture)
        return undefined;
    const platform = typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
    return { platform, mediaType: root.mediaType, digest: root.digest, size: root.size };
}

;// CONCATENATED MODULE: ./lib/src/integrity/problems.js

/** `missing blob sha256:… (layer of linux/arm64 manifest sha256:…) in HOST/REPO`. */
function problemLine(p) {
    return `${p.detail} in ${p.where}`;
}
/** Kinds whose node is there with the wrong bytes: a push of the same digest is taken as done by most registries until they are deleted. */
function isDamagedBytes(kind) {
    return kind === 'size' || kind === 'hash';
}
/** How many lines an error names before it counts the rest. */
const NAMED_PROBLEMS = 3;
/** The item's one error line: the problem itself, or how many and the first few. */
function problemsLine(problems) {
    if (problems.length === 1)
        return problemLine(problems[0]);
    const named = problems.slice(0, NAMED_PROBLEMS).map(problemLine).join('; ');
    const more = problems.length > NAMED_PROBLEMS ? `; and ${problems.length - NAMED_PROBLEMS} more` : '';
    return `${problems.length} problems: ${named}${more}`;
}
/** An image whose destination a check found wrong: its message is the image's one error line. */
class IntegrityError extends errors/* OciCopyError */.vW {
    problems;
    name = 'IntegrityError';
    constructor(message, problems) {
        super(message);
        this.problems = problems;
    }
}

;// CONCATENATED MODULE: ./lib/src/job/checks/integrity/names.js
/** The name the destination check records under (`outcome.checks.check`), and its JSON key. */
const INTEGRITY_CHECK = 'check';

;// CONCATENATED MODULE: ./lib/src/job/checks/integrity/presenter.js

const HEADING = 'Check';
const MARK = '🩺';
/** `3 manifests, 7 blobs (hashed), 2 referrers`. */
function checkedPhrase(r) {
    const { manifests, blobs, referrers } = r.checked;
    const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
    return [
        plural(manifests, 'manifest'),
        `${plural(blobs, 'blob')}${r.deep ? ' (hashed)' : ''}`,
        ...(referrers ? [plural(referrers, 'referrer')] : []),
    ].join(', ');
}
/**
 * What the check of a destination found: intact (what was checked), or one line per problem; a
 * repair names what it put back. The row's cell says which of intact, drifted, damaged or repaired.
 */
const integrityPresenter = {
    heading: HEADING,
    mark: MARK,
    logLines: (r) => {
        const lines = [];
        if (r.status === 'intact')
            lines.push(`Intact ${r.digest} in ${r.destination}: ${checkedPhrase(r)} checked`);
        else
            for (const p of r.problems)
                lines.push(`${r.status === 'repaired' ? 'Repaired: ' : ''}${problemLine(p)}`);
        if (r.putBack?.length)
            lines.push(`${r.status === 'repaired' ? 'Put back' : r.dryRun ? 'Would put back' : 'To put back'}: ${r.putBack.map((p) => p.digest).join(', ')}`);
        if (r.stillDamaged?.length)
            lines.push(`Still damaged after the repair: ${r.stillDamaged.join(', ')}`);
        return lines;
    },
    summaryCells: (r) => {
        const n = r.problems.length;
        const problems = `${n} problem${n === 1 ? '' : 's'}`;
        if (r.status === 'intact')
            return [`intact${r.deep ? ' (deep)' : ''}`];
        if (r.status === 'repaired')
            return [`repaired: ${r.putBack?.length ?? 0} put back (below)`];
        return [`${r.status}: ${problems} (below)`];
    },
    json: (r) => ({
        key: 'check',
        fields: {
            status: r.status,
            deep: r.deep,
            problems: r.problems,
            ...(r.putBack ? { putBack: r.putBack } : {}),
            ...(r.stillDamaged?.length ? { stillDamaged: r.stillDamaged } : {}),
        },
    }),
    wrote: (r) => (r.status === 'repaired' ? `${r.putBack?.length ?? 0} pieces put back` : undefined),
};

;// CONCATENATED MODULE: ./lib/src/job/pipeline/integrity-stage.js








/** The destination check's place among an image's records: its name and presenter. */
const CHECK = { name: INTEGRITY_CHECK, presenter: integrityPresenter };
/**
 * The root the destination should hold for an item: the source's (resolved once for the job).
 * The one place that says so: an item that carries its expected digest another way (a lock) is
 * compared with that here.
 */
function expectedRoot(prepared) {
    return prepared.resolved.root;
}
/**
 * The destination check as a stage of the per-image pipeline, run before the copy when the job
 * distrusts its destinations. `check`: drift (tags missing or naming another digest) and the walk
 * of the graph in the destination (and its referrers), recorded; an image with a problem fails
 * with one line, nothing is written. `repair`: an image whose tags already name the expected
 * digest is walked the same; what is missing or damaged is put back by the copy that follows
 * (damaged blobs deleted first where the registry allows), and checked again after it. An image
 * that differs is copied as ever.
 */
async function integrityStage(prepared, ctx) {
    const integrity = ctx.integrity;
    if (!integrity)
        return { done: false };
    const { record, src, dst } = prepared;
    const root = expectedRoot(prepared);
    const current = record.current ?? new Map();
    const where = placeOf(dst);
    const locked = record.item.locked;
    const against = locked ? `line ${locked.line} of the lock ${locked.file}` : 'the source';
    const drift = driftProblems(record.references ?? [], current, root, where, against);
    if (integrity.mode === 'repair' && record.state !== 'unchanged')
        return { done: false };
    const checker = integrity.check;
    const base = {
        source: record.source,
        destination: record.destination,
        digest: root.digest,
        deep: checker.deep,
        ...(ctx.dryRun && integrity.mode === 'repair' ? { dryRun: true } : {}),
    };
    // What the tags name is walked; a destination whose tags all name other content holds nothing of this image to walk.
    const holds = [...current.values()].some((d) => d === root.digest);
    let graph = { problems: [], manifests: [], blobs: 0, faulty: new Map() };
    let referrers = 0;
    if (holds) {
        graph = await checker.walk(dst, root, ctx.signal);
        if (record.options.referrers && record.item.locked && integrity.mode === 'check')
            record.say(`Referrers not compared: ${record.destination} is checked against its lock, and the source, which lists them, is not read`, 'warning');
        else if (record.options.referrers) {
            const found = await checker.referrers(src, dst, graph.manifests, ctx.signal);
            graph.problems.push(...found.problems);
            for (const [digest, desc] of found.faulty)
                graph.faulty.set(digest, desc);
            referrers = found.checked.length;
        }
    }
    const problems = [...drift, ...graph.problems];
    const checked = { manifests: graph.manifests.length, blobs: graph.blobs, referrers };
    const status = graph.problems.length ? 'damaged' : drift.length ? 'drifted' : 'intact';
    if (integrity.mode === 'check') {
        record.checks.add(CHECK, { ...base, status, problems, checked });
        if (problems.length)
            throw new IntegrityError(problemsLine(problems), problems);
        record.status = 'unchanged';
        return { done: true };
    }
    // A repair of an image its tags name already.
    if (!problems.length) {
        record.checks.add(CHECK, { ...base, status, problems, checked });
        return { done: false };
    }
    const putBack = [...graph.faulty.values()];
    const putBackList = putBack.map((d) => ({ digest: d.digest, kind: problems.find((p) => p.digest === d.digest)?.kind ?? 'missing-blob' }));
    const damaged = putBack.filter((d) => !(0,media_types/* isManifest */.Yh)(d.mediaType) && problems.some((p) => p.digest === d.digest && isDamagedBytes(p.kind)));
    if (ctx.dryRun) {
        record.checks.add(CHECK, { ...base, status, problems, checked, putBack: putBackList });
        record.status = 'copy';
        return { done: true };
    }
    // Damaged bytes go first: a registry takes a push of a digest it stores as done, whatever its bytes.
    const refused = [];
    for (const blob of damaged) {
        const removal = (0,targets_target/* isBlobDeleter */.pO)(dst)
            ? await dst.deleteBlob(blob, ctx.signal).catch((err) => {
                throw err instanceof errors/* CopyError */.k6 ? err : new errors/* CopyError */.k6('destination', `deleting blob ${blob.digest} from ${dst.description}`, err);
            })
            : 'refused';
        if (removal === 'refused')
            refused.push(blob.digest);
    }
    const finish = async () => {
        const still = damaged.length ? await checker.recheck(dst, damaged, ctx.signal) : [];
        checker.forget(dst, putBack.map((d) => d.digest));
        const stillDamaged = [...new Set([...refused, ...still.map((d) => d.digest)])];
        record.checks.add(CHECK, {
            ...base,
            status: stillDamaged.length ? 'damaged' : 'repaired',
            problems,
            checked,
            putBack: putBackList,
            ...(stillDamaged.length ? { stillDamaged } : {}),
        });
        if (stillDamaged.length) {
            const kept = stillDamaged.filter((d) => !refused.includes(d));
            const them = (n) => (n === 1 ? 'it' : 'them');
            const lines = [
                ...(refused.length
                    ? [
                        `${where} holds damaged bytes for ${refused.join(', ')} and refuses to delete blobs through its API: delete ${them(refused.length)} there (or enable deletes) and run the repair again`,
                    ]
                    : []),
                ...(kept.length
                    ? [
                        `${where} still holds damaged bytes for ${kept.join(', ')} after the repair deleted and pushed ${them(kept.length)} again: the registry keeps a digest's bytes once stored; remove them from its storage (CNCF distribution: the blob's data file) and run the repair again`,
                    ]
                    : []),
            ];
            throw new IntegrityError(lines.join('; '), problems.filter((p) => stillDamaged.includes(p.digest)));
        }
        record.status = 'repaired';
    };
    return { done: false, putBack: new Set(putBack.map((d) => d.digest)), finish };
}
/** A problem per reference that does not name `root`: a tag missing or naming another digest, a digest reference not stored. */
function driftProblems(references, current, root, where, against) {
    const problems = [];
    for (const reference of references) {
        const named = current.get(reference);
        if (named === root.digest)
            continue;
        if ((0,oci_digest/* isDigest */.Bc)(reference)) {
            problems.push({ kind: 'drift', digest: root.digest, where, detail: `manifest ${root.digest} not found` });
        }
        else if (named === undefined) {
            problems.push({ kind: 'drift', digest: root.digest, where, detail: `tag ${reference} missing (${against} names ${root.digest})` });
        }
        else {
            problems.push({ kind: 'drift', digest: named, where, detail: `tag ${reference} names ${named} (${against} names ${root.digest})` });
        }
    }
    return problems;
}

;// CONCATENATED MODULE: ./lib/src/job/pipeline/copy-stage.js






/**
 * The stages after the checks: copy the graph → tag (both in the engine: no tag before the whole
 * graph is in) → what the destination says of how it stored the image → the stages after tagging.
 * An image the destination already has under every reference costs nothing more here but the
 * stages that run on every run (signing). `blobs`: earlier destinations of the same image, which
 * give the blobs they hold instead of the source.
 */
async function completeItem(prepared, ctx, blobs = []) {
    const { record, src, dst, resolved, context } = prepared;
    const { root, source } = resolved;
    const state = record.state;
    const options = record.options;
    // A job that distrusts its destinations checks this one first: a check ends here, a repair
    // goes on to put back what the check found missing.
    const integrity = await integrityStage(prepared, ctx);
    if (integrity.done)
        return;
    const putBack = integrity.putBack;
    // Referrers can change while their image does not: with them on, the walk still runs (and
    // finds the image there) to look for new ones. An image acted on in place is never walked.
    if (record.item.inPlace || (state === 'unchanged' && !putBack && !options.referrers && !ctx.walkUnchanged)) {
        record.emit({ type: 'resolved', node: root, source, ...(resolved.platforms ? { platforms: resolved.platforms } : {}) });
        record.emit({ type: 'done', node: root, action: 'exists', bytes: 0 });
        record.status = 'unchanged';
        // Signing still makes sure the digest there ends up signed (a run whose signing failed is mended by running it again).
        await (0,check/* runAfterTag */.o7)(ctx.afterTag, { ...prepared.view, root }, record.checks, false);
        return;
    }
    if (ctx.dryRun && !ctx.walkInDryRun) {
        record.status = state === 'unchanged' ? 'unchanged' : 'copy';
        await (0,check/* runAfterTag */.o7)(ctx.afterTag, { ...prepared.view, root }, record.checks, false);
        return;
    }
    // Blobs an earlier destination of the image holds are read from there, not from the source again.
    const from = blobs.length ? relaySource(src, blobs) : src;
    const watch = resolved.platforms ? undefined : watchImagePlatform(from, root, ctx.signal);
    const onEvent = (event) => {
        record.emit(event);
        watch?.listener(event);
    };
    const copyOptions = {
        ...ctx.engine,
        platform: options.platform,
        referrers: options.referrers,
        noClobber: options.noClobber,
        manifestCache: ctx.roots.manifestCache(src),
        onEvent,
        ...(putBack ? { putBack } : {}),
    };
    const tagsRead = state === 'differs' || putBack ? record.current : undefined;
    try {
        await copyResolved(from, resolved, { target: dst, references: record.references, ...(tagsRead ? { tagsRead } : {}) }, copyOptions, context);
    }
    finally {
        const platform = await watch?.platform();
        if (platform)
            record.imagePlatform = platform;
    }
    if (!ctx.dryRun && (0,targets_target/* isStoreNoter */.ii)(dst))
        for (const note of await dst.storeNotes(root))
            record.say(note.message, note.level);
    record.status = ctx.dryRun ? (state === 'unchanged' ? 'unchanged' : 'copy') : wroteAnything(record.report, state);
    await integrity.finish?.();
    await (0,check/* runAfterTag */.o7)(ctx.afterTag, { ...prepared.view, root }, record.checks, true);
}
/** `unchanged` when the copy found everything there and moved no tag, else `copied`. */
function wroteAnything(report, compared) {
    const t = report.totals();
    return compared === 'unchanged' && t.copied === 0 && t.mounted === 0 ? 'unchanged' : 'copied';
}

;// CONCATENATED MODULE: ./lib/src/job/pipeline/prepare.js








/**
 * The stages before any byte moves: select (open both ends, read what the source reference means)
 * → resolve the root (once per source image, shared) → read what the destination's references
 * name → judge → the checks. Each hands the next its value; what each learns goes on the record.
 */
async function prepareItem(record, ctx) {
    const item = record.item;
    if (item.failure)
        throw new Error(item.failure);
    if (item.inPlace)
        return prepareInPlace(record, ctx);
    const src = await ctx.pool.source(item.source);
    record.sourceDescription = src.description;
    const dst = await ctx.pool.destination(item.destination);
    record.destinationDescription = dst.description;
    const srcRef = await defaultSelector(src, item.source);
    // A check against a lock needs no source: the root is read from the destination by the digest the
    // lock names (one it does not hold is named as missing), so an air-gapped mirror checks against its lock.
    const fromLock = item.locked !== undefined && ctx.integrity?.mode === 'check';
    const readFrom = fromLock ? dst : src;
    const platform = fromLock ? undefined : record.options.platform;
    // A locked image is read by the digest its lock names, whatever its tag names now (the drift check says that).
    const readRef = item.locked
        ? { tags: [], digest: fromLock ? item.locked.digest : (item.locked.sourceDigest ?? item.locked.digest) }
        : srcRef;
    const context = ctx.roots.context(readFrom, readRef, platform);
    // The destination's tags are known before the source answers (unless it is stored by digest):
    // both sides are asked at once, a round trip saved per image. A layout or archive keeps a tag
    // per image name: the read asks for this image's, as tagging will.
    const knownTags = item.destination.tags.length ? item.destination.tags : srcRef.tags;
    // What the caller read moments ago (a library caller may say) is not read again.
    const given = record.current;
    const early = knownTags.length && !readAll(given, knownTags)
        ? (async () => readDestination(dst, knownTags, undefined, (0,targets_target/* isLocated */.B0)(dst) ? undefined : await context))()
        : undefined;
    early?.catch(() => undefined);
    const resolved = await ctx.roots.resolve(readFrom, readRef, platform).catch((err) => {
        if (!fromLock)
            throw err;
        throw new Error(`${(0,oci_reference/* formatReference */.FH)({ ...item.destination, tags: [] })} does not hold ${item.locked.digest}, which ${item.locked.file} line ${item.locked.line} locks: ${(0,errors/* messageOf */.bD)(err)}`);
    });
    record.resolved = resolved;
    if (item.locked && resolved.root.digest !== item.locked.digest) {
        throw new errors/* InputError */.dz(`${item.locked.file} line ${item.locked.line} locks ${item.locked.digest}, but the platforms asked for make ${resolved.root.digest} of the source's ${resolved.source.digest}: lock it again without locked, or ask for the platforms it was locked with`);
    }
    checkDestinationDigest(item.destination, resolved);
    const references = destinationReferences(srcRef, item.destination, resolved.root);
    record.references = references;
    record.source = (0,oci_reference/* formatReference */.FH)({ ...item.source, tags: srcRef.tags });
    record.destination = destinationName(item.destination, references);
    const current = readAll(given, references)
        ? new Map(references.map((r) => [r, given.get(r)]))
        : early
            ? await early
            : await readDestination(dst, references, resolved.root);
    const { state } = judgeDestination(resolved.root, current);
    record.current = current;
    record.state = state;
    const view = await checked(record, ctx, { src, dst, resolved, references, current, state });
    return { record, src, dst, srcRef: readRef, resolved, context: await context, view };
}
/**
 * An image acted on where it is: one target is both ends, the root is resolved there, and it is
 * the image the place already holds under its references (what the reference names was just
 * read), so nothing is read again and only the checks and stages that run on every run see it.
 */
async function prepareInPlace(record, ctx) {
    const item = record.item;
    if (!ctx.pool.inPlace)
        throw new Error(`${(0,oci_reference/* formatReference */.FH)(item.source)} cannot be acted on in place here`);
    const dst = await ctx.pool.inPlace(item.source);
    const src = dst;
    record.sourceDescription = record.destinationDescription = dst.description;
    const srcRef = await defaultSelector(src, item.source);
    const platform = record.options.platform;
    const context = await ctx.roots.context(src, srcRef, platform);
    const resolved = await ctx.roots.resolve(src, srcRef, platform);
    record.resolved = resolved;
    const references = (0,in_place/* inPlaceReferences */.$)(srcRef, resolved);
    const current = new Map(references.map((r) => [r, resolved.root.digest]));
    record.references = references;
    record.source = (0,oci_reference/* formatReference */.FH)({ ...item.source, tags: srcRef.tags });
    record.destination = destinationName(item.destination, references);
    record.current = current;
    record.state = 'unchanged';
    const view = await checked(record, ctx, { src, dst, resolved, references, current, state: 'unchanged' });
    return { record, src, dst, srcRef, resolved, context, view };
}
/** The checks' view of the image, once every check let it through (a refusal is thrown, naming its check on the record). */
async function checked(record, ctx, seen) {
    const item = record.item;
    const { src, dst, resolved, references, current, state } = seen;
    const view = {
        item,
        ...(item.from ? { entry: item.from } : {}),
        options: record.options,
        dryRun: ctx.dryRun,
        source: src,
        destination: dst,
        resolved,
        references,
        current,
        state,
        signal: ctx.signal,
        ...(ctx.integrity?.mode === 'check' ? { checking: true } : {}),
        notice: (message, check) => record.say(message, undefined, check),
        warning: (message) => record.say(message, 'warning'),
    };
    try {
        await (0,check/* runChecks */.JT)(ctx.checks, view, record.checks);
    }
    catch (err) {
        if (err instanceof check/* CheckRefusal */.R8)
            record.refusedBy = err.check;
        throw err;
    }
    return view;
}
/** The destination with the tags it gets, or `@digest` when it is stored by digest alone. */
function destinationName(ref, references) {
    const tags = references.filter((r) => !(0,oci_digest/* isDigest */.Bc)(r));
    const digest = tags.length ? ref.digest : (ref.digest ?? references.find((r) => (0,oci_digest/* isDigest */.Bc)(r)));
    return (0,oci_reference/* formatReference */.FH)({ ...ref, tags, digest });
}
/** Whether `read` says what every one of `references` names. */
function readAll(read, references) {
    return !!read && references.every((r) => read.has(r));
}

;// CONCATENATED MODULE: ./lib/src/job/run-items.js








/**
 * Runs every item down the pipeline, a group at a time on each of `parallel` workers. Within a
 * group (the destinations of one image) every item is prepared first, so a check that refuses the
 * image for one destination stops it for all of them before any byte moves; then each is copied in
 * turn, its log open while it copies, reading the blobs an earlier one holds from there rather than
 * from the source again. A failure never stops the others unless `failFast`.
 */
async function runItems(items, ctx, options) {
    const results = new Array(items.length);
    let stopped = false;
    let next = 0;
    const finish = (record) => {
        record.report.finish();
        for (const w of options.watchers ?? [])
            w.itemFinished?.(record.item);
        const outcome = itemOutcome(record);
        results[record.index] = outcome;
        options.reporter.itemDone?.(outcome);
        if (record.status === 'failed' && options.failFast)
            stopped = true;
    };
    const fail = (record, err) => {
        record.error = err;
        // Left for the next run by the pull budget: a decision, not a failure.
        if (err instanceof ImageDeferred)
            return void (record.status = 'deferred');
        record.status = 'failed';
        record.error = err;
        if (err instanceof check/* CheckRefusal */.R8)
            record.refusedBy = err.check;
    };
    const skip = (record, why) => {
        record.status = 'skipped';
        record.error = new Error(why);
    };
    const checksBehind = (record) => {
        for (const w of options.watchers ?? [])
            w.itemPrepared?.(record.item);
    };
    const heading = (record) => ({ index: record.index, item: record.item, operation: record.operation, dryRun: ctx.dryRun });
    const runGroup = async (indices) => {
        const records = indices.map((i) => new ItemRecord(i, items[i], items[i].inPlace ?? (0,operation/* inferOperation */.g)(items[i].source, items[i].destination), imageOptions(options.defaults, items[i])));
        const prepared = new Map();
        // An immutable tag the destination has is unchanged, and neither side is asked; unless the job
        // distrusts its destinations (check, repair): then it is walked as any other.
        const known = new Set(ctx.integrity ? [] : records.filter((r) => r.item.unchanged === 'immutable'));
        for (const record of known) {
            record.status = 'unchanged';
            record.reason = 'immutable';
        }
        if (!stopped) {
            await Promise.all(records
                .filter((r) => !known.has(r))
                .map((record) => prepareItem(record, ctx)
                .then((p) => void prepared.set(record, p), (err) => fail(record, err))
                .finally(() => checksBehind(record))));
        }
        // Those never prepared (immutable, or after a failure with fail-fast) are past the checks too.
        for (const record of records)
            if (!prepared.has(record) && record.error === undefined)
                checksBehind(record);
        // Each is timed from here only while it is its turn: its time is its own, not the group's so far.
        for (const record of records)
            record.wait();
        const refused = records.find((r) => r.refusedBy);
        // The destinations copied so far, each with the blobs it holds: the next ones read those from there.
        const holders = [];
        for (const record of records) {
            if (known.has(record)) {
                record.start(options.reporter.itemStarted?.({ ...heading(record), known: 'unchanged' }));
                finish(record);
                continue;
            }
            const ready = prepared.get(record);
            if (ready && refused)
                skip(record, `${refused.refusedBy} refused the image for ${refused.destination}`);
            else if (!ready && record.error === undefined)
                skip(record, 'an earlier image failed and fail-fast is set');
            else if (ready && stopped)
                skip(record, 'an earlier image failed and fail-fast is set');
            const unchanged = ready && record.state === 'unchanged' && !record.options.referrers;
            const knownAs = record.status === 'skipped' ? 'skipped' : unchanged ? 'unchanged' : undefined;
            record.start(options.reporter.itemStarted?.({ ...heading(record), ...(knownAs ? { known: knownAs } : {}) }));
            if (ready && record.status !== 'skipped') {
                try {
                    await completeItem(ready, ctx, holders);
                }
                catch (err) {
                    fail(record, err);
                }
                if (!ctx.dryRun)
                    holders.push(blobHolder(ready.dst, record.report.nodes));
            }
            if (ready && record.status !== 'failed' && record.status !== 'skipped') {
                ctx.pool.served(ready.src);
                ctx.pool.served(ready.dst);
            }
            finish(record);
        }
    };
    const worker = async () => {
        while (next < options.groups.length)
            await runGroup(options.groups[next++]);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, options.groups.length)) }, worker));
    return results;
}
/** What an image is copied with: the job's settings, its entry's own fields over them. In place, nothing is copied: no referrers, no tag to clobber. */
function imageOptions(defaults, item) {
    if (item.inPlace)
        return { ...(defaults.platform ? { platform: defaults.platform } : {}), referrers: false, noClobber: false };
    return {
        ...defaults,
        ...(item.platform ? { platform: item.platform } : {}),
        ...(item.referrers !== undefined ? { referrers: item.referrers } : {}),
    };
}

;// CONCATENATED MODULE: ./lib/src/job/run-job.js











/** The checks every job runs first, in order. */
const BUILT_IN_CHECKS = [noClobberCheck];
/**
 * Runs a job: the one place that opens the targets (one pool, one set of connections per
 * registry), wires interrupts, loads the trust settings, plans, runs every item down the
 * per-image pipeline, closes the targets and keeps what should outlive the job. The action, the
 * command line and the library all call it; what they show comes from its outcome. Job-level
 * features (the pull budget, prune, the blob-info cache rule) join each phase through their hooks.
 *
 * Closing follows one rule: a target that served an item that succeeded commits what it wrote,
 * every other one throws its work away (an interrupt closes them all as failed at once).
 */
async function runJob(settings, hooks = {}) {
    const job = await openPhase(settings, hooks);
    try {
        const plan = await planPhase(job);
        const results = await runItemsPhase(job, plan);
        await afterItemsPhase(job, results);
        return await closePhase(job, plan, results);
    }
    finally {
        await job.release();
    }
}
/** Trust, the pool and interrupts, then the features the settings ask for, each opened (the cache restored). */
async function openPhase(settings, hooks) {
    const work = settings.work;
    if (work.kind === 'in-place')
        (0,in_place/* checkInPlace */.L)(work.reference, work.operation, settings.image?.platform, 'the reference');
    const opened = await openJob(settings, hooks.reporter ?? {});
    const job = { ...opened, features: jobFeatures(opened, hooks.cacheStore) };
    try {
        for (const f of job.features)
            await f.open?.();
    }
    catch (err) {
        await job.release();
        throw err;
    }
    return job;
}
/** The work as items, each feature seeing the plan (and reordering it) before the shell does. */
async function planPhase(job) {
    const knownTags = (repository) => {
        for (const f of job.features) {
            const tags = f.sourceTags?.(repository);
            if (tags)
                return tags;
        }
        return undefined;
    };
    const checking = job.settings.integrity?.mode === 'check';
    const planned = await planWork(job.settings.work, job.pool, { concurrency: job.concurrency, knownTags, checking });
    for (const line of planned.problems ?? [])
        job.warn(line);
    let plan = planned;
    for (const f of job.features)
        plan = f.planned?.(plan) ?? plan;
    job.reporter.planned?.(plan);
    return plan;
}
/** Every item down the per-image pipeline, under one transfer budget and one ledger. */
async function runItemsPhase(job, plan) {
    const { settings, concurrency, dryRun, signal } = job;
    const work = settings.work;
    const transfers = new Limiter(concurrency);
    const checks = new Limiter(concurrency);
    const integrity = settings.integrity;
    const checking = integrity?.mode === 'check';
    const allChecks = [...BUILT_IN_CHECKS, ...(settings.checks ?? []), ...job.features.flatMap((f) => (f.check ? [f.check] : []))];
    const ctx = {
        pool: job.pool,
        roots: new SourceRoots(new Limiter(concurrency), signal),
        engine: {
            concurrency,
            mount: settings.mount !== false,
            dryRun,
            ...gathered(job.features.map((f) => f.engine?.())),
            transfers,
            checks,
            ledger: new BlobLedger(),
            signal,
        },
        dryRun,
        walkInDryRun: work.kind === 'copy',
        // The features' checks last: an image another check refuses spends no pulls. A check of the
        // destinations moves nothing: only the gates of every run (a signature policy) apply.
        checks: checking ? allChecks.filter((c) => c.everyRun) : allChecks,
        afterTag: checking ? [] : (settings.afterTag ?? []),
        signal,
        ...(integrity
            ? { integrity: { mode: integrity.mode, check: new DestinationCheck({ deep: integrity.deep === true, checks, transfers }) } }
            : {}),
    };
    const items = plan.items;
    return runItems(items, ctx, {
        // One image to several places: one group, its destinations copied in turn. Many images: one each.
        groups: work.kind === 'sync' ? items.map((_, i) => [i]) : [items.map((_, i) => i)],
        parallel: work.kind === 'sync' ? (settings.parallel ?? concurrency) : 1,
        failFast: settings.failFast === true,
        defaults: settings.image ?? {},
        reporter: job.reporter,
        watchers: job.features,
    });
}
/** What the features do once every item is done (prune; the pull budget keeps what it left). */
async function afterItemsPhase(job, results) {
    for (const f of job.features)
        await f.afterItems?.(results);
}
/** The targets closed (committing what succeeded), the features' own closing, then the outcome. */
async function closePhase(job, plan, results) {
    const rateLimits = job.pool.rateLimits();
    await job.closeTargets();
    for (const f of job.features)
        await f.close?.(results);
    // An image acted on in place is one image, reported as a one-image job is.
    return (0,outcome/* jobOutcome */.Yr)(job.settings.work.kind === 'sync' ? 'sync' : 'copy', job.dryRun, results, {
        plan: {
            all: plan.all.length,
            ...(plan.entries !== undefined ? { entries: plan.entries } : {}),
            ...(plan.shard ? { shard: plan.shard } : {}),
            ...(plan.nothingSelected?.length ? { nothingSelected: plan.nothingSelected } : {}),
        },
        rateLimits,
        durationMs: Date.now() - job.startedAt,
        warnings: job.warnings,
        failFast: job.settings.failFast === true,
        ...(job.settings.integrity ? { integrity: job.settings.integrity.mode } : {}),
        ...gathered(job.features.map((f) => f.outcome?.())),
    });
}
/** The features' parts, one object. */
function gathered(parts) {
    return Object.assign({}, ...parts);
}


/***/ }),

/***/ 59995:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   UM: () => (/* binding */ plainDescriptor),
/* harmony export */   VK: () => (/* binding */ shortDigest),
/* harmony export */   _0: () => (/* binding */ ANNOTATION_REF_NAME),
/* harmony export */   uq: () => (/* binding */ ANNOTATION_IMAGE_NAME)
/* harmony export */ });
const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
/** containerd and Docker 25+ keep the full image name here beside the tag. */
const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
/** The descriptor without the fields that only make sense in its parent (annotations, platform). */
function plainDescriptor(desc) {
    return { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
}
function shortDigest(digest) {
    const i = digest.indexOf(':');
    return digest.slice(i + 1, i + 13);
}


/***/ }),

/***/ 36618:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bc: () => (/* binding */ isDigest),
/* harmony export */   RV: () => (/* binding */ verifyBytes),
/* harmony export */   SC: () => (/* binding */ VerifyingStream),
/* harmony export */   Sm: () => (/* binding */ namesOtherContent),
/* harmony export */   WQ: () => (/* binding */ digestProblem),
/* harmony export */   ce: () => (/* binding */ newHasher),
/* harmony export */   m: () => (/* binding */ parseDigest),
/* harmony export */   ol: () => (/* binding */ digestOf)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57075);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29949);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4277);




const ALGORITHMS = {
    sha256: { hash: 'sha256', hex: 64 },
    sha512: { hash: 'sha512', hex: 128 },
};
const DIGEST_RE = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
function parseDigest(value) {
    const m = DIGEST_RE.exec(value);
    const alg = m && ALGORITHMS[m[1]];
    if (!m || !alg || m[2].length !== alg.hex || !/^[a-f0-9]+$/.test(m[2])) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`invalid digest ${(0,_text_js__WEBPACK_IMPORTED_MODULE_3__/* .quoted */ .TL)(value)}: expected sha256:<64 hex> or sha512:<128 hex>`);
    }
    return { algorithm: m[1], hex: m[2] };
}
/**
 * Why `value` is not a digest this code can verify, or undefined when it is one: the OCI grammar,
 * a registered algorithm (sha256, sha512), and its encoding as lower-case hex of the right length.
 * For values from outside (a manifest, a registry's header), where a wrong one is the sender's fault.
 */
function digestProblem(value) {
    if (typeof value !== 'string')
        return 'is not a string';
    const m = DIGEST_RE.exec(value);
    if (!m)
        return 'is not of the form <algorithm>:<encoded>';
    const alg = ALGORITHMS[m[1]];
    if (!alg)
        return `uses the algorithm ${(0,_text_js__WEBPACK_IMPORTED_MODULE_3__/* .quoted */ .TL)(m[1], 32)}, which is not sha256 or sha512`;
    if (m[2].length !== alg.hex || !/^[a-f0-9]+$/.test(m[2]))
        return `is not ${m[1]}:<${alg.hex} lower-case hex digits>`;
    return undefined;
}
/** Asked of every tag and reference on the hot path: answers without building an error. */
function isDigest(value) {
    return digestProblem(value) === undefined;
}
/**
 * Whether `answered` (a registry's `Docker-Content-Digest`, say) names other content than the
 * `requested` digest. Only a valid digest of the same algorithm can be compared; one in another
 * algorithm names the content no differently as far as can be told, and the bytes are checked
 * against `requested` when they are read. What is not a digest at all is another fault, judged where it is read.
 */
function namesOtherContent(requested, answered) {
    if (answered === undefined || answered === requested || !isDigest(answered) || !isDigest(requested))
        return false;
    return parseDigest(answered).algorithm === parseDigest(requested).algorithm;
}
function digestOf(data, algorithm = 'sha256') {
    return `${algorithm}:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)(ALGORITHMS[algorithm].hash).update(data).digest('hex')}`;
}
function newHasher(digest) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)(ALGORITHMS[parseDigest(digest).algorithm].hash);
}
/** Checks a whole buffer (a manifest) against what its descriptor promised. */
function verifyBytes(data, expected) {
    if (data.byteLength !== expected.size) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentError */ .yg(`size mismatch for ${expected.digest}: expected ${expected.size} bytes, got ${data.byteLength}`);
    }
    const actual = digestOf(data, parseDigest(expected.digest).algorithm);
    if (actual !== expected.digest) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentError */ .yg(`digest mismatch: expected ${expected.digest}, got ${actual}`);
    }
}
/**
 * A pass-through stream that hashes and counts what flows through it and fails, instead of ending,
 * when the total does not match the descriptor. A consumer therefore never sees a clean end of
 * content that is wrong, and a writer that commits only on end commits only verified bytes.
 */
class VerifyingStream extends node_stream__WEBPACK_IMPORTED_MODULE_1__.Transform {
    expected;
    onBytes;
    hash;
    seen = 0;
    checked = false;
    keptChunks;
    /**
     * `keep`: a size up to which the content's bytes are also kept, so a small document (an image
     * config) that is copied anyway need not be fetched again to be read.
     */
    constructor(expected, onBytes, keep = 0) {
        super();
        this.expected = expected;
        this.onBytes = onBytes;
        this.hash = newHasher(expected.digest);
        this.keptChunks = expected.size <= keep ? [] : undefined;
    }
    get bytes() {
        return this.seen;
    }
    /** The kept bytes, once all of them have passed and matched the digest; else undefined. */
    get kept() {
        return this.checked && this.keptChunks ? Buffer.concat(this.keptChunks) : undefined;
    }
    _transform(chunk, _enc, done) {
        this.seen += chunk.length;
        if (this.seen > this.expected.size) {
            done(new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentError */ .yg(`size mismatch for ${this.expected.digest}: more than the expected ${this.expected.size} bytes`));
            return;
        }
        this.hash.update(chunk);
        this.keptChunks?.push(chunk);
        this.onBytes?.(this.seen);
        done(null, chunk);
    }
    _flush(done) {
        if (this.seen !== this.expected.size) {
            done(new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentError */ .yg(`size mismatch for ${this.expected.digest}: expected ${this.expected.size} bytes, got ${this.seen}`));
            return;
        }
        const actual = `${parseDigest(this.expected.digest).algorithm}:${this.hash.digest('hex')}`;
        if (actual !== this.expected.digest) {
            done(new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentError */ .yg(`digest mismatch: expected ${this.expected.digest}, got ${actual}`));
            return;
        }
        this.checked = true;
        done();
    }
}


/***/ }),

/***/ 365:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MF: () => (/* binding */ tagOfImageName),
/* harmony export */   W7: () => (/* binding */ repositoryOfImageName),
/* harmony export */   Y2: () => (/* binding */ normalizeImageName),
/* harmony export */   mi: () => (/* binding */ imageNameOf),
/* harmony export */   ph: () => (/* binding */ sameImageName),
/* harmony export */   w7: () => (/* binding */ familiarImageName)
/* harmony export */ });
/* harmony import */ var _descriptor_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(59995);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(91839);


/**
 * Full image names, as docker archives and containerd keep them: `docker.io/library/app:1.2` in
 * the `io.containerd.image.name` annotation, the familiar `app:1.2` in a `manifest.json`'s
 * `RepoTags`. One image has both spellings; names are compared in the full one.
 */
/** `app:1.2` → `docker.io/library/app:1.2`; a name without a tag is `:latest`, as docker reads it. Undefined when it is no image name. */
function normalizeImageName(name) {
    if (name.includes('@') || name.includes(',') || name.includes('://'))
        return undefined;
    try {
        const ref = (0,_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .parseReference */ .F2)(`docker://${name}`);
        if (ref.transport !== 'registry')
            return undefined;
        return `${ref.registry}/${ref.repository}:${ref.tags[0] ?? 'latest'}`;
    }
    catch {
        return undefined;
    }
}
/** Whether two spellings name the same image (`app` and `docker.io/library/app:latest` do). */
function sameImageName(a, b) {
    const na = normalizeImageName(a);
    return na !== undefined && na === normalizeImageName(b);
}
/** `docker.io/library/app:1.2` → `app:1.2`, `docker.io/acme/app:1` → `acme/app:1`: how docker writes `RepoTags`. */
function familiarImageName(fullName) {
    const prefix = `${_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .DOCKER_HUB */ .Xb}/`;
    if (!fullName.startsWith(prefix))
        return fullName;
    const rest = fullName.slice(prefix.length);
    return rest.startsWith('library/') && !rest.slice('library/'.length).includes('/') ? rest.slice('library/'.length) : rest;
}
/** `host/repo:tag` → `host/repo`. */
function repositoryOfImageName(fullName) {
    const colon = fullName.lastIndexOf(':');
    return colon > fullName.lastIndexOf('/') ? fullName.slice(0, colon) : fullName;
}
/** `registry:5000/repo:1.2` → `1.2`; a name without a tag is `latest`, as docker reads it. */
function tagOfImageName(name) {
    const colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}
/** The full name an index entry carries: containerd's annotation, or a ref.name that is a full name (older containerd). */
function imageNameOf(desc) {
    const named = desc.annotations?.[_descriptor_js__WEBPACK_IMPORTED_MODULE_1__/* .ANNOTATION_IMAGE_NAME */ .uq];
    if (named)
        return named;
    const ref = desc.annotations?.[_descriptor_js__WEBPACK_IMPORTED_MODULE_1__/* .ANNOTATION_REF_NAME */ ._0];
    return ref !== undefined && !(0,_reference_js__WEBPACK_IMPORTED_MODULE_0__/* .isTag */ .dz)(ref) ? ref : undefined;
}


/***/ }),

/***/ 83300:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KX: () => (/* binding */ MAX_JSON_DEPTH),
/* harmony export */   Rj: () => (/* binding */ parseBoundedJson),
/* harmony export */   ix: () => (/* binding */ nestsDeeperThan)
/* harmony export */ });
/**
 * JSON from outside, read with a bound on nesting. `JSON.parse` builds every nested array and object
 * before anything can look at them: 4 MiB of `[` makes two million arrays (hundreds of MB, seconds
 * of work) where no manifest nests more than a handful of levels. One pass over the bytes, counting
 * brackets outside strings, refuses such a document first.
 */
/** Far deeper than any manifest, index, config or error body (they nest 5 or 6 levels). */
const MAX_JSON_DEPTH = 64;
/** Whether `text` nests arrays and objects more than `max` levels deep. */
function nestsDeeperThan(text, max = MAX_JSON_DEPTH) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c)
                i++; // a backslash escapes the next character
            else if (c === 0x22)
                inString = false;
        }
        else if (c === 0x22) {
            inString = true;
        }
        else if (c === 0x5b || c === 0x7b) {
            if (++depth > max)
                return true;
        }
        else if (c === 0x5d || c === 0x7d) {
            depth--;
        }
    }
    return false;
}
/** `JSON.parse`, refusing (with a SyntaxError, as for any document that is not JSON) one nested too deep. */
function parseBoundedJson(text) {
    if (nestsDeeperThan(text))
        throw new SyntaxError(`JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
    return JSON.parse(text);
}


/***/ }),

/***/ 98775:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A1: () => (/* binding */ parseIndex),
/* harmony export */   RW: () => (/* binding */ defaultSuccessors),
/* harmony export */   Sw: () => (/* binding */ parseImageManifest),
/* harmony export */   qF: () => (/* binding */ parseJson)
/* harmony export */ });
/* unused harmony export checkDescriptor */
/* harmony import */ var _digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36618);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _media_types_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7964);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4277);
/* harmony import */ var _json_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(83300);





function parseJson(content, what) {
    const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
    if ((0,_json_js__WEBPACK_IMPORTED_MODULE_3__/* .nestsDeeperThan */ .ix)(text))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} is not a manifest: its JSON nests more than ${_json_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_JSON_DEPTH */ .KX} levels deep`);
    try {
        return JSON.parse(text);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} is not valid JSON`);
    }
}
/**
 * Checks every descriptor of a list when a manifest is parsed, before anything acts on one: a digest
 * this code can verify (lower-case hex of the algorithm's length; unknown algorithms refused), a
 * size that is a non-negative safe integer, a media type, and the optional fields of the types the
 * spec gives them. A registry or file that sends anything else is at fault, and is named as such,
 * before any request reaches the other side.
 */
function checkDescriptors(list, what, field) {
    if (!Array.isArray(list))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} is malformed: "${field}" is not a list of descriptors`);
    for (const [i, d] of list.entries())
        checkDescriptor(d, what, `${field}[${i}]`);
    return list;
}
function checkDescriptor(d, what, field) {
    const problem = descriptorProblem(d);
    if (problem)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} is malformed: ${field} ${problem}`);
    return d;
}
function descriptorProblem(value) {
    if (!value || typeof value !== 'object' || Array.isArray(value))
        return 'is not a descriptor';
    const d = value;
    if (typeof d.mediaType !== 'string' || !d.mediaType)
        return 'lacks a mediaType';
    if (d.digest === undefined)
        return 'lacks a digest';
    const digest = (0,_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .digestProblem */ .WQ)(d.digest);
    if (digest)
        return `has a digest ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quoted */ .TL)(d.digest, 80)} that ${digest}`;
    if (d.size === undefined)
        return 'lacks a size';
    if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
        return `has a size ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .printable */ .g$)(JSON.stringify(d.size), 40)} that is not a whole number of bytes from 0 to 2^53-1`;
    }
    if (d.artifactType !== undefined && typeof d.artifactType !== 'string')
        return 'has an artifactType that is not a string';
    if (d.urls !== undefined && !(Array.isArray(d.urls) && d.urls.every((u) => typeof u === 'string')))
        return 'has urls that are not a list of strings';
    if (d.annotations !== undefined && !isStringMap(d.annotations))
        return 'has annotations that are not a map of strings';
    if (d.platform !== undefined) {
        const p = d.platform;
        if (!p || typeof p !== 'object' || typeof p.os !== 'string' || typeof p.architecture !== 'string')
            return 'has a platform without os and architecture';
        if (p.variant !== undefined && typeof p.variant !== 'string')
            return 'has a platform variant that is not a string';
    }
    return undefined;
}
function isStringMap(value) {
    return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
function parseIndex(content, what = 'index') {
    const index = parseJson(content, what);
    if (!index || typeof index !== 'object')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} is malformed: not a JSON object`);
    checkDescriptors(index.manifests, what, 'manifests');
    if (index.subject !== undefined)
        checkDescriptor(index.subject, what, 'subject');
    return index;
}
function parseImageManifest(content, what = 'manifest') {
    const manifest = parseJson(content, what);
    if (!manifest || typeof manifest !== 'object')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${what} is malformed: not a JSON object`);
    checkDescriptor(manifest.config, what, 'config');
    checkDescriptors(manifest.layers ?? [], what, 'layers');
    if (manifest.subject !== undefined)
        checkDescriptor(manifest.subject, what, 'subject');
    return manifest;
}
/**
 * The default successors of a node, in descriptor order: an index's manifests; a manifest's config
 * then layers. The subject is not a successor: a referrer points at its subject, it does not own it.
 * Layers with foreign `urls` are not copied (they are not in the registry), as docker and skopeo do.
 */
function defaultSuccessors(desc, content) {
    if (!content)
        return [];
    if ((0,_media_types_js__WEBPACK_IMPORTED_MODULE_2__/* .isIndex */ .nw)(desc.mediaType))
        return parseIndex(content, `index ${desc.digest}`).manifests;
    if ((0,_media_types_js__WEBPACK_IMPORTED_MODULE_2__/* .isImageManifest */ .pJ)(desc.mediaType)) {
        const m = parseImageManifest(content, `manifest ${desc.digest}`);
        return [m.config, ...(m.layers ?? []).filter((l) => !l.urls?.length)];
    }
    return [];
}


/***/ }),

/***/ 7964:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Yh: () => (/* binding */ isManifest),
/* harmony export */   ZJ: () => (/* binding */ MAX_MANIFEST_BYTES),
/* harmony export */   _m: () => (/* binding */ isImageConfig),
/* harmony export */   dY: () => (/* binding */ MANIFEST_ACCEPT),
/* harmony export */   nw: () => (/* binding */ isIndex),
/* harmony export */   pJ: () => (/* binding */ isImageManifest),
/* harmony export */   zu: () => (/* binding */ MediaType)
/* harmony export */ });
/* unused harmony exports INDEX_TYPES, IMAGE_MANIFEST_TYPES, MANIFEST_TYPES */
const MediaType = {
    OciManifest: 'application/vnd.oci.image.manifest.v1+json',
    OciIndex: 'application/vnd.oci.image.index.v1+json',
    OciConfig: 'application/vnd.oci.image.config.v1+json',
    OciLayer: 'application/vnd.oci.image.layer.v1.tar',
    OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    OciEmpty: 'application/vnd.oci.empty.v1+json',
    DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    DockerConfig: 'application/vnd.docker.container.image.v1+json',
    DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
};
const INDEX_TYPES = [MediaType.OciIndex, MediaType.DockerManifestList];
const IMAGE_MANIFEST_TYPES = [MediaType.OciManifest, MediaType.DockerManifest];
const MANIFEST_TYPES = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES];
/** The Accept header a registry needs to answer with any kind of manifest. */
const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');
function isIndex(mediaType) {
    return INDEX_TYPES.includes(mediaType);
}
function isImageManifest(mediaType) {
    return IMAGE_MANIFEST_TYPES.includes(mediaType);
}
const IMAGE_CONFIG_TYPES = [MediaType.OciConfig, MediaType.DockerConfig];
/** An image's config (OCI or Docker): the JSON that names its platform, entrypoint and history. */
function isImageConfig(mediaType) {
    return IMAGE_CONFIG_TYPES.includes(mediaType);
}
/** Manifests are fetched and parsed by the engine; everything else is an opaque blob streamed through. */
function isManifest(mediaType) {
    return MANIFEST_TYPES.includes(mediaType);
}
/** Refuse larger manifests, as oras-go, skopeo and regclient do: a manifest is read whole into memory. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;


/***/ }),

/***/ 56993:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bq: () => (/* binding */ formatPlatform),
/* harmony export */   FL: () => (/* binding */ parsePlatform),
/* harmony export */   J5: () => (/* binding */ platformMatches),
/* harmony export */   _P: () => (/* binding */ platformList)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4277);


/** Parses `os/arch[/variant]`, as docker and skopeo accept it (`linux/arm64`, `linux/arm/v7`). */
function parsePlatform(value, what = 'platform') {
    const parts = value.trim().split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${what} ${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .quoted */ .TL)(value)} is not a platform: use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm/v7`);
    }
    const [os, architecture, variant] = parts.map((p) => p.toLowerCase());
    return variant ? { os, architecture, variant } : { os, architecture };
}
function formatPlatform(p) {
    return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
/** Variants that equal their absence: `arm64` is `arm64/v8`, `arm` defaults to v7 in the field. */
const DEFAULT_VARIANT = { arm64: 'v8', arm: 'v7' };
/** True when `candidate` (from an index) serves what `wanted` (from the user) asks for. */
function platformMatches(wanted, candidate) {
    if (!candidate)
        return false;
    if (wanted.os !== candidate.os.toLowerCase() || wanted.architecture !== candidate.architecture.toLowerCase())
        return false;
    if (!wanted.variant)
        return true;
    const have = candidate.variant?.toLowerCase() ?? DEFAULT_VARIANT[candidate.architecture];
    return have === wanted.variant;
}
/** The platforms asked for, as a list (empty when none). */
function platformList(platform) {
    if (!platform)
        return [];
    return Array.isArray(platform) ? [...platform] : [platform];
}


/***/ }),

/***/ 91839:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Xb: () => (/* binding */ DOCKER_HUB),
  FH: () => (/* binding */ formatReference),
  pq: () => (/* binding */ isLoopbackHostname),
  jW: () => (/* binding */ isLoopbackRegistry),
  dz: () => (/* binding */ isTag),
  F2: () => (/* binding */ parseReference),
  dq: () => (/* binding */ refuseLongNames)
});

// UNUSED EXPORTS: MAX_REPOSITORY_LENGTH, MAX_TAG_LENGTH, referenceSelector

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: ./lib/src/oci/digest.js
var oci_digest = __webpack_require__(36618);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: ./lib/src/oci/spelling.js
var spelling = __webpack_require__(21120);
;// CONCATENATED MODULE: ./lib/src/oci/transports.js



/** The transports references may name, as they are written. */
const KNOWN = ['docker://', 'oci:', 'oci-archive:', 'docker-archive:'];
/** skopeo's other transports, and what to do instead. */
const ELSEWHERE = {
    'docker-daemon': 'export the image with `docker save IMAGE -o app.tar` and copy from docker-archive:app.tar, or push it to a registry',
    'containers-storage': 'export the image with `podman save --format oci-archive -o app.tar IMAGE` and copy from oci-archive:app.tar',
    dir: 'use oci:PATH, an OCI image-layout directory (`skopeo copy dir:PATH oci:PATH` converts one)',
    ostree: 'copy the image to oci:PATH or oci-archive:FILE with skopeo first',
    sif: 'copy the image to oci:PATH or oci-archive:FILE with skopeo first',
    tarball: 'use oci-archive:FILE for an OCI layout in a tar file, or docker-archive:FILE for what `docker save` writes',
};
/** name:tag[,tag…] on Docker Hub: `alpine:3.19`, `node:20,lts`. */
const TAGGED = /^[A-Za-z0-9_][A-Za-z0-9_.,-]*$/;
/**
 * Refuses a reference that starts with a transport this tool does not have: a word before `:`
 * with no `/`, `.` or `[` (so not a registry host) and no port after it, unless it reads as a
 * Docker Hub `name:tag` and is not a near miss of a transport (`oci-achive:app.tar`). skopeo's other
 * transports are named as not supported, with what to use. The known transports pass, to be parsed.
 */
function checkTransport(value, what, forms) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
    if (scheme) {
        if (scheme[1] !== 'docker')
            throw unknown(value, scheme[1], what, forms);
        return;
    }
    const name = value.replace(/@.*$/, '');
    const colon = name.indexOf(':');
    if (colon <= 0)
        return;
    const word = name.slice(0, colon);
    const rest = name.slice(colon + 1);
    if (/[/.[\]]/.test(word) || word === 'localhost' || /^[0-9]+(\/|$)/.test(rest))
        return;
    // `docker:27` is Docker Hub's docker image; the file transports were parsed before this check.
    if (word === 'docker')
        return;
    if (Object.hasOwn(ELSEWHERE, word)) {
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(value)} uses skopeo's ${word}: transport, which oci-copy does not have: ${ELSEWHERE[word]}`);
    }
    if (TAGGED.test(rest) && nearest(word) === undefined)
        return;
    throw unknown(value, word, what, forms);
}
function unknown(value, word, what, forms) {
    const near = nearest(word);
    const hint = near ? `did you mean ${near}? ` : '';
    return new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(value)} has unknown transport ${(0,oci_text/* quoted */.TL)(word)}: ${hint}${forms}`);
}
/** The transport within a typo or two of `word` (one for short words; case does not count), if any but itself. */
function nearest(word) {
    const limit = word.length <= 4 ? 1 : 2;
    const lower = word.toLowerCase();
    let best;
    for (const name of [...KNOWN, ...Object.keys(ELSEWHERE).map((t) => `${t}:`)]) {
        const bare = name.replace(/:(\/\/)?$/, '');
        const distance = bare === word ? limit + 1 : (0,spelling/* editDistance */.Y)(lower, bare);
        if (distance <= limit && (!best || distance < best.distance))
            best = { name, distance };
    }
    return best?.name;
}

;// CONCATENATED MODULE: ./lib/src/oci/reference.js





const DOCKER_HUB = 'docker.io';
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Whether `value` is a valid tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -. */
function isTag(value) {
    return TAG_RE.test(value);
}
/** The distribution grammar's longest repository name (its whole path, `team/app`) and tag. */
const MAX_REPOSITORY_LENGTH = 255;
const MAX_TAG_LENGTH = 128;
/**
 * Refuses a repository name or tag longer than any registry takes, before any request (a
 * registry answers a 10,000-character name with a 500, retried for nothing), in one line that
 * gives its length rather than the name itself.
 */
function refuseLongNames(repository, tags, what) {
    if (repository !== undefined && repository.length > MAX_REPOSITORY_LENGTH) {
        throw new errors/* InputError */.dz(`${what} has a repository name ${repository.length} characters long; a registry takes at most ${MAX_REPOSITORY_LENGTH}`);
    }
    const long = tags.find((t) => t.length > MAX_TAG_LENGTH);
    if (long !== undefined)
        throw new errors/* InputError */.dz(`${what} has a tag ${long.length} characters long; a registry takes at most ${MAX_TAG_LENGTH}`);
}
const REPO_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const FORMS = 'use [docker://]HOST[:PORT]/REPO[:TAG][@DIGEST], oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG|@DIGEST] or docker-archive:PATH[:NAME:TAG]';
/** Parses a reference as skopeo users write them. `what` names the input in errors. */
function parseReference(input, what = 'reference') {
    const value = input.trim();
    if (!value)
        throw new errors/* InputError */.dz(`${what} is empty: ${FORMS}`);
    if (/\s/.test(value))
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(value)} contains white space: ${FORMS}`);
    for (const transport of ['oci-archive', 'docker-archive', 'oci']) {
        if (!value.startsWith(`${transport}:`))
            continue;
        const rest = value.slice(transport.length + 1);
        return transport === 'docker-archive'
            ? parseDockerArchiveReference(rest, what, value)
            : parseFileReference(transport, rest, what, value);
    }
    checkTransport(value, what, FORMS);
    return parseRegistryReference(value.replace(/^docker:\/\//, ''), what, value);
}
function parseFileReference(transport, rest, what, whole) {
    let path = rest;
    let digest;
    let tags = [];
    const at = path.lastIndexOf('@');
    if (at >= 0 && (0,oci_digest/* isDigest */.Bc)(path.slice(at + 1))) {
        digest = path.slice(at + 1);
        path = path.slice(0, at);
    }
    else {
        // The tag follows the last colon, unless what follows looks like part of a path.
        const colon = path.lastIndexOf(':');
        if (colon >= 0 && !path.slice(colon + 1).includes('/')) {
            tags = splitTags(path.slice(colon + 1), what, whole);
            path = path.slice(0, colon);
        }
    }
    if (!path)
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} names no path: use ${transport}:PATH[:TAG|@DIGEST]`);
    return { transport, path, tags, digest };
}
/**
 * skopeo's `docker-archive:PATH[:{NAME[:TAG]|@INDEX}]`: the path ends at the first colon, then a
 * docker reference without digest (`app` is `docker.io/library/app:latest`), or `@N`.
 */
function parseDockerArchiveReference(rest, what, whole) {
    const colon = rest.indexOf(':');
    const path = colon < 0 ? rest : rest.slice(0, colon);
    const form = 'use docker-archive:PATH[:NAME:TAG] or, to read, docker-archive:PATH:@INDEX';
    if (!path)
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} names no path: ${form}`);
    const spec = colon < 0 ? undefined : rest.slice(colon + 1);
    if (spec !== undefined && /^@[0-9]{1,9}$/.test(spec))
        return { transport: 'docker-archive', path, tags: [], image: spec };
    if (spec?.startsWith('@'))
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} has an invalid image index ${(0,oci_text/* quoted */.TL)(spec)}: @0 is the first image of the archive's manifest.json, @1 the second`);
    // `PATH@sha256:…` splits at the digest's own colon; `NAME@sha256:…` carries one.
    if (spec?.includes('@') || /@sha(256|512)$/.test(path)) {
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)}: docker-archive: picks an image by NAME:TAG or @INDEX, not by digest; use oci-archive:PATH@DIGEST, which reads docker archives too`);
    }
    if (spec === undefined)
        return { transport: 'docker-archive', path, tags: [] };
    if (!spec)
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} names no image after the colon: ${form}`);
    const named = parseRegistryReference(spec, what, whole);
    if (named.tags.length > 1)
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} gives several tags: a docker-archive: reference names one image, NAME:TAG`);
    const tag = named.tags[0] ?? 'latest';
    return { transport: 'docker-archive', path, tags: [tag], image: `${named.registry}/${named.repository}:${tag}` };
}
function splitTags(value, what, whole) {
    const tags = value.split(',').map((t) => t.trim());
    refuseLongNames(undefined, tags, what);
    for (const tag of tags) {
        if (!TAG_RE.test(tag)) {
            throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} has an invalid tag ${(0,oci_text/* quoted */.TL)(tag)}: tags are 1-128 of A-Z a-z 0-9 _ . - and do not start with . or -`);
        }
    }
    return [...new Set(tags)];
}
function parseRegistryReference(rest, what, whole) {
    let name = rest;
    let digest;
    const at = name.indexOf('@');
    if (at >= 0) {
        digest = name.slice(at + 1);
        name = name.slice(0, at);
    }
    let tagText;
    const lastSlash = name.lastIndexOf('/');
    const colon = name.lastIndexOf(':');
    const firstColon = name.indexOf(':', lastSlash + 1);
    if (firstColon >= 0 && firstColon < colon) {
        // `repo:1.0.0:extra`: a second colon reads as part of the repository name, which says nothing of the mistake.
        const fixed = `${name.slice(0, firstColon + 1)}${name.slice(firstColon + 1).replaceAll(':', ',')}`;
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} has more than one ":" after the repository name: give the tags after one colon, separated by commas (${(0,oci_text/* quoted */.TL)(fixed)})`);
    }
    if (colon > lastSlash) {
        tagText = name.slice(colon + 1);
        name = name.slice(0, colon);
    }
    const parts = name.split('/');
    let registry = DOCKER_HUB;
    if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost' || parts[0].startsWith('['))) {
        registry = parts.shift();
    }
    if (['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'].includes(registry))
        registry = DOCKER_HUB;
    if (registry === DOCKER_HUB && parts.length === 1)
        parts.unshift('library');
    // Before any message quotes the reference: a name no registry takes is not repeated back.
    refuseLongNames(parts.join('/'), tagText?.split(',').map((t) => t.trim()) ?? [], what);
    if (digest !== undefined && !(0,oci_digest/* isDigest */.Bc)(digest))
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} has an invalid digest ${(0,oci_text/* quoted */.TL)(digest)}: expected sha256:<64 hex>`);
    const tags = tagText === undefined ? [] : splitTags(tagText, what, whole);
    // `HOST/REPO:bad/tag`: the last slash is in the tag, so the colon landed in the repository name.
    const inner = parts.join('/').indexOf(':');
    if (inner >= 0)
        splitTags(parts.join('/').slice(inner + 1), what, whole);
    if (parts.length === 0 || parts.some((p) => !REPO_COMPONENT_RE.test(p))) {
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} has an invalid repository name ${(0,oci_text/* quoted */.TL)(parts.join('/'))}: lower-case letters, digits and separators . _ - /; ${FORMS}`);
    }
    const host = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(registry);
    if (!host || (host[2] !== undefined && (Number(host[2]) < 1 || Number(host[2]) > 65535))) {
        throw new errors/* InputError */.dz(`${what} ${(0,oci_text/* quoted */.TL)(whole)} has an invalid registry host ${(0,oci_text/* quoted */.TL)(registry)}: use HOST or HOST:PORT with a port from 1 to 65535`);
    }
    return { transport: 'registry', registry, repository: parts.join('/'), tags, digest };
}
/** Registries on loopback speak plain HTTP, as docker and skopeo assume. */
function isLoopbackRegistry(registry) {
    return isLoopbackHostname(registry.replace(/:[0-9]+$/, ''));
}
/**
 * `localhost`, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104, in any spelling a URL accepts (`127.1`,
 * `[0:0::1]`, `::1` unbracketed): the one test of loopback, for plain HTTP and for proxies alike.
 */
function isLoopbackHostname(hostname) {
    const bare = hostname.replace(/^\[|\]$/g, '');
    let canonical;
    try {
        canonical = new URL(`http://${(0,external_node_net_.isIP)(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
    }
    catch {
        return false;
    }
    if (canonical === 'localhost')
        return true;
    if ((0,external_node_net_.isIP)(canonical) === 4)
        return canonical.startsWith('127.');
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}
/** What a tag or digest on the reference names: the digest wins over tags for resolving. */
function referenceSelector(ref) {
    return ref.digest ?? ref.tags[0];
}
/** `[registry] host/repo:tag`, the way oras prints targets. */
function formatReference(ref) {
    const suffix = `${ref.tags.length ? `:${ref.tags.join(',')}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
    if (ref.transport === 'registry')
        return `${ref.registry}/${ref.repository}${suffix}`;
    if (ref.transport === 'docker-archive')
        return `${ref.transport}:${ref.path}${ref.image ? `:${ref.image}` : ''}`;
    return `${ref.transport}:${ref.path}${suffix}`;
}


/***/ }),

/***/ 36055:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FJ: () => (/* binding */ cosignTags),
/* harmony export */   UX: () => (/* binding */ referrerLabel),
/* harmony export */   iO: () => (/* binding */ referrerKind),
/* harmony export */   uE: () => (/* binding */ isAttachmentTag)
/* harmony export */ });
/* harmony import */ var _digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36618);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4277);


/**
 * cosign before v3 keeps what it attaches to a manifest under tags named after the manifest's
 * digest, in the manifest's repository, with no `subject` to find them by.
 */
const COSIGN_SUFFIXES = [
    ['sig', 'signature'],
    ['att', 'attestation'],
    ['sbom', 'sbom'],
];
/** The tags cosign would keep `digest`'s attachments under: `sha256-<hex>.sig`, `.att`, `.sbom`. */
function cosignTags(digest) {
    const { algorithm, hex } = (0,_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDigest */ .m)(digest);
    return COSIGN_SUFFIXES.map(([suffix, kind]) => ({ tag: `${algorithm}-${hex}.${suffix}`, kind }));
}
const ATTACHMENT_TAG = /^(sha256-[0-9a-f]{64}|sha512-[0-9a-f]{128})(\.(sig|att|sbom))?$/;
/**
 * A tag that names something kept for another manifest's sake, never an image of its own: the
 * referrers tag schema's `sha256-<hex>` index, or a cosign attachment `sha256-<hex>.sig|.att|.sbom`.
 */
function isAttachmentTag(tag) {
    return tag !== undefined && ATTACHMENT_TAG.test(tag);
}
/** Well-known artifact types, by the tool that writes them. */
const KNOWN = {
    'application/vnd.dev.cosign.artifact.sig.v1+json': { kind: 'signature', tool: 'cosign' },
    'application/vnd.dev.cosign.artifact.sbom.v1+json': { kind: 'sbom', tool: 'cosign' },
    'application/vnd.dev.cosign.simplesigning.v1+json': { kind: 'signature', tool: 'cosign' },
    'application/vnd.cncf.notary.signature': { kind: 'signature', tool: 'notation' },
    'application/vnd.in-toto+json': { kind: 'attestation', tool: 'in-toto' },
    'application/vnd.dsse.envelope.v1+json': { kind: 'attestation' },
};
/** cosign v3 stores both signatures and attestations as Sigstore bundles; this predicate marks a signature. */
const SIGSTORE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const SIGSTORE_SIGNATURE_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** The kind of a referrer from its artifact type (and, for a Sigstore bundle, its annotations). */
function referrerKind(artifactType, annotations) {
    if (!artifactType)
        return { kind: 'artifact' };
    const type = artifactType.toLowerCase();
    const known = KNOWN[type];
    if (known)
        return known;
    if (type.startsWith('application/vnd.dev.sigstore.bundle')) {
        const predicate = annotations?.[SIGSTORE_PREDICATE_ANNOTATION];
        return { kind: predicate && predicate !== SIGSTORE_SIGNATURE_PREDICATE ? 'attestation' : 'signature', tool: 'sigstore' };
    }
    if (/spdx|cyclonedx|syft|sbom/.test(type))
        return { kind: 'sbom' };
    if (/attestation|in-toto|intoto|provenance|vex/.test(type))
        return { kind: 'attestation' };
    if (/signature|\.sig\b/.test(type))
        return { kind: 'signature' };
    return { kind: 'artifact' };
}
const KIND_WORDS = { signature: 'signature', sbom: 'SBOM', attestation: 'attestation', artifact: 'artifact' };
/**
 * `signature (cosign)`, `SBOM (application/spdx+json)`: the kind, then the tool when known, else
 * the artifact type, else the media type. Made printable: the types come from outside.
 */
function referrerLabel(r) {
    return `${KIND_WORDS[r.kind]} (${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)(r.tool ?? r.artifactType ?? r.mediaType, 128)})`;
}


/***/ }),

/***/ 61576:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ referrersTag),
/* harmony export */   N: () => (/* binding */ referrerOf)
/* harmony export */ });
/* harmony import */ var _digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36618);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(98775);
/* harmony import */ var _media_types_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7964);



/** The tag the referrers tag schema keeps an index under: `sha256-<hex>`. */
function referrersTag(digest) {
    const { algorithm, hex } = (0,_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDigest */ .m)(digest);
    return `${algorithm}-${hex}`;
}
/**
 * The subject and referrers-list descriptor of a manifest or index that has a `subject`: its
 * `artifactType`, else (for an image manifest) its config's media type, and its annotations.
 */
function referrerOf(desc, bytes) {
    if (!(0,_media_types_js__WEBPACK_IMPORTED_MODULE_2__/* .isImageManifest */ .pJ)(desc.mediaType) && !(0,_media_types_js__WEBPACK_IMPORTED_MODULE_2__/* .isIndex */ .nw)(desc.mediaType))
        return undefined;
    let doc;
    try {
        doc = (0,_manifest_js__WEBPACK_IMPORTED_MODULE_1__/* .parseJson */ .qF)(bytes, `manifest ${desc.digest}`);
    }
    catch {
        return undefined;
    }
    const subject = doc?.subject;
    if (!subject || typeof subject.digest !== 'string' || typeof subject.mediaType !== 'string')
        return undefined;
    const artifactType = typeof doc.artifactType === 'string'
        ? doc.artifactType
        : typeof doc.config?.mediaType === 'string' && (0,_media_types_js__WEBPACK_IMPORTED_MODULE_2__/* .isImageManifest */ .pJ)(desc.mediaType)
            ? doc.config.mediaType
            : undefined;
    const annotations = doc.annotations && typeof doc.annotations === 'object' && Object.keys(doc.annotations).length
        ? doc.annotations
        : undefined;
    return {
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        descriptor: {
            mediaType: desc.mediaType,
            digest: desc.digest,
            size: desc.size,
            ...(artifactType ? { artifactType } : {}),
            ...(annotations ? { annotations } : {}),
        },
    };
}


/***/ }),

/***/ 21120:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Y: () => (/* binding */ editDistance),
/* harmony export */   z: () => (/* binding */ nearestWord)
/* harmony export */ });
/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: how far a typo is from a word. */
function editDistance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++)
        d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}
/**
 * The word of `words` that `given` was most likely meant to be: within a typo per four letters (at
 * least one), or one it begins (three letters or more); undefined when none is that near.
 */
function nearestWord(given, words) {
    let best;
    for (const word of words) {
        const distance = editDistance(given, word);
        const limit = Math.max(1, Math.floor(word.length / 4));
        const prefix = given.length >= 3 && word.startsWith(given);
        if ((distance <= limit || prefix) && (!best || distance < best.distance))
            best = { word, distance };
    }
    return best?.word;
}


/***/ }),

/***/ 28638:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ entryName)
/* harmony export */ });
/**
 * How messages name an entry of a list: `images-file mirror.yml: entry 2 (line 7)`. Apart from the
 * list's reader, so that a message can name an entry without loading the YAML parser.
 */
function entryName(origin, entry) {
    return `${origin}: entry ${entry.number}${entry.line ? ` (line ${entry.line})` : ''}`;
}


/***/ }),

/***/ 33877:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ parseOperation),
/* harmony export */   g: () => (/* binding */ inferOperation)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _settings_names_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48330);


/** Import reads files into a registry, export writes a registry's content to files; copy is the rest. */
function inferOperation(source, destination) {
    const srcFile = source.transport !== 'registry';
    const dstFile = destination.transport !== 'registry';
    if (srcFile && !dstFile)
        return 'import';
    if (!srcFile && dstFile)
        return 'export';
    return 'copy';
}
/** The operation asked for, which must be the one the two ends make (`auto`, or nothing, takes that). */
function parseOperation(value, source, destination, voice) {
    const inferred = inferOperation(source, destination);
    const v = value.toLowerCase();
    if (!v || v === 'auto')
        return inferred;
    if (v !== 'copy' && v !== 'import' && v !== 'export') {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_names_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .p.Operation)} is ${voice.value(value)}: use auto, copy, import or export`);
    }
    if (v !== inferred) {
        const why = {
            import: 'import reads an oci:, oci-archive: or docker-archive: source into a registry destination',
            export: 'export writes a registry source to an oci:, oci-archive: or docker-archive: destination',
            copy: 'copy goes registry to registry, or between oci:, oci-archive: and docker-archive: files',
        };
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_names_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .p.Operation)} is ${v} but ${source.transport} → ${destination.transport} is ${inferred}: ${why[v]}; use auto`);
    }
    return v;
}


/***/ }),

/***/ 30153:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dh: () => (/* binding */ itemKey),
/* harmony export */   Te: () => (/* binding */ entryRepository),
/* harmony export */   bE: () => (/* binding */ expandEntries),
/* harmony export */   l6: () => (/* binding */ shardItems),
/* harmony export */   lS: () => (/* binding */ emptySelections),
/* harmony export */   rJ: () => (/* binding */ describeEmptySelection),
/* harmony export */   uK: () => (/* binding */ parseShard)
/* harmony export */ });
/* unused harmony exports expectedDigest, shardOf */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(91839);
/* harmony import */ var _oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(36055);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4277);
/* harmony import */ var _tag_filter_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(96031);






/** The digest a destination of `item` should hold when a lock pins it; undefined when none does (compare with the source then). */
function expectedDigest(item) {
    return item.locked?.digest;
}
/**
 * Expands a sync list into items, one per (source tag, destination), in the list's order. A whole
 * repository's tags are listed and filtered; an entry whose tags cannot be listed becomes one
 * failed item, so the others still run. Two entries that would write the same destination tag
 * are an error: one of them would silently win.
 */
async function expandEntries(entries, listTags, options = {}) {
    const expanded = new Array(entries.length);
    let next = 0;
    const worker = async () => {
        while (next < entries.length) {
            const i = next++;
            expanded[i] = await expandEntry(entries[i], options.onSourceTags ? recordingTags(entries[i], listTags, options.onSourceTags) : listTags);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, entries.length)) }, worker));
    const items = expanded.flat();
    refuseOverlaps(items);
    return items;
}
function recordingTags(entry, listTags, onSourceTags) {
    return async (ref) => {
        const tags = await listTags(ref);
        onSourceTags(entry, tags);
        return tags;
    };
}
async function expandEntry(entry, listTags) {
    const common = {
        entry: entry.number,
        from: entry,
        ...(entry.platform ? { platform: entry.platform } : {}),
        ...(entry.referrers !== undefined ? { referrers: entry.referrers } : {}),
    };
    const source = entry.source;
    if (!entry.wholeRepository || source.transport !== 'registry') {
        return [{ ...common, source, destination: destinationOf(entry, source, source.tags) }];
    }
    let tags;
    try {
        tags = (0,_tag_filter_js__WEBPACK_IMPORTED_MODULE_4__/* .selectTags */ .O)(await listTags(source), entry.filter);
    }
    catch (err) {
        return [{ ...common, source, destination: destinationOf(entry, source, []), failure: (0,_oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(err) }];
    }
    return tags.map((tag) => ({ ...common, source: { ...source, tags: [tag] }, destination: destinationOf(entry, source, [tag]) }));
}
/** How many of the source's tags a message names. */
const SAMPLE_TAGS = 5;
const SAMPLE_ATTACHMENTS = 3;
/**
 * The entries whose listed source selected no item: `sourceTags` by entry number, as planning
 * recorded them; `tagsFrom` names where an entry's tags came from when not from its source.
 */
function emptySelections(entries, sourceTags, items, how = {}) {
    const selecting = new Set(items.map((i) => i.entry));
    const out = [];
    for (const entry of entries) {
        const listed = sourceTags.get(entry.number);
        if (!listed || selecting.has(entry.number))
            continue;
        const images = (0,_tag_filter_js__WEBPACK_IMPORTED_MODULE_4__/* .selectTags */ .O)(listed, { include: [], exclude: [] });
        const attachments = listed.filter((t) => (0,_oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_3__/* .isAttachmentTag */ .uE)(t));
        const tagsFrom = how.tagsFrom?.(entry);
        out.push({
            entry: entry.number,
            ...(entry.line ? { line: entry.line } : {}),
            source: (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_5__/* .printable */ .g$)((0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .formatReference */ .FH)(entry.source)),
            filters: (0,_tag_filter_js__WEBPACK_IMPORTED_MODULE_4__/* .describeFilter */ .GT)(entry.filter),
            tags: images.length,
            sample: images.slice(0, SAMPLE_TAGS).map((t) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_5__/* .printable */ .g$)(t)),
            attachments: attachments.length,
            attachmentSample: attachments.sort().slice(0, SAMPLE_ATTACHMENTS),
            ...(tagsFrom ? { tagsFrom } : {}),
            ...(how.checking ? { checking: true } : {}),
        });
    }
    return out;
}
/**
 * `entry 2 (line 5), host/lib/app: tags "4\..*" select none of its 5 tags (3.20, 3.19, …): nothing
 * to copy`; a source with no image tag says so, and names its attachment tags. Tags read from a
 * lock are called the lock's, and a check has nothing to check.
 */
function describeEmptySelection(e) {
    const head = `entry ${e.entry}${e.line ? ` (line ${e.line})` : ''}, ${e.source}`;
    const more = (shown, all) => (all > shown ? `, and ${all - shown} more` : '');
    const nothing = `nothing to ${e.checking ? 'check' : 'copy'}`;
    const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (!e.tags) {
        const n = e.attachments;
        const lister = e.tagsFrom ?? 'the source';
        const verb = e.tagsFrom ? 'holds' : 'lists';
        const what = n
            ? `${lister} ${verb} no image tags, only ${plural(n, 'attachment tag')} (${e.attachmentSample.join(', ')}${more(e.attachmentSample.length, n)}), which go with their images`
            : `${lister} ${verb} no tags`;
        return `${head}: ${what}: ${nothing}`;
    }
    const filters = e.filters.join(', ');
    const whose = e.tagsFrom ? `the ${plural(e.tags, 'tag')} ${e.tagsFrom} holds for it` : `its ${plural(e.tags, 'tag')}`;
    return `${head}: ${filters} ${e.filters.length === 1 ? 'selects' : 'select'} none of ${whose} (${e.sample.join(', ')}${more(e.sample.length, e.tags)}): ${nothing}`;
}
/** The repository a whole-repository entry writes to (its prefix + the source's path, or its repository): prune's scope. */
function entryRepository(entry) {
    return destinationOf(entry, entry.source, []);
}
/** Where an image of the entry goes: the destination repository (or prefix + source path) with `tags`. */
function destinationOf(entry, source, tags) {
    const d = entry.destination;
    if (d.kind === 'prefix') {
        const path = source.repository;
        return { transport: 'registry', registry: d.registry, repository: d.path ? `${d.path}/${path}` : path, tags };
    }
    const ref = d.ref;
    if (ref.tags.length || ref.digest)
        return ref;
    return { ...ref, tags: entry.wholeRepository ? tags : [] };
}
function refuseOverlaps(items) {
    const writers = new Map();
    for (const item of items) {
        if (item.failure)
            continue;
        for (const name of destinationNames(item.destination)) {
            const other = writers.get(name);
            if (other !== undefined && other !== item.entry) {
                throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`entries ${other} and ${item.entry} both write ${name}: give each destination tag one source`);
            }
            writers.set(name, item.entry);
        }
    }
}
function destinationNames(ref) {
    const base = ref.transport === 'registry' ? `${ref.registry}/${ref.repository}` : `${ref.transport}:${ref.path}`;
    return ref.tags.length ? ref.tags.map((t) => `${base}:${t}`) : [];
}
/** A stable name for an item: what it writes. */
function itemKey(item) {
    return `${(0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .formatReference */ .FH)(item.source)} => ${(0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .formatReference */ .FH)(item.destination)}`;
}
/**
 * This shard's items. Each item goes to the shard its key hashes to, so N jobs with K = 1..N take
 * every item exactly once, and a tag added or removed moves no other item to another shard (jobs
 * keep their share, and with it what their blob-info caches learnt).
 */
function shardItems(items, shard) {
    if (!shard || shard.count === 1)
        return items;
    return items.filter((item) => shardOf(itemKey(item), shard.count) === shard.index);
}
/** 1-based. */
function shardOf(key, count) {
    const h = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(key).digest();
    return (h.readUInt32BE(0) % count) + 1;
}
/** Parses `K/N` (1 ≤ K ≤ N ≤ 256). */
function parseShard(value, what) {
    const v = value.trim();
    if (!v)
        return undefined;
    const m = /^([0-9]{1,3})\s*\/\s*([0-9]{1,3})$/.exec(v);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || count < 1 || count > 256 || index < 1 || index > count) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_5__/* .quoted */ .TL)(v)}: use K/N with 1 ≤ K ≤ N ≤ 256, e.g. 2/4 for the second of four jobs`);
    }
    return { index, count };
}


/***/ }),

/***/ 96031:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GT: () => (/* binding */ describeFilter),
/* harmony export */   L6: () => (/* binding */ wholeTagRegex),
/* harmony export */   O: () => (/* binding */ selectTags),
/* harmony export */   RQ: () => (/* binding */ tagVersion),
/* harmony export */   ZM: () => (/* binding */ tagGlob),
/* harmony export */   q1: () => (/* binding */ isSemverRange)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(62088);
/* harmony import */ var _oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(36055);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4277);



/** `[v]MAJOR[.MINOR[.PATCH]][-PRE]`: missing parts are 0, leading zeros are numbers (`2024.01` is 2024.1.0). */
const VERSION_TAG = /^v?([0-9]{1,9})(?:\.([0-9]{1,9}))?(?:\.([0-9]{1,9}))?(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;
/** The version a tag reads as, or undefined when it does not read as one. */
function tagVersion(tag) {
    return semverOf(tag);
}
function semverOf(tag) {
    const m = VERSION_TAG.exec(tag);
    if (!m)
        return undefined;
    const core = [m[1], m[2] ?? '0', m[3] ?? '0'].map((n) => String(Number(n))).join('.');
    const pre = m[4]
        ? `-${m[4]
            .split('.')
            .map((p) => (/^[0-9]+$/.test(p) ? String(Number(p)) : p))
            .join('.')}`
        : '';
    return semver__WEBPACK_IMPORTED_MODULE_0__.parse(`${core}${pre}`) ?? undefined;
}
/** A regex that must match a whole tag, as regsync reads them: `3\.1[0-9]` means exactly that. */
function wholeTagRegex(source) {
    return new RegExp(`^(?:${source})$`);
}
/** The pattern a `wholeTagRegex` was made from, as the user wrote it. */
function patternOf(re) {
    const m = /^\^\(\?:([\s\S]*)\)\$$/.exec(re.source);
    return (m ? m[1] : re.source).replace(/\\\//g, '/');
}
/** The filters in the words of a list entry: `tags "3\.1.*"`, `exclude-tags "rc.*"`, `semver ">=3"`, `latest 2`; none when it takes every tag. */
function describeFilter(filter) {
    const list = (res) => res.map((re) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(patternOf(re), 200)).join(', ');
    return [
        ...(filter.include.length ? [`tags ${list(filter.include)}`] : []),
        ...(filter.exclude.length ? [`exclude-tags ${list(filter.exclude)}`] : []),
        ...(filter.semver !== undefined ? [`semver ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(filter.semver, 200)}`] : []),
        ...(filter.latest !== undefined ? [`latest ${filter.latest}`] : []),
    ];
}
/** A tag's characters, and the two wildcards. */
const GLOB = /^[A-Za-z0-9_.*?-]{1,256}$/;
/**
 * A glob over whole tags: `*` any run of characters (none too), `?` one; everything else stands for
 * itself (a `.` is a dot). Undefined when `pattern` has characters no tag has (`v[0-9]+`, `^v.*$`):
 * it was written as a regular expression.
 */
function tagGlob(pattern) {
    if (!GLOB.test(pattern))
        return undefined;
    const body = pattern.replace(/[.*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : '\\.'));
    return new RegExp(`^${body}$`);
}
/** Whether `range` is an npm semver range this filter can use. */
function isSemverRange(range) {
    return semver__WEBPACK_IMPORTED_MODULE_0__.validRange(range) !== null;
}
/**
 * The tags `filter` selects, versions highest first, then the rest in alphabetical order.
 * Attachment tags are never selected.
 */
function selectTags(tags, filter) {
    // cosign's attachment tags and referrers-schema indexes travel with their image when `referrers` is on.
    let kept = [...new Set(tags)].filter((t) => !(0,_oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_1__/* .isAttachmentTag */ .uE)(t));
    if (filter.include.length)
        kept = kept.filter((t) => filter.include.some((re) => re.test(t)));
    if (filter.exclude.length)
        kept = kept.filter((t) => !filter.exclude.some((re) => re.test(t)));
    const versions = new Map();
    for (const t of kept) {
        const v = semverOf(t);
        if (v)
            versions.set(t, v);
    }
    if (filter.semver !== undefined) {
        const range = filter.semver;
        kept = kept.filter((t) => {
            const v = versions.get(t);
            return v !== undefined && semver__WEBPACK_IMPORTED_MODULE_0__.satisfies(v, range);
        });
    }
    if (filter.latest !== undefined) {
        // The N highest distinct versions: `3.20` and `3.20.0` are one version and both are kept.
        const highest = [...new Set(kept.filter((t) => versions.has(t)).map((t) => versions.get(t).version))]
            .sort((a, b) => semver__WEBPACK_IMPORTED_MODULE_0__.rcompare(a, b))
            .slice(0, filter.latest);
        const chosen = new Set(highest);
        kept = kept.filter((t) => versions.has(t) && chosen.has(versions.get(t).version));
    }
    return kept.sort((a, b) => {
        const va = versions.get(a);
        const vb = versions.get(b);
        if (va && vb)
            return semver__WEBPACK_IMPORTED_MODULE_0__.rcompare(va, vb) || a.localeCompare(b);
        if (va)
            return -1;
        if (vb)
            return 1;
        return a < b ? -1 : a > b ? 1 : 0;
    });
}


/***/ }),

/***/ 48330:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   p: () => (/* binding */ Input)
/* harmony export */ });
/* unused harmony export Output */
/** Every input and output of the action, named once (action.yml declares the same names; the CLI maps its flags onto the inputs). */
const Input = {
    Source: 'source',
    Destination: 'destination',
    Operation: 'operation',
    Username: 'username',
    Password: 'password',
    SourceUsername: 'source-username',
    SourcePassword: 'source-password',
    DestinationUsername: 'destination-username',
    DestinationPassword: 'destination-password',
    PlainHttp: 'plain-http',
    TlsVerify: 'tls-verify',
    CaFile: 'ca-file',
    Concurrency: 'concurrency',
    Mount: 'mount',
    BlobCache: 'blob-cache',
    BlobCacheKey: 'blob-cache-key',
    Platform: 'platform',
    Referrers: 'referrers',
    DryRun: 'dry-run',
    NoClobber: 'no-clobber',
    GithubToken: 'github-token',
    Images: 'images',
    ImagesFile: 'images-file',
    Shard: 'shard',
    FailFast: 'fail-fast',
    MinPullsLeft: 'min-pulls-left',
    RequestsPerSecond: 'requests-per-second',
    LockFile: 'lock-file',
    Locked: 'locked',
    Check: 'check',
    Repair: 'repair',
    VerifyKey: 'verify-key',
    VerifyCertificateIdentity: 'verify-certificate-identity',
    VerifyCertificateIdentityRegexp: 'verify-certificate-identity-regexp',
    VerifyCertificateOidcIssuer: 'verify-certificate-oidc-issuer',
    VerifyAttestationType: 'verify-attestation-type',
    VerifyTrustedRoot: 'verify-trusted-root',
    VerifyPlatforms: 'verify-platforms',
    VerifyMode: 'verify-mode',
    Sign: 'sign',
    SignKey: 'sign-key',
    SignKeyPassword: 'sign-key-password',
    SignatureFormat: 'signature-format',
    SignPlatforms: 'sign-platforms',
    SignFulcioUrl: 'sign-fulcio-url',
    SignRekorUrl: 'sign-rekor-url',
    SignTsaUrl: 'sign-tsa-url',
    AttestVerification: 'attest-verification',
};
const Output = {
    Digest: 'digest',
    MediaType: 'media-type',
    Size: 'size',
    Blobs: 'blobs',
    Images: 'images',
    Verification: 'verification',
    Pruned: 'pruned',
    PullBudget: 'pull-budget',
    LockFile: 'lock-file',
    Check: 'check',
};


/***/ }),

/***/ 13490:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $r: () => (/* binding */ parseRequestsPerSecond),
/* harmony export */   Cb: () => (/* binding */ MAX_LIST_BYTES),
/* harmony export */   Iz: () => (/* binding */ integritySetting),
/* harmony export */   dU: () => (/* binding */ parseDestinations),
/* harmony export */   lD: () => (/* binding */ MAX_PULL_BUDGET),
/* harmony export */   oA: () => (/* binding */ parseWholeNumber),
/* harmony export */   qA: () => (/* binding */ parsePlatforms),
/* harmony export */   u0: () => (/* binding */ parseIntegrityMode),
/* harmony export */   yG: () => (/* binding */ parseBoolean)
/* harmony export */ });
/* unused harmony exports MIN_REQUESTS_PER_SECOND, MAX_REQUESTS_PER_SECOND */
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _oci_platform_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(56993);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(91839);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(48330);




/**
 * The values of settings as the action's inputs and the command line's flags give them: the same
 * checks and the same words for both, each error naming the setting as `voice` says.
 */
/** More than any registry's pull limit: Docker Hub's is 100 to a few thousand per 6 h. */
const MAX_PULL_BUDGET = 1_000_000;
const MIN_REQUESTS_PER_SECOND = 0.1;
const MAX_REQUESTS_PER_SECOND = 10_000;
/** A sync list is a small text file. */
const MAX_LIST_BYTES = 4 * 1024 * 1024;
/** `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0`, any case; empty is `fallback`. */
function parseBoolean(value, name, fallback, voice) {
    const v = value.trim().toLowerCase();
    if (!v)
        return fallback;
    if (['true', 'yes', 'on', '1'].includes(v))
        return true;
    if (['false', 'no', 'off', '0'].includes(v))
        return false;
    throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(name)} is ${voice.value(value.trim())}: use true or false`);
}
/** A whole number from `min` to `max`; empty is `fallback`. */
function parseWholeNumber(value, name, fallback, min, max, voice) {
    const v = value.trim();
    if (!v)
        return fallback;
    if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(name)} is ${voice.value(v)}: use a whole number from ${min} to ${max}`);
    }
    return Number(v);
}
/** `requests-per-second`: a number from MIN to MAX (decimals allowed), or undefined when empty. */
function parseRequestsPerSecond(v, voice) {
    if (!v)
        return undefined;
    const n = Number(v);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || n < MIN_REQUESTS_PER_SECOND || n > MAX_REQUESTS_PER_SECOND) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_names_js__WEBPACK_IMPORTED_MODULE_3__/* .Input */ .p.RequestsPerSecond)} is ${voice.value(v)}: use a number of requests a second from ${MIN_REQUESTS_PER_SECOND} to ${MAX_REQUESTS_PER_SECOND.toLocaleString('en')} (GHCR allows 2,000 a minute: 30)`);
    }
    return n;
}
/** `linux/amd64`, or a list separated by commas or new lines (`linux/amd64,linux/arm64`), each once. */
function parsePlatforms(value, voice) {
    const platforms = [];
    const seen = new Set();
    for (const part of value
        .split(/[,\n]/)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const p = (0,_oci_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)(part, voice.input(_names_js__WEBPACK_IMPORTED_MODULE_3__/* .Input */ .p.Platform));
        const key = (0,_oci_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPlatform */ .Bq)(p);
        if (!seen.has(key))
            platforms.push(p);
        seen.add(key);
    }
    if (platforms.length === 0)
        return undefined;
    return platforms.length === 1 ? platforms[0] : platforms;
}
/** Destination references, each given once. */
function parseDestinations(lines, voice) {
    const seen = new Set();
    for (const line of lines) {
        if (seen.has(line))
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_names_js__WEBPACK_IMPORTED_MODULE_3__/* .Input */ .p.Destination)} lists ${voice.value(line)} twice: give each destination once`);
        seen.add(line);
    }
    return lines.map((line) => (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReference */ .F2)(line, voice.input(_names_js__WEBPACK_IMPORTED_MODULE_3__/* .Input */ .p.Destination)));
}
/**
 * `check` or `repair`: `true` (HEAD each blob), `deep` (download and hash each blob too), or
 * false / empty (off): the deep flag, or undefined when off.
 */
function parseIntegrityMode(value, name, voice) {
    const v = value.trim().toLowerCase();
    if (v === 'deep')
        return { deep: true };
    try {
        return parseBoolean(v, name, false, voice) ? { deep: false } : undefined;
    }
    catch {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(name)} is ${voice.value(value.trim())}: use true, deep or false`);
    }
}
/** The job's `integrity` from the `check` and `repair` settings: at most one of them. */
function integritySetting(check, repair, names) {
    if (check && repair)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${names.check} and ${names.repair} are both given: check only reports (it writes nothing), repair checks and puts back what is missing; choose one`);
    if (check)
        return { mode: 'check', deep: check.deep };
    if (repair)
        return { mode: 'repair', deep: repair.deep };
    return undefined;
}


/***/ }),

/***/ 54340:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ ACTION_VOICE)
/* harmony export */ });
/* harmony import */ var _targets_registry_network_failures_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83607);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4277);


const ACTION_VOICE = {
    ..._targets_registry_network_failures_js__WEBPACK_IMPORTED_MODULE_0__/* .SETTING_VOICE */ .cW,
    input: (name) => `input "${name}"`,
    value: (text) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_1__/* .quoted */ .TL)(text),
    setting: (name, value) => `${name}: ${value}`,
};


/***/ }),

/***/ 91005:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ SignatureRefusedError),
/* harmony export */   u: () => (/* binding */ SigningError)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);

/**
 * Nothing attached to a digest satisfies the verification policy: the image must not be copied.
 * The message is one line naming what was found and what was required; the fields carry the same
 * for a report.
 */
class SignatureRefusedError extends _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .OciCopyError */ .vW {
    digest;
    found;
    required;
    name = 'SignatureRefusedError';
    constructor(message, digest, found, required) {
        super(message);
        this.digest = digest;
        this.found = found;
        this.required = required;
    }
}
/** Signing failed: the key, the identity token, Fulcio, Rekor or the TSA. One line, never a secret. */
class SigningError extends _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .OciCopyError */ .vW {
    name = 'SigningError';
}


/***/ }),

/***/ 19541:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ parseSignatureInputs),
/* harmony export */   a: () => (/* binding */ parseSignInputs)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4277);
/* harmony import */ var _settings_values_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(13490);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(34568);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(28323);





/**
 * Reads the verification and signing settings by their names (`verify-key`, `sign`, …): the
 * action's inputs and the command line's flags are the same words. Files (keys, a trusted root)
 * are read now through `readFile`; the key file's password is checked later, once (it is slow).
 * Every error is one line in `voice`'s words.
 */
function parseSignatureInputs(get, voice, env, readFile = _policy_js__WEBPACK_IMPORTED_MODULE_2__/* .readSmallFile */ .EW, options = {}) {
    const text = (name) => get(name).trim();
    const platforms = (0,_settings_values_js__WEBPACK_IMPORTED_MODULE_1__/* .parseBoolean */ .yG)(text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.Platforms), _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.Platforms, false, voice);
    const verify = (0,_policy_js__WEBPACK_IMPORTED_MODULE_2__/* .parseVerifyPolicy */ .j8)({
        key: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.Key),
        certificateIdentity: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.CertificateIdentity),
        certificateIdentityRegexp: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.CertificateIdentityRegexp),
        certificateOidcIssuer: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.CertificateOidcIssuer),
        attestationTypes: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.AttestationType),
        trustedRoot: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.TrustedRoot),
        platforms,
        mode: text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifySetting */ .mw.Mode),
    }, voice, readFile);
    const sign = parseSignInputs(text, voice, env, readFile, options);
    const attest = (0,_settings_values_js__WEBPACK_IMPORTED_MODULE_1__/* .parseBoolean */ .yG)(text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .AttestSetting */ .op.Verification), _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .AttestSetting */ .op.Verification, false, voice);
    return { ...(verify ? { verify } : {}), ...(sign ? { sign } : {}), ...(attest ? { attestVerification: true } : {}) };
}
/**
 * Reads the signing settings (`sign`, `sign-key`, `sign-key-password`, `signature-format`,
 * `sign-platforms` and the service URLs) by their names, wherever they are given: the step's
 * inputs, the command line's flags, or the keys of one `images` entry (whose `voice` names the
 * entry and field). `text` gives each setting's value, empty when not given. Undefined when nothing
 * is signed (no `sign`, or `sign: false`). The key file is read now; its password is checked later,
 * once (it is slow).
 */
function parseSignInputs(text, voice, env, readFile = _policy_js__WEBPACK_IMPORTED_MODULE_2__/* .readSmallFile */ .EW, options = {}) {
    const mode = text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign).toLowerCase();
    const key = text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key);
    const format = text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Format).toLowerCase();
    const platformsText = text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Platforms);
    const urls = Object.values(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignServiceSetting */ .BA).filter((n) => text(n));
    if (!mode || mode === 'false' || mode === 'none') {
        const stray = [key && _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key, format && _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Format, platformsText && _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Platforms, ...urls].find(Boolean);
        if (stray)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(stray)} is given but nothing is signed: set ${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} to keyless or key`);
        return undefined;
    }
    if (mode !== 'keyless' && mode !== 'key') {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} is ${voice.value(text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign))}: use keyless (the job's OIDC identity through Fulcio and Rekor) or key (with ${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key)})`);
    }
    if (format && format !== 'bundle' && format !== 'legacy') {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Format)} is ${voice.value(text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Format))}: use bundle (a Sigstore bundle referrer, as cosign v3 writes) or legacy (a cosign .sig tag)`);
    }
    const service = (name) => {
        const v = text(name);
        if (!v)
            return undefined;
        let url;
        try {
            url = new URL(v);
        }
        catch {
            url = undefined;
        }
        if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(name)} is ${voice.value(v)}: give an https:// URL`);
        return v.replace(/\/+$/, '');
    };
    const platforms = (0,_settings_values_js__WEBPACK_IMPORTED_MODULE_1__/* .parseBoolean */ .yG)(platformsText, _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Platforms, false, voice);
    const out = { mode, format: format === 'legacy' ? 'legacy' : 'bundle', ...(platforms ? { platforms } : {}) };
    if (mode === 'keyless') {
        if (key)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key)} is given but ${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} is keyless: set it to key to sign with the key, or drop the key`);
    }
    else {
        if (!key)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} is key but ${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key)} is missing: give the cosign key file (cosign.key) or its contents`);
        if (text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignServiceSetting */ .BA.FulcioUrl))
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignServiceSetting */ .BA.FulcioUrl)} serves keyless signing, but ${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Sign)} is key: drop it`);
        if (key.includes('-----BEGIN')) {
            out.keyPem = key;
            out.keyName = voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key);
        }
        else {
            out.keyName = `${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key)} (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_4__/* .printable */ .g$)(key)})`;
            try {
                out.keyPem = readFile(key);
            }
            catch (err) {
                const code = err.code;
                const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'unknown error'})`;
                throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.Key)} names ${voice.value(key)}, which ${why}: give the cosign key file's path or its contents`);
            }
        }
        const given = text(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.KeyPassword);
        out.password = given || env[_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .COSIGN_PASSWORD_ENV */ .U_] || '';
        const setting = options.passwordSetting === false ? undefined : voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.KeyPassword);
        out.passwordSource = given
            ? { from: voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignSetting */ .gp.KeyPassword) }
            : env[_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .COSIGN_PASSWORD_ENV */ .U_]
                ? { from: _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .COSIGN_PASSWORD_ENV */ .U_ }
                : { giveIn: setting ? `${setting} or ${_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .COSIGN_PASSWORD_ENV */ .U_}` : _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .COSIGN_PASSWORD_ENV */ .U_ };
    }
    const fulcioUrl = service(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignServiceSetting */ .BA.FulcioUrl);
    const rekorUrl = service(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignServiceSetting */ .BA.RekorUrl);
    const tsaUrl = service(_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SignServiceSetting */ .BA.TsaUrl);
    return { ...out, ...(fulcioUrl ? { fulcioUrl } : {}), ...(rekorUrl ? { rekorUrl } : {}), ...(tsaUrl ? { tsaUrl } : {}) };
}


/***/ }),

/***/ 34568:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EW: () => (/* binding */ readSmallFile),
/* harmony export */   j8: () => (/* binding */ parseVerifyPolicy),
/* harmony export */   k0: () => (/* binding */ loadTrustRoots)
/* harmony export */ });
/* unused harmony exports parseVerifyMode, describePolicy */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29949);
/* harmony import */ var _oci_digest_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(36618);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(4277);
/* harmony import */ var _public_key_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(24741);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(28323);
/* harmony import */ var _trust_root_file_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(31950);








/** cosign's short names for predicate types (`cosign verify-attestation --type`). */
const PREDICATE_SHORT_NAMES = {
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
/** A key or a trusted root is a small file; a larger one is not what was meant. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Reads a small text file (relative to the working directory); the action passes its workspace reader instead. */
function readSmallFile(path) {
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync)(path).size > MAX_FILE_BYTES)
        throw Object.assign(new Error('too large'), { code: `larger than ${MAX_FILE_BYTES} bytes` });
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(path, 'utf8');
}
/**
 * Checks verification settings. Undefined when none is given (nothing to verify); otherwise a policy,
 * or an `InputError` of one line naming the setting at fault in `voice`'s words. Files (a key, a
 * trusted root) are read now, with `readFile`.
 */
function parseVerifyPolicy(raw, voice, readFile = readSmallFile) {
    const text = (v) => (typeof v === 'string' ? v.trim() : '');
    const keyText = text(raw.key);
    const identity = text(raw.certificateIdentity);
    const identityRegexp = text(raw.certificateIdentityRegexp);
    const issuer = text(raw.certificateOidcIssuer);
    const types = parseAttestationTypes(raw.attestationTypes, voice);
    const rootText = text(raw.trustedRoot);
    const mode = parseVerifyMode(text(raw.mode), voice);
    const name = (s) => voice.input(s);
    const anything = keyText || identity || identityRegexp || issuer || types.length || rootText || raw.platforms;
    if (!anything) {
        // `enforce` is the default, said or not; `warn` with no policy beside it would warn of nothing.
        if (mode === 'warn')
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Mode)} is warn but nothing is verified: give the policy beside it (${_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Key}, or ${_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentity} with ${_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateOidcIssuer})`);
        return undefined;
    }
    let signer;
    if (keyText) {
        const keyless = [
            identity && _settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentity,
            identityRegexp && _settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentityRegexp,
            issuer && _settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateOidcIssuer,
        ].find(Boolean);
        if (keyless)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Key)} and ${name(keyless)} are both given: verify with a key or with a certificate identity, not both`);
        const key = readPublicKey(keyText, name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Key), readFile);
        signer = { kind: 'key', key, fingerprint: (0,_public_key_js__WEBPACK_IMPORTED_MODULE_4__/* .keyFingerprint */ .yy)(key) };
    }
    else {
        if (identity && identityRegexp) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentity)} and ${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentityRegexp)} are both given: give one`);
        }
        if (!identity && !identityRegexp) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`verification needs a signer: give ${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Key)}, or ${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentity)} (or ${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentityRegexp)}) with ${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateOidcIssuer)}`);
        }
        if (!issuer) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateOidcIssuer)} is missing: a certificate identity means nothing without the issuer that vouched for it (GitHub Actions: https://token.actions.githubusercontent.com)`);
        }
        signer = {
            kind: 'identity',
            issuer,
            ...(identity
                ? { identity }
                : {
                    identityRegexp: compileIdentityRegexp(identityRegexp, name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.CertificateIdentityRegexp)),
                    identityPattern: identityRegexp,
                }),
        };
    }
    // The Sigstore libraries load with the first use of the root (`loadTrustRoots` before the job).
    let trustRoot;
    let trustRootName;
    let trustRootDigest;
    if (!rootText || rootText === 'public-good') {
        trustRoot = async () => (await Promise.all(/* import() */[__webpack_require__.e(187), __webpack_require__.e(555)]).then(__webpack_require__.bind(__webpack_require__, 74555))).publicGoodTrustRoot();
        trustRootName = 'Sigstore public-good';
    }
    else {
        const fromJson = rootText.startsWith('{');
        const what = fromJson ? name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.TrustedRoot) : `${name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.TrustedRoot)} (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(rootText)})`;
        const rootJson = fromJson ? rootText : readNamedFile(rootText, name(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.TrustedRoot), readFile);
        const json = (0,_trust_root_file_js__WEBPACK_IMPORTED_MODULE_6__/* .checkTrustedRootText */ .v)(rootJson, what);
        trustRootDigest = (0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_3__/* .digestOf */ .ol)(rootJson);
        const rootName = fromJson ? 'the trusted root given inline' : (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(rootText);
        let loaded;
        trustRoot = () => (loaded ??= Promise.all(/* import() */[__webpack_require__.e(187), __webpack_require__.e(555)]).then(__webpack_require__.bind(__webpack_require__, 74555)).then((m) => m.trustRootFromJson(json, rootName, what)));
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
function parseVerifyMode(value, voice) {
    const mode = value.trim().toLowerCase();
    if (!mode)
        return undefined;
    if (mode === 'enforce' || mode === 'warn')
        return mode;
    throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.Mode)} is ${voice.value(value.trim())}: use enforce (an image that fails the policy is not copied) or warn (it is copied, with a warning)`);
}
/**
 * Loads each policy's trust root, so a key or certificate in a trusted root that cannot be read is
 * one line before anything is copied, not a refusal of every image.
 */
async function loadTrustRoots(policies) {
    await Promise.all(policies.map((p) => p?.trustRoot()));
}
/** `identity X, issuer Y` / `identity matching /re/, issuer Y` / `key SHA256:…`, then `attestations A, B`. */
function describePolicy(signer, types) {
    const who = signer.kind === 'key'
        ? `key ${signer.fingerprint}`
        : `${signer.identity !== undefined ? `identity ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(signer.identity)}` : `identity matching /${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(signer.identityPattern ?? '')}/`}, issuer ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(signer.issuer)}`;
    return types.length ? `${who}; attestation${types.length > 1 ? 's' : ''} ${types.map((t) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(t)).join(', ')}` : who;
}
function parseAttestationTypes(value, voice) {
    const parts = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [])
        .map((s) => (typeof s === 'string' ? s.trim() : ''))
        .filter(Boolean);
    const out = [];
    for (const part of parts) {
        const type = PREDICATE_SHORT_NAMES[part.toLowerCase()] ?? part;
        let url;
        try {
            url = new URL(type);
        }
        catch {
            url = undefined;
        }
        if (!url || !/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${voice.input(_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .VerifySetting */ .mw.AttestationType)} has ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .quoted */ .TL)(part)}, which is not a predicate type: give a URI (https://slsa.dev/provenance/v1) or one of ${Object.keys(PREDICATE_SHORT_NAMES).join(', ')}`);
        }
        if (!out.includes(type))
            out.push(type);
    }
    return out;
}
/** The regexp must match the whole identity (cosign matches anywhere in it: add `.*` where a part is meant). */
function compileIdentityRegexp(source, what) {
    try {
        return new RegExp(`^(?:${source})$`, 'u');
    }
    catch (err) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${what} is not a valid regular expression: ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)((0,_oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err), 200)}`);
    }
}
/** A PEM public key, given as itself or in a file. The key's text is never echoed back. */
function readPublicKey(value, what, readFile) {
    const inline = value.includes('-----BEGIN');
    const pem = inline ? value : readNamedFile(value, what, readFile);
    const where = inline ? what : `${what} (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .printable */ .g$)(value)})`;
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${where} holds a private key: give the public key (cosign.pub), and keep the private key secret`);
    if (!pem.includes('-----BEGIN'))
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${where} is not a PEM public key: give the contents of cosign.pub (-----BEGIN PUBLIC KEY-----) or its path`);
    let key;
    try {
        key = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPublicKey)(pem);
    }
    catch {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${where} is not a PEM public key that can be read: give the contents of cosign.pub (-----BEGIN PUBLIC KEY-----) or its path`);
    }
    if ((0,_public_key_js__WEBPACK_IMPORTED_MODULE_4__/* .signingHash */ .gP)(key) === undefined)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${where} is a ${(0,_public_key_js__WEBPACK_IMPORTED_MODULE_4__/* .keyKind */ .qp)(key)} key, which cosign does not sign with: give an ECDSA (P-256, P-384, P-521), RSA or Ed25519 public key`);
    return key;
}
function readNamedFile(path, what, readFile) {
    try {
        return readFile(path);
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (0,_oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)})`;
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(`${what} names ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_7__/* .quoted */ .TL)(path)}, which ${why}: give the file's path (in the workspace) or its contents`);
    }
}


/***/ }),

/***/ 24741:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ft: () => (/* binding */ signWithKey),
/* harmony export */   gP: () => (/* binding */ signingHash),
/* harmony export */   qp: () => (/* binding */ keyKind),
/* harmony export */   rY: () => (/* binding */ publicKeyPem),
/* harmony export */   yy: () => (/* binding */ keyFingerprint),
/* harmony export */   zs: () => (/* binding */ verifiesWithKey)
/* harmony export */ });
/* unused harmony export sameKey */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);

/** `SHA256:<base64 without padding>` of the key's DER (SubjectPublicKeyInfo), as `ssh-keygen -l` writes fingerprints. */
function keyFingerprint(key) {
    const der = key.export({ type: 'spki', format: 'der' });
    return `SHA256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}
/** The key's SubjectPublicKeyInfo as PEM (`-----BEGIN PUBLIC KEY-----`), the form of `cosign.pub`. */
function publicKeyPem(key) {
    const pub = key.type === 'private' ? (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPublicKey)(key) : key;
    return pub.export({ type: 'spki', format: 'pem' }).toString();
}
/** Whether two keys are the same public key. */
function sameKey(a, b) {
    const der = (k) => (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
    return der(a).equals(der(b));
}
/**
 * The hash a key signs with, as cosign and sigstore-go choose it by key type: SHA-256 for ECDSA
 * P-256 and for RSA (PKCS#1 v1.5), SHA-384 for P-384, SHA-512 for P-521, none for Ed25519 (which
 * signs the message itself). `undefined` for a key cosign cannot hold.
 */
function signingHash(key) {
    switch (key.asymmetricKeyType) {
        case 'rsa':
            return 'sha256';
        case 'ed25519':
            return null;
        case 'ec':
            switch (key.asymmetricKeyDetails?.namedCurve) {
                case 'prime256v1':
                case 'P-256':
                    return 'sha256';
                case 'secp384r1':
                case 'P-384':
                    return 'sha384';
                case 'secp521r1':
                case 'P-521':
                    return 'sha512';
            }
    }
    return undefined;
}
/** The key's kind in words, for lines: `ECDSA P-384`, `RSA 3072`, `Ed25519`. */
function keyKind(key) {
    const d = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === 'ec')
        return `ECDSA ${curveName(d?.namedCurve)}`;
    if (key.asymmetricKeyType === 'rsa')
        return `RSA ${d?.modulusLength ?? ''}`.trim();
    if (key.asymmetricKeyType === 'ed25519')
        return 'Ed25519';
    return key.asymmetricKeyType ?? 'unknown';
}
function curveName(curve) {
    return { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[curve ?? ''] ?? curve ?? 'unknown curve';
}
/** `data` signed with `key` by the hash its type takes (`signingHash`). */
function signWithKey(key, data) {
    const hash = signingHash(key);
    if (hash === undefined)
        throw new Error(`a ${keyKind(key)} key cannot sign here`);
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.sign)(hash, data, key);
}
/**
 * Whether `signature` over `data` verifies with `key`, by the hash its type takes. An ECDSA key on
 * P-384 or P-521 is also taken with SHA-256: cosign before its signing-algorithm option
 * signed with SHA-256 whatever the curve, and verifies so still.
 */
function verifiesWithKey(key, data, signature) {
    const hash = signingHash(key);
    if (hash === undefined)
        return false;
    const hashes = key.asymmetricKeyType === 'ec' && hash !== 'sha256' ? [hash, 'sha256'] : [hash];
    return hashes.some((h) => {
        try {
            return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.verify)(h, data, key, signature);
        }
        catch {
            return false;
        }
    });
}


/***/ }),

/***/ 28323:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BA: () => (/* binding */ SignServiceSetting),
/* harmony export */   U_: () => (/* binding */ COSIGN_PASSWORD_ENV),
/* harmony export */   gp: () => (/* binding */ SignSetting),
/* harmony export */   mw: () => (/* binding */ VerifySetting),
/* harmony export */   op: () => (/* binding */ AttestSetting)
/* harmony export */ });
/**
 * The settings of verification and signing, named once: step inputs, CLI flags (`--verify-key`)
 * and keys of an `images` entry use these same words.
 */
const VerifySetting = {
    Key: 'verify-key',
    CertificateIdentity: 'verify-certificate-identity',
    CertificateIdentityRegexp: 'verify-certificate-identity-regexp',
    CertificateOidcIssuer: 'verify-certificate-oidc-issuer',
    AttestationType: 'verify-attestation-type',
    TrustedRoot: 'verify-trusted-root',
    Platforms: 'verify-platforms',
    /** `enforce` (an image that fails the policy is not copied) or `warn` (it is copied, with a warning). */
    Mode: 'verify-mode',
};
const SignSetting = {
    Sign: 'sign',
    Key: 'sign-key',
    KeyPassword: 'sign-key-password',
    Format: 'signature-format',
    /** `true`: each platform manifest of an index is signed too (cosign's `--recursive`), as podman and skopeo policies check each. */
    Platforms: 'sign-platforms',
};
/** A signed verification summary (SLSA VSA) of each image that passed the policy, attached to its destination digest. */
const AttestSetting = {
    Verification: 'attest-verification',
};
/** The URLs of a private Sigstore instance to sign through. */
const SignServiceSetting = {
    FulcioUrl: 'sign-fulcio-url',
    RekorUrl: 'sign-rekor-url',
    TsaUrl: 'sign-tsa-url',
};
/** The environment variable cosign reads a key file's password from, by convention. */
const COSIGN_PASSWORD_ENV = 'COSIGN_PASSWORD';


/***/ }),

/***/ 31950:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   v: () => (/* binding */ checkTrustedRootText)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);

const MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.trustedroot';
/**
 * The first look at a `trusted_root.json`, while the inputs are read: JSON, Sigstore's media type,
 * lists where lists belong. It needs none of the Sigstore libraries, so a job that verifies nothing
 * never loads them; their full reading of the keys and certificates (`trustRootFromJson`) comes
 * before the first image is copied. `what` names the file in errors.
 */
function checkTrustedRootText(text, what) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${what} is not JSON: give a Sigstore trusted_root.json`);
    }
    const doc = json;
    if (!doc || typeof doc !== 'object' || typeof doc.mediaType !== 'string' || !doc.mediaType.startsWith(MEDIA_TYPE_PREFIX)) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${what} is not a Sigstore trusted root (its mediaType is not ${MEDIA_TYPE_PREFIX}+json): give a trusted_root.json`);
    }
    for (const field of ['certificateAuthorities', 'tlogs', 'timestampAuthorities', 'ctlogs']) {
        if (doc[field] !== undefined && !Array.isArray(doc[field]))
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${what} is malformed: ${field} is not a list`);
    }
    checkValidityStarts(doc, what);
    return json;
}
/**
 * Each key and authority is trusted over `validFor`, whose `start` Sigstore's format requires: one
 * without it is refused, never read as trusted since forever (a sigstore-conformance case).
 */
function checkValidityStarts(doc, what) {
    const places = [
        ['tlogs', (e) => e?.publicKey?.validFor],
        ['ctlogs', (e) => e?.publicKey?.validFor],
        ['certificateAuthorities', (e) => e?.validFor],
        ['timestampAuthorities', (e) => e?.validFor],
    ];
    for (const [field, validFor] of places) {
        for (const [i, entry] of (doc[field] ?? []).entries()) {
            const range = validFor(entry);
            if (range !== undefined && (range === null || typeof range !== 'object' || typeof range.start !== 'string' || !range.start))
                throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${what} is malformed: ${field}[${i}] has a validFor with no start: give a trusted_root.json that says from when each key is trusted`);
        }
    }
}


/***/ }),

/***/ 49148:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bs: () => (/* binding */ statusLine),
/* harmony export */   PS: () => (/* binding */ isRetryableStatus),
/* harmony export */   Q$: () => (/* binding */ BrokenAnswerError),
/* harmony export */   gl: () => (/* binding */ RegistryError),
/* harmony export */   rN: () => (/* binding */ registryErrorDetail)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(37067);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4277);
/* harmony import */ var _oci_json_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83300);




/**
 * A registry failure. `retryable` says whether doing the whole operation again (with the content
 * reopened) may succeed: a cut connection, a timeout, 408, 429, 5xx, an upload session lost midway.
 * `status` and `code` (the registry's JSON error code, e.g. MANIFEST_BLOB_UNKNOWN) let callers react.
 * `retryAfterMs` is how long to wait before that: the registry's `Retry-After`, or the client's backoff.
 */
class RegistryError extends _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .OperationError */ .OK {
    retryable;
    status;
    code;
    retryAfterMs;
    name = 'RegistryError';
    constructor(message, retryable = false, status, code, retryAfterMs) {
        super(message);
        this.retryable = retryable;
        this.status = status;
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }
}
/** An answer whose body broke off (cut, truncated or stalled) after its headers arrived. */
class BrokenAnswerError extends RegistryError {
    name = 'BrokenAnswerError';
}

function isRetryableStatus(status) {
    return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}
/** `503 Service Unavailable`. */
function statusLine(status) {
    const text = node_http__WEBPACK_IMPORTED_MODULE_0__.STATUS_CODES[status];
    return text ? `${status} ${text}` : String(status);
}
/**
 * The registry's first error code and message from a JSON error body, shortened to one line. The
 * `code` is for matching (`MANIFEST_BLOB_UNKNOWN`); `text` is for a line: white space runs become one
 * space and the rest is made printable, so a registry's message cannot forge log lines or reach the
 * terminal.
 */
function registryErrorDetail(body) {
    let parsed;
    try {
        parsed = (0,_oci_json_js__WEBPACK_IMPORTED_MODULE_2__/* .parseBoundedJson */ .Rj)(body);
    }
    catch {
        return {};
    }
    const first = Array.isArray(parsed?.errors) ? parsed.errors[0] : undefined;
    if (!first)
        return {};
    const code = typeof first.code === 'string' ? first.code.slice(0, 64) : undefined;
    const message = typeof first.message === 'string' ? first.message.replace(/\s+/g, ' ').trim() : undefined;
    const text = [code, message].filter(Boolean).join(': ');
    return { code, text: text ? (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(text, 200) : undefined };
}


/***/ }),

/***/ 62291:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Qq: () => (/* reexport */ HttpClient),
  bP: () => (/* reexport */ client_RegistryClient),
  DE: () => (/* reexport */ RegistryConnections),
  S9: () => (/* reexport */ RegistryRepository),
  w_: () => (/* reexport */ pullsLeft),
  I5: () => (/* reexport */ timeoutsFromEnv)
});

// UNUSED EXPORTS: DEFAULT_RETRY, DEFAULT_TIMEOUTS, RegistryError, RequestRate, TIMEOUT_ENV, findCredentials, isRetryable, openRegistryRepository

// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/media-types.js
var media_types = __webpack_require__(7964);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./lib/src/oci/reference.js + 1 modules
var reference = __webpack_require__(91839);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
;// CONCATENATED MODULE: ./lib/src/targets/registry/credentials.js






const HUB_ALIASES = [reference/* DOCKER_HUB */.Xb, 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
/** The key Docker's tools store Hub credentials under, and the server URL its helpers expect. */
const HUB_SERVER_URL = 'https://index.docker.io/v1/';
const HELPER_TIMEOUT_MS = 30_000;
/** `https://index.docker.io/v1/` → `index.docker.io`; `Ghcr.io/` → `ghcr.io`. */
function normalizeRegistryKey(key) {
    return key
        .trim()
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/\/.*$/, '')
        .toLowerCase();
}
function sameRegistry(key, registry) {
    const k = normalizeRegistryKey(key);
    const r = registry.toLowerCase();
    if (k === r)
        return true;
    return HUB_ALIASES.includes(r) && HUB_ALIASES.includes(k);
}
/**
 * Credentials for `registry`: the explicit ones when given, else what `docker login` (or
 * docker/login-action) left in the Docker config: a credential helper, the credentials store, or `auths`.
 * Undefined means anonymous.
 */
async function findCredentials(registry, options = {}) {
    return (await lookupCredentials(registry, options)).credentials;
}
/** `findCredentials`, saying where the credentials came from or where none were. */
async function lookupCredentials(registry, options = {}) {
    const secret = (s) => {
        if (s)
            options.onSecret?.(s);
        return s;
    };
    const given = options.givenFrom ?? 'the given username and password';
    if (options.username || options.password) {
        secret(options.password);
        return { credentials: { username: options.username ?? '', password: options.password ?? '' }, from: given, looked: [given] };
    }
    const looked = [`${given} (none given)`];
    const found = await fromDockerConfig(registry, options, secret, looked);
    if (found)
        return { ...found, looked };
    if (options.fallback) {
        secret(options.fallback.password);
        const from = options.fallbackFrom ?? 'the fallback token';
        return { credentials: options.fallback, from, looked: [...looked, from] };
    }
    return { looked };
}
async function fromDockerConfig(registry, options, secret, looked) {
    const env = options.env ?? process.env;
    const dir = options.configDir ?? (env.DOCKER_CONFIG || (0,external_node_path_.join)(env.HOME || (0,external_node_os_.homedir)(), '.docker'));
    const file = (0,external_node_path_.join)(dir, 'config.json');
    const config = await readConfig(file);
    if (typeof config === 'string') {
        looked.push(`${(0,oci_text/* printable */.g$)(file)} (${config})`);
        return undefined;
    }
    const helperKey = Object.keys(config.credHelpers ?? {}).find((k) => sameRegistry(k, registry));
    const helper = helperKey ? config.credHelpers[helperKey] : config.credsStore;
    if (helper) {
        const found = await fromHelper(helper, HUB_ALIASES.includes(registry) ? HUB_SERVER_URL : registry, env, secret);
        const from = `docker-credential-${(0,oci_text/* printable */.g$)(helper)} (${helperKey ? 'credHelpers' : 'credsStore'} in ${(0,oci_text/* printable */.g$)(file)})`;
        if (found)
            return { credentials: found, from };
        looked.push(`${from}: nothing for ${(0,oci_text/* printable */.g$)(registry)}`);
        if (helperKey)
            return undefined;
    }
    const entries = Object.entries(config.auths ?? {});
    const entry = entries.find(([k]) => normalizeRegistryKey(k) === registry.toLowerCase()) ?? entries.find(([k]) => sameRegistry(k, registry));
    const found = entry ? fromEntry(entry[1], file, secret) : undefined;
    if (found)
        return { credentials: found, from: (0,oci_text/* printable */.g$)(file) };
    looked.push(`${(0,oci_text/* printable */.g$)(file)} (${entry ? 'an auths entry with no credentials' : 'no auths entry'} for ${(0,oci_text/* printable */.g$)(registry)})`);
    return undefined;
}
/**
 * The end of a 401 or 403 message: whether credentials were found, and where. A 401 with
 * credentials means they were refused; without, that some are needed. A 403 means they (or
 * anonymous access) do not grant the operation.
 */
function credentialHint(registry, status, lookup) {
    const host = (0,oci_text/* printable */.g$)(registry);
    if (!lookup.credentials)
        return `no credentials for ${host}: looked in ${lookup.looked.join(', ')}`;
    if (status === 403)
        return `the credentials for ${host} (from ${lookup.from}) do not allow this: check what the account may do`;
    return `the credentials for ${host} (from ${lookup.from}) were refused: check the user name and password or token`;
}
/** The Docker config, or why there is none to read (`no such file`, `cannot be read: EACCES`). */
async function readConfig(file) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (err) {
        const code = err.code;
        return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : `cannot be read: ${code ?? (0,errors/* messageOf */.bD)(err)}`;
    }
    try {
        const parsed = JSON.parse(text);
        return parsed && typeof parsed === 'object' ? parsed : 'not a JSON object';
    }
    catch {
        throw new errors/* InputError */.dz(`${file} is not valid JSON: fix or remove it (docker login writes it)`);
    }
}
function fromEntry(entry, file, secret) {
    secret(entry.auth);
    secret(entry.password);
    secret(entry.identitytoken);
    if (entry.identitytoken)
        return { username: entry.username, identityToken: entry.identitytoken };
    if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0)
            throw new errors/* InputError */.dz(`${file} has an "auth" entry that is not base64 of user:password`);
        secret(decoded.slice(colon + 1));
        return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username || entry.password)
        return { username: entry.username ?? '', password: entry.password ?? '' };
    return undefined;
}
/** Asks `docker-credential-<name> get`, as Docker does: the server URL on stdin, JSON on stdout. */
async function fromHelper(name, serverUrl, env, secret) {
    const program = `docker-credential-${name}`;
    // Loaded here: only a Docker config that names a helper runs one.
    const { spawn } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 31421, 19));
    const { code, stdout, spawnError } = await new Promise((resolve) => {
        const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
        // A helper waiting on a keychain prompt must not hang the copy.
        const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
        timer.unref();
        let out = '';
        child.stdout.on('data', (d) => (out += d.toString()));
        child.on('error', (err) => {
            clearTimeout(timer);
            resolve({ code: null, stdout: '', spawnError: err });
        });
        child.on('close', (c) => {
            clearTimeout(timer);
            resolve({ code: c, stdout: out });
        });
        child.stdin.on('error', () => { });
        child.stdin.end(serverUrl);
    });
    if (spawnError) {
        throw new errors/* InputError */.dz(`the Docker config names credential helper ${(0,oci_text/* quoted */.TL)(name)} but ${program} cannot be run: install it or remove it from config.json`);
    }
    // Helpers exit non-zero with "credentials not found" when they hold nothing for this server.
    if (code !== 0)
        return undefined;
    let answer;
    try {
        answer = JSON.parse(stdout);
    }
    catch {
        throw new errors/* InputError */.dz(`${program} get did not answer with JSON`);
    }
    if (!answer.Secret)
        return undefined;
    secret(answer.Secret);
    if (answer.Username === '<token>')
        return { identityToken: answer.Secret };
    return { username: answer.Username ?? '', password: answer.Secret };
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/challenge.js
const TOKEN_RE = /[A-Za-z0-9!#$%&'*+.^_`|~-]+/y;
/**
 * Parses every challenge in a `WWW-Authenticate` value (RFC 9110 §11.6.1). Quoted values may hold
 * commas and escaped quotes; several challenges may share one header.
 */
function parseChallenges(value) {
    const out = [];
    let i = 0;
    const skip = (chars) => {
        while (i < value.length && chars.includes(value[i]))
            i++;
    };
    const token = () => {
        TOKEN_RE.lastIndex = i;
        const m = TOKEN_RE.exec(value);
        if (!m)
            return undefined;
        i += m[0].length;
        return m[0];
    };
    while (i < value.length) {
        skip(' \t,');
        const scheme = token();
        if (!scheme)
            break;
        const challenge = { scheme: scheme.toLowerCase(), params: {} };
        out.push(challenge);
        for (;;) {
            skip(' \t');
            const start = i;
            const name = token();
            skip(' \t');
            if (!name || value[i] !== '=') {
                // the next challenge's scheme
                i = start;
                break;
            }
            i++;
            skip(' \t');
            let v;
            if (value[i] === '"') {
                i++;
                v = '';
                while (i < value.length && value[i] !== '"') {
                    if (value[i] === '\\' && i + 1 < value.length)
                        i++;
                    v += value[i++];
                }
                i++;
            }
            else {
                v = token() ?? '';
            }
            challenge.params[name.toLowerCase()] = v;
            skip(' \t');
            if (value[i] === ',') {
                i++;
                continue;
            }
            if (i >= value.length)
                break;
        }
    }
    return out;
}
/** The scopes of a challenge: one `scope` value may list several, separated by spaces. */
function challengeScopes(challenge) {
    return (challenge.params.scope ?? '').split(' ').filter(Boolean);
}

// EXTERNAL MODULE: ./lib/src/targets/registry/errors.js
var registry_errors = __webpack_require__(49148);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/agent.js
var agent = __webpack_require__(57405);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/dispatcher.js
var dispatcher = __webpack_require__(30883);
// EXTERNAL MODULE: ./node_modules/undici/lib/api/api-request.js
var api_request = __webpack_require__(14043);
;// CONCATENATED MODULE: ./lib/src/targets/registry/undici-core.js
/*
 * The parts of undici this project sends requests with: `Agent` (keep-alive pools per origin),
 * `request`, and, only when a request goes through a proxy, `ProxyAgent`. Importing the package
 * root would load all of undici (fetch, WebSocket, caches, mocks, proxies) at start-up: about 40 ms
 * of every run of the CLI, for nothing.
 */



const Agent = agent;
/** The base class of every dispatcher (an EventEmitter with `compose`). */
const DispatcherBase = dispatcher;
/**
 * A maker of undici's `ProxyAgent`, loaded the first time a proxy is needed (a dynamic import, so
 * the bundle keeps it in a chunk of its own). The agent opens tunnels with the `connect` method
 * that the package root adds to every dispatcher; its pool to the proxy gets that method of its own.
 */
function loadProxyAgent() {
    proxyAgentMaker ??= Promise.all([
        __webpack_require__.e(/* import() */ 672).then(__webpack_require__.t.bind(__webpack_require__, 76672, 19)),
        Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 30628, 19)),
        __webpack_require__.e(/* import() */ 660).then(__webpack_require__.t.bind(__webpack_require__, 34660, 19)),
    ]).then(([{ default: ProxyAgent }, { default: Pool }, { default: connect }]) => (options) => new ProxyAgent({ ...options, clientFactory: (origin, opts) => Object.assign(new Pool(origin, opts), { connect }) }));
    return proxyAgentMaker;
}
let proxyAgentMaker;
/** `dispatcher.request(options)` for any dispatcher, without the methods the package root adds to them. */
function request(dispatcher, options) {
    return api_request.call(dispatcher, options);
}

// EXTERNAL MODULE: ./lib/src/cancel/index.js
var cancel = __webpack_require__(74117);
// EXTERNAL MODULE: ./lib/src/targets/registry/network/proxy.js
var proxy = __webpack_require__(18166);
// EXTERNAL MODULE: ./lib/src/targets/registry/network/tls.js
var network_tls = __webpack_require__(93463);
;// CONCATENATED MODULE: ./lib/src/targets/registry/network/dispatcher.js



const POOL = { keepAliveTimeout: 30_000, connections: 16 };
/**
 * A keep-alive pool per origin, trusting `ca` or verifying nothing, and, when a proxy variable is
 * set, a router that sends each origin through its proxy or straight there. Requests reach a proxy
 * only through a CONNECT tunnel, plain-HTTP registries too: the proxy sees a host and port, never a
 * request, so the registry's credentials never reach it (only the proxy's own, on the CONNECT).
 */
function openNetwork(options, connectTimeoutMs) {
    const tls = (0,network_tls/* tlsConnectOptions */.W)(options.ca, options.tlsVerify !== false);
    const direct = new Agent({ ...POOL, connect: { timeout: connectTimeoutMs, ...tls } });
    const settings = (0,proxy/* proxyFromEnv */.kE)(options.env ?? process.env, options.onSecret);
    if (!settings)
        return { dispatcher: direct, proxyFor: () => undefined };
    const router = new ProxyRouter(direct, settings, (choice) => new DeferredDispatcher(loadProxyAgent().then((make) => make({
        ...POOL,
        uri: choice.url.href,
        proxyTunnel: true,
        requestTls: { timeout: connectTimeoutMs, ...tls },
        proxyTls: { timeout: connectTimeoutMs, ...tls },
    }))));
    return { dispatcher: router, proxyFor: (url) => (0,proxy/* proxyFor */.iJ)(settings, url) };
}
/**
 * A dispatcher made of others, which it closes or destroys together; `parts` says which they are
 * by then. The callback and promise forms of both are undici's.
 */
class Composite extends DispatcherBase {
    close(callback) {
        return settle(this.parts().then((parts) => Promise.all(parts.map((d) => d.close()))), callback);
    }
    destroy(errOrCallback, callback) {
        const [err, cb] = typeof errOrCallback === 'function' ? [null, errOrCallback] : [errOrCallback ?? null, callback];
        return settle(this.parts().then((parts) => Promise.all(parts.map((d) => d.destroy(err)))), cb);
    }
}
/** Dispatches each request to the proxy its origin needs (made on first use), or to the direct pool. */
class ProxyRouter extends Composite {
    direct;
    settings;
    makeProxyAgent;
    viaProxy = new Map();
    constructor(direct, settings, makeProxyAgent) {
        super();
        this.direct = direct;
        this.settings = settings;
        this.makeProxyAgent = makeProxyAgent;
    }
    dispatch(options, handler) {
        return this.pick(new URL(String(options.origin))).dispatch(options, handler);
    }
    pick(url) {
        const choice = (0,proxy/* proxyFor */.iJ)(this.settings, url);
        if (!choice)
            return this.direct;
        let agent = this.viaProxy.get(choice.url.href);
        if (!agent) {
            agent = this.makeProxyAgent(choice);
            this.viaProxy.set(choice.url.href, agent);
        }
        return agent;
    }
    parts() {
        return Promise.resolve([this.direct, ...this.viaProxy.values()]);
    }
}
/**
 * A dispatcher that exists before its module is loaded: requests made meanwhile are handed on once
 * it is, so the synchronous `dispatch` of the router never waits on an import.
 */
class DeferredDispatcher extends Composite {
    loading;
    ready;
    failure;
    constructor(loading) {
        super();
        this.loading = loading;
        loading.then((d) => (this.ready = d), (err) => (this.failure = err));
    }
    dispatch(options, handler) {
        if (this.ready)
            return this.ready.dispatch(options, handler);
        const fail = (err) => handler.onError?.(err);
        if (this.failure)
            fail(this.failure);
        else
            this.loading
                .then((d) => d.dispatch(options, handler))
                .catch((err) => {
                try {
                    fail(err);
                }
                catch {
                    // the handler's own failure has nowhere further to go
                }
            });
        return true;
    }
    parts() {
        return this.loading.then((d) => [d], () => []);
    }
}
/** A dispatcher's close or destroy, as a promise or through a callback, as its caller asked. */
function settle(work, callback) {
    const done = work.then(() => undefined);
    if (!callback)
        return done;
    void done.then(callback, callback);
}

// EXTERNAL MODULE: ./lib/src/targets/registry/network/failures.js
var failures = __webpack_require__(83607);
// EXTERNAL MODULE: ./lib/src/targets/registry/network/observer.js
var observer = __webpack_require__(31982);
;// CONCATENATED MODULE: ./lib/src/targets/registry/http.js










const DEFAULT_RETRY = {
    maxTries: 5,
    baseDelayMs: 250,
    minDelayMs: 200,
    maxDelayMs: 3000,
    maxWaitMs: 60_000,
    maxTotalMs: 120_000,
};
const DEFAULT_TIMEOUTS = { headersMs: 60_000, bodyIdleMs: 60_000, connectMs: 15_000 };
/** The environment variable that sets how long a registry may stay silent, in seconds. */
const TIMEOUT_ENV = 'OCI_COPY_TIMEOUT_SECONDS';
/**
 * Timeouts from `OCI_COPY_TIMEOUT_SECONDS` (0.1 to 3600): the longest wait for an answer and the
 * longest silence within one, for registries slower than the defaults allow, or quicker failure.
 * Connecting never waits longer than the default. Undefined when unset.
 */
function timeoutsFromEnv(env) {
    const raw = env[TIMEOUT_ENV]?.trim();
    if (!raw)
        return undefined;
    const seconds = Number(raw);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(raw) || seconds < 0.1 || seconds > 3600) {
        throw new errors/* InputError */.dz(`environment variable ${TIMEOUT_ENV} is ${(0,oci_text/* quoted */.TL)(raw)}: use a number of seconds from 0.1 to 3600`);
    }
    const ms = Math.round(seconds * 1000);
    return { headersMs: ms, bodyIdleMs: ms, connectMs: Math.min(ms, DEFAULT_TIMEOUTS.connectMs) };
}
/** The wait before try `attempt + 1` (attempt counts from 0). */
function backoffDelay(attempt, policy = DEFAULT_RETRY, random = Math.random) {
    const raw = policy.baseDelayMs * 2 ** attempt * (0.9 + 0.2 * random());
    return Math.round(Math.min(policy.maxDelayMs, Math.max(policy.minDelayMs, raw)));
}
/** `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const v = value.trim();
    if (/^[0-9]+$/.test(v))
        return Number(v) * 1000;
    const when = Date.parse(v);
    if (Number.isNaN(when))
        return undefined;
    return Math.max(0, when - now);
}
/** `https://host`, or `http://host` on loopback or when plain HTTP is allowed. Docker Hub's API lives on registry-1. */
function registryBaseUrl(registry, plainHttp = false) {
    const host = registry === reference/* DOCKER_HUB */.Xb ? 'registry-1.docker.io' : registry;
    return new URL(`${plainHttp || (0,reference/* isLoopbackRegistry */.jW)(registry) ? 'http' : 'https'}://${host}`);
}
const USER_AGENT = 'oci-copy/0.1';
const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const NOT_TRANSIENT = new Set([
    'UND_ERR_INVALID_ARG',
    'UND_ERR_ABORTED',
    'UND_ERR_NOT_SUPPORTED',
    'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
    // A pool that was closed or destroyed never opens again: no retry can reach it.
    'UND_ERR_CLOSED',
    'UND_ERR_DESTROYED',
    // A registry that sends more headers than a client takes sends them again.
    'UND_ERR_HEADERS_OVERFLOW',
]);
function header(res, name) {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
}
/**
 * Closes a response body nobody will read. undici reports a body destroyed before its end as an
 * 'error' event (RequestAbortedError): without a listener that event would end the process.
 */
function dropBody(body) {
    body.on('error', () => { });
    if (!body.destroyed)
        body.destroy();
}
/** Reads and forgets a response body, so the connection goes back to the pool. */
async function discard(res) {
    const body = res.body;
    try {
        if (body.dump)
            await body.dump({ limit: 256 * 1024 });
        else
            dropBody(body);
    }
    catch {
        // a body that failed while being thrown away changes nothing
    }
}
/** Reads a small body (an error, a token, a manifest) up to `limit` bytes. */
async function readBody(res, limit) {
    const chunks = [];
    let total = 0;
    try {
        for await (const chunk of res.body) {
            total += chunk.length;
            if (total > limit) {
                dropBody(res.body);
                throw new registry_errors/* RegistryError */.gl(`response from ${res.url.host} is larger than ${limit} bytes`);
            }
            chunks.push(chunk);
        }
    }
    catch (err) {
        if (err instanceof errors/* OciCopyError */.vW)
            throw err;
        // A cut or stalled body: worth another try, like a cut connection before the headers.
        throw new registry_errors/* BrokenAnswerError */.Q$(`${res.url.host} broke off its answer after ${total} bytes: ${(0,errors/* messageOf */.bD)(err)}`, true);
    }
    return Buffer.concat(chunks);
}
/**
 * HTTP for registries: one keep-alive pool, redirects followed by hand (credentials never cross to
 * another origin), per-request timeouts, and retries with backoff on transient failures.
 */
class HttpClient {
    dispatcher;
    owned;
    userAgent;
    timeouts;
    retry;
    voice;
    /** The proxy a request to a URL goes through, for messages. */
    proxyFor;
    observer;
    requestRate;
    /** Fires on `close()`: whatever is still sending or waiting to retry ends at once. */
    closing = new AbortController();
    constructor(options = {}) {
        this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
        this.retry = { ...DEFAULT_RETRY, ...options.retry };
        this.userAgent = options.userAgent ?? USER_AGENT;
        this.owned = !options.dispatcher;
        this.voice = options.voice;
        this.observer = options.observer;
        this.requestRate = options.requestRate;
        const network = options.dispatcher ? undefined : openNetwork(options.network ?? {}, this.timeouts.connectMs);
        this.dispatcher = options.dispatcher ?? network.dispatcher;
        this.proxyFor = network ? (url) => network.proxyFor(url) : () => undefined;
    }
    /**
     * Sends `req`, following redirects and retrying what may pass on another try. After `close()`,
     * or once `req.signal` fires, nothing more is sent or waited for: the request fails at once.
     */
    async send(req) {
        if (this.closing.signal.aborted)
            throw new errors/* CancelledError */.cc(`the connection pool for ${req.url.host} is closed`);
        const { signal, dispose } = (0,cancel/* linkSignals */.w4)(this.closing.signal, req.signal);
        let res;
        try {
            res = await this.sendUntilDone({ ...req, signal });
        }
        catch (err) {
            dispose();
            throw err;
        }
        // The body streams on after the headers: cancelling must reach it too, until it is done.
        if (res.body.destroyed || res.body.readableEnded)
            dispose();
        else
            res.body.once('close', dispose);
        return res;
    }
    async sendUntilDone(req) {
        const replayable = !(req.body instanceof external_node_stream_.Readable) && req.method !== 'POST' && req.method !== 'PATCH';
        const retry = (req.retry ?? replayable) && !(req.body instanceof external_node_stream_.Readable);
        const started = Date.now();
        for (let attempt = 0;; attempt++) {
            const tries = attempt + 1;
            let res;
            let error;
            try {
                (0,cancel/* throwIfAborted */.Te)(req.signal);
                res = await this.follow(req);
                res.tries = tries;
            }
            catch (err) {
                // A cancelled request ends with the reason it was cancelled, however undici put it.
                if (req.signal.aborted)
                    throw (0,cancel/* abortReason */.Js)(req.signal);
                if (!isTransient(err))
                    throw hostileAnswer(req.url, err) ?? err;
                error = err;
            }
            if (res && (!(0,registry_errors/* isRetryableStatus */.PS)(res.status) || this.tooLongToWait(res) !== undefined))
                return res;
            const more = retry && tries < this.retry.maxTries;
            const delay = this.retryDelay(attempt, res);
            if (!more || Date.now() - started + delay > this.retry.maxTotalMs) {
                if (res)
                    return res;
                const failure = transportError(req.url, error, tries, this.timeouts, delay);
                failure.message = (0,failures/* throughProxy */.EU)(failure.message, this.proxyFor(req.url));
                throw failure;
            }
            if (res)
                await discard(res);
            this.observer?.({
                type: 'retry',
                method: req.method,
                url: req.url,
                attempt: tries + 1,
                maxTries: this.retry.maxTries,
                delayMs: delay,
                reason: res ? (0,registry_errors/* statusLine */.Bs)(res.status) : (0,errors/* messageOf */.bD)(error),
            });
            await (0,cancel/* pause */.v7)(delay, req.signal);
        }
    }
    /** The wait before try `attempt + 2`: the answer's `Retry-After` (never above the cap), else backoff. */
    retryDelay(attempt, res) {
        const after = res ? parseRetryAfter(header(res, 'retry-after')) : undefined;
        return after !== undefined ? Math.min(after, this.retry.maxWaitMs) : backoffDelay(attempt, this.retry);
    }
    /**
     * How long an answer's `Retry-After` asks to wait, in milliseconds, when that is longer than any
     * one wait may be; undefined otherwise. Such an answer is not retried: a registry cannot keep a
     * job asleep for as long as it likes.
     */
    tooLongToWait(res) {
        const after = parseRetryAfter(header(res, 'retry-after'));
        return after !== undefined && after > this.retry.maxWaitMs ? after : undefined;
    }
    /** Tells the observer a decision about how a registry is reached (a line of its own). */
    note(url, text) {
        this.observer?.({ type: 'note', url, text });
    }
    /** Ends every connection at once, abandoning what is in flight; retries waiting end too, later sends are refused. */
    async destroy() {
        this.closing.abort(new errors/* CancelledError */.cc('the connection pool is closed'));
        if (this.owned)
            await this.dispatcher.destroy();
    }
    /** Ends the client: requests in flight and retries waiting are cancelled, later sends refused. */
    async close() {
        this.closing.abort(new errors/* CancelledError */.cc('the connection pool is closed'));
        if (this.owned)
            await this.dispatcher.close();
    }
    async follow(req) {
        let { method, url, body } = req;
        const headers = { 'user-agent': this.userAgent, ...req.headers };
        for (let hops = 0;; hops++) {
            const res = await this.once(method, url, headers, body, req.signal);
            const location = header(res, 'location');
            if (req.followRedirects === false || !REDIRECTS.has(res.status) || !location)
                return res;
            await discard(res);
            if (hops >= MAX_REDIRECTS)
                throw new registry_errors/* RegistryError */.gl(`${url.host} redirected more than ${MAX_REDIRECTS} times`);
            const next = redirectTarget(location, url);
            if (req.refuseRedirects) {
                throw new registry_errors/* RegistryError */.gl(`${url.host} answered a ${method} with a ${res.status} redirect to ${next.host}: refusing to send uploads or credentials anywhere but ${url.host}`);
            }
            if (next.protocol !== 'https:' && next.protocol !== 'http:') {
                throw new registry_errors/* RegistryError */.gl(`${url.host} redirected to an unsupported URL scheme ${next.protocol}`);
            }
            if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
                if (method !== 'HEAD')
                    method = 'GET';
                body = undefined;
                delete headers['content-type'];
                delete headers['content-length'];
            }
            else if (body instanceof external_node_stream_.Readable) {
                throw new registry_errors/* RegistryError */.gl(`${url.host} redirected an upload (${res.status}); it cannot be sent again from here`, true);
            }
            else if (body !== undefined && next.origin !== url.origin) {
                // A body may hold a secret (a refresh token) or content meant for this registry only.
                throw new registry_errors/* RegistryError */.gl(`${url.host} redirected a ${method} with content to another host (${next.host}); refusing to send it there`);
            }
            if (next.origin !== url.origin)
                for (const h of CREDENTIAL_HEADERS)
                    delete headers[h];
            url = next;
        }
    }
    async once(method, url, headers, body, signal) {
        // Every request, retry and redirect hop passes here: the one place a request rate can hold.
        if (this.requestRate) {
            const wait = this.requestRate.delay(url.host);
            if (wait > 0)
                await (0,cancel/* pause */.v7)(wait, signal);
        }
        const started = Date.now();
        const auth = (0,observer/* authScheme */.Su)(headers.authorization);
        let res;
        try {
            res = await this.request(method, url, headers, body, signal);
        }
        catch (err) {
            this.observer?.({ type: 'failure', method, url, error: (0,errors/* messageOf */.bD)(err), ms: Date.now() - started, auth });
            // What no retry cures (a certificate, HTTPS to a plain-HTTP port, a name) fails here, at once.
            throw (0,failures/* fatalNetworkError */.JE)(err, url, this.voice, this.proxyFor(url)) ?? err;
        }
        this.observer?.({ type: 'response', method, url, status: res.statusCode, ms: Date.now() - started, auth });
        return { status: res.statusCode, headers: res.headers, body: res.body, url, tries: 1 };
    }
    request(method, url, headers, body, signal) {
        return request(this.dispatcher, {
            signal,
            origin: url.origin,
            path: url.pathname + url.search,
            method: method,
            headers,
            body: body ?? null,
            // undici closes the connection after every HEAD unless told not to; registries send no HEAD body.
            ...(method === 'HEAD' ? { reset: false } : {}),
            headersTimeout: this.timeouts.headersMs,
            bodyTimeout: this.timeouts.bodyIdleMs,
        });
    }
}
/** Where a redirect's `Location` leads; one that is not a URL is the registry's error, not worth another try. */
function redirectTarget(location, from) {
    try {
        return new URL(location, from);
    }
    catch {
        throw new registry_errors/* RegistryError */.gl(`${from.host} redirected to a Location that is not a URL: ${(0,oci_text/* quoted */.TL)(location, 200)}`);
    }
}
/** An answer no client takes, named for the registry that sent it; undefined for other failures. */
function hostileAnswer(url, err) {
    const code = err?.code;
    if (code === 'UND_ERR_HEADERS_OVERFLOW')
        return new registry_errors/* RegistryError */.gl(`${url.host} answered with more header bytes than any registry sends (over 16 KiB)`);
    return undefined;
}
/** Network failures and timeouts may pass on another try; our own errors (bad content, bad input) do not. */
function isTransient(err) {
    if (err instanceof errors/* OciCopyError */.vW)
        return err instanceof registry_errors/* RegistryError */.gl && err.retryable;
    const code = err?.code;
    if (typeof code === 'string' && NOT_TRANSIENT.has(code))
        return false;
    return err instanceof Error;
}
/** One line naming the host, what happened, and how often it was tried. */
function transportError(url, err, tries, timeouts, retryAfterMs) {
    const code = err?.code;
    const after = tries > 1 ? ` after ${tries} tries` : '';
    let what;
    if (code === 'UND_ERR_HEADERS_TIMEOUT')
        what = `${url.host} did not answer within ${timeouts.headersMs / 1000} s`;
    else if (code === 'UND_ERR_BODY_TIMEOUT')
        what = `${url.host} stopped sending for ${timeouts.bodyIdleMs / 1000} s`;
    else if (code === 'UND_ERR_CONNECT_TIMEOUT')
        what = `cannot connect to ${url.host} within ${timeouts.connectMs / 1000} s`;
    else if (err instanceof registry_errors/* RegistryError */.gl)
        what = err.message;
    else
        what = `cannot reach ${url.host}: ${(0,errors/* messageOf */.bD)(err)}`;
    return new registry_errors/* RegistryError */.gl(`${what}${after}`, true, undefined, undefined, retryAfterMs);
}

// EXTERNAL MODULE: ./lib/src/oci/json.js
var json = __webpack_require__(83300);
;// CONCATENATED MODULE: ./lib/src/targets/registry/auth.js







/** `repository:<name>:pull` and friends, as the distribution token spec writes them. */
const pullScope = (repository) => `repository:${repository}:pull`;
const pushScope = (repository) => `repository:${repository}:pull,push`;
/** What a DELETE needs under token auth (distribution asks for `delete`, not `push`). */
const deleteScope = (repository) => `repository:${repository}:delete`;
/** Merges scopes on the same resource (`…:pull` + `…:push` → `…:pull,push`) and sorts them, so equal sets share a key. */
function normalizeScopes(scopes) {
    const byResource = new Map();
    for (const scope of scopes) {
        const at = scope.lastIndexOf(':');
        if (at <= 0)
            continue;
        const resource = scope.slice(0, at);
        const actions = byResource.get(resource) ?? new Set();
        for (const a of scope.slice(at + 1).split(','))
            if (a)
                actions.add(a);
        byResource.set(resource, actions);
    }
    return [...byResource].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`).sort();
}
const DEFAULT_TOKEN_LIFETIME_S = 60;
const CLIENT_ID = 'oci-copy';
/**
 * Anonymous, basic and bearer-token authentication for one registry. It learns the scheme from the
 * first 401, then authorizes every later request up front; bearer tokens are cached per scope set
 * and renewed before they expire.
 */
class RegistryAuth {
    options;
    scheme;
    realm;
    service;
    tokens = new Map();
    pending = new Map();
    lookup;
    constructor(options) {
        this.options = options;
    }
    /** Sends `req` with the authorization `scopes` need, answering one challenge if the registry asks. */
    async send(req, scopes) {
        if (req.url.origin !== this.options.origin) {
            // Never the registry's credentials to another host, whatever URL a registry answer led to.
            const { authorization: _a, ...headers } = req.headers ?? {};
            return this.options.http.send({ ...req, headers });
        }
        const first = await this.authorization(scopes, false);
        const res = await this.options.http.send(withAuthorization(req, first));
        if (res.status !== 401 || res.url.origin !== req.url.origin)
            return res;
        const challenge = pickChallenge(res);
        if (!challenge)
            return res;
        let wanted = scopes;
        if (challenge.scheme === 'bearer') {
            this.learnBearer(challenge);
            wanted = [...scopes, ...challengeScopes(challenge)];
        }
        else {
            const creds = await this.credentials();
            if (!creds?.password && !creds?.username)
                return res;
            if (this.scheme === 'basic' && first)
                return res; // the credentials were refused
            this.scheme = 'basic';
        }
        if (req.body instanceof external_node_stream_.Readable) {
            await discard(res);
            throw new registry_errors/* RegistryError */.gl(`${this.options.registry} asked to authenticate again during an upload`, true, 401);
        }
        const second = await this.authorization(wanted, true);
        await discard(res);
        return this.options.http.send(withAuthorization(req, second));
    }
    async credentials() {
        this.lookup ??= this.options.credentials();
        return (await this.lookup).credentials;
    }
    /** What a 401 or 403 says of credentials: none found (and where it looked), or which were refused. */
    async credentialHint(status) {
        this.lookup ??= this.options.credentials();
        return credentialHint(this.options.registry, status, await this.lookup);
    }
    learnBearer(challenge) {
        const realm = challenge.params.realm;
        let url;
        try {
            url = new URL(realm ?? '');
        }
        catch {
            throw new registry_errors/* RegistryError */.gl(`${this.options.registry} sent a bearer challenge without a valid realm`);
        }
        const plainOk = url.protocol === 'http:' && ((0,reference/* isLoopbackHostname */.pq)(url.hostname) || this.options.allowPlainRealm);
        if (url.protocol !== 'https:' && !plainOk) {
            throw new registry_errors/* RegistryError */.gl(`${this.options.registry} asks for tokens from ${url.origin}, which is not HTTPS: refusing to send credentials there`);
        }
        if (this.realm?.href !== url.href || this.service !== challenge.params.service)
            this.tokens.clear();
        this.scheme = 'bearer';
        this.realm = url;
        this.service = challenge.params.service;
    }
    /** The `authorization` header for `scopes`, or undefined while the registry has asked for none. */
    async authorization(scopes, fresh) {
        if (this.scheme === 'basic') {
            const c = await this.credentials();
            return `Basic ${Buffer.from(`${c?.username ?? ''}:${c?.password ?? ''}`).toString('base64')}`;
        }
        if (this.scheme !== 'bearer')
            return undefined;
        const normalized = normalizeScopes(scopes);
        const key = normalized.join(' ');
        const cached = this.tokens.get(key);
        if (cached && !fresh && cached.expiresAt > Date.now())
            return `Bearer ${cached.value}`;
        let pending = this.pending.get(key);
        if (!pending) {
            pending = this.fetchToken(normalized, key).finally(() => this.pending.delete(key));
            this.pending.set(key, pending);
        }
        return `Bearer ${await pending}`;
    }
    async fetchToken(scopes, key) {
        const realm = new URL(this.realm.href);
        const creds = await this.credentials();
        let res;
        if (creds?.identityToken) {
            // docker login's identity token is an OAuth2 refresh token: exchange it with a POST.
            const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: CLIENT_ID });
            if (this.service)
                form.set('service', this.service);
            if (scopes.length)
                form.set('scope', scopes.join(' '));
            res = await this.options.http.send({
                method: 'POST',
                url: realm,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: form.toString(),
                retry: true,
            });
        }
        else {
            if (this.service)
                realm.searchParams.set('service', this.service);
            for (const scope of scopes)
                realm.searchParams.append('scope', scope);
            const headers = {};
            if (creds?.username || creds?.password) {
                headers.authorization = `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
            }
            res = await this.options.http.send({ method: 'GET', url: realm, headers });
        }
        const what = `a token for ${scopes.join(' ') || 'the registry'} from ${realm.host}`;
        const body = (await readBody(res, 1024 * 1024)).toString('utf8');
        if (res.status !== 200) {
            const detail = (0,registry_errors/* registryErrorDetail */.rN)(body).text;
            const hint = res.status === 401 || res.status === 403 ? `: ${await this.credentialHint(res.status)}` : '';
            throw new registry_errors/* RegistryError */.gl(`getting ${what}: ${(0,registry_errors/* statusLine */.Bs)(res.status)}${detail ? ` (${detail})` : ''}${hint}`, res.status >= 500 || res.status === 429, res.status);
        }
        let parsed;
        try {
            parsed = ((0,json/* parseBoundedJson */.Rj)(body) ?? {});
        }
        catch {
            throw new registry_errors/* RegistryError */.gl(`getting ${what}: the answer is not JSON`);
        }
        const value = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
        if (typeof value !== 'string' || !value)
            throw new registry_errors/* RegistryError */.gl(`getting ${what}: the answer holds no token`);
        this.options.onSecret?.(value);
        const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S;
        // Renew a little early, so a token does not expire between being chosen and being checked.
        const margin = Math.min(10, lifetime / 10);
        this.tokens.set(key, { value, expiresAt: Date.now() + (lifetime - margin) * 1000 });
        return value;
    }
}
function withAuthorization(req, authorization) {
    if (!authorization)
        return req;
    return { ...req, headers: { ...req.headers, authorization } };
}
/** Bearer when offered (it works for anonymous pulls too), else Basic. */
function pickChallenge(res) {
    const raw = res.headers['www-authenticate'];
    const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
    const all = values.flatMap((v) => parseChallenges(v));
    return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/upload-session.js


/**
 * An open upload session: its current URL (each answer hands the next, with distribution's
 * `_state`), the bytes the registry acknowledged, and how to ask the registry where it stands.
 */
class UploadSession {
    client;
    url;
    scopes;
    operation;
    /** Bytes the registry acknowledged (a PATCH answered 202, or the offset it told). */
    acked = 0;
    constructor(client, url, scopes, operation) {
        this.client = client;
        this.url = url;
        this.scopes = scopes;
        this.operation = operation;
    }
    /**
     * How many bytes the registry holds: `GET <upload URL>` answers 204 with `Range: 0-<last byte>`
     * (distribution spec, "Resuming an upload"). `0-0` says both "nothing" and "one byte": it is read
     * as what was acknowledged before, 0 or 1. A session the registry forgot (404, distribution's
     * BLOB_UPLOAD_UNKNOWN or BLOB_UPLOAD_INVALID) is `gone`.
     */
    async offset(signal) {
        const res = await this.client.send({ method: 'GET', url: this.url, signal }, this.scopes);
        if (res.status === 404) {
            await discard(res);
            return 'gone';
        }
        if (res.status !== 204 && res.status !== 202)
            return this.client.fail(res, `${this.operation} (asking the upload session where it stands)`);
        await discard(res);
        const range = /^(?:bytes=)?0-([0-9]{1,16})$/.exec((header(res, 'range') ?? '').trim());
        if (!range)
            return 0;
        const last = Number(range[1]);
        if (last === 0)
            return this.acked >= 1 ? 1 : 0;
        return last + 1;
    }
}
/** The failure an upload may go on after, and the words for it; undefined for one it must not (bad content, a refusal). */
function resumableFailure(err) {
    if (err instanceof registry_errors/* RegistryError */.gl) {
        if (err.status === 413)
            return 'a front refused a request body as too large (413)';
        if (err.status === 401)
            return 'the token expired (401)';
        if (!err.retryable)
            return undefined;
        return err.status ? `the registry answered ${err.status}` : 'the connection was lost';
    }
    const code = err?.code;
    if (typeof code === 'string' && (code.startsWith('UND_ERR_') || code.startsWith('E'))) {
        if (code === 'UND_ERR_ABORTED' || code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED')
            return undefined;
        return code.includes('TIMEOUT') ? 'the registry stopped answering' : 'the connection was lost';
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/upload.js






/** GHCR caps PATCH chunks at 4 MiB; a chunk is held in memory, so keep it small. */
const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
/** The smallest chunk a 413 halves to: a front that refuses 1 MiB bodies takes no blob worth copying. */
const MIN_CHUNK_BYTES = 1024 * 1024;
/**
 * The upload session's URL from a POST or PATCH answer. A relative `Location` is resolved against
 * the answer's URL. It must be on the registry's own origin (`registry`, its base URL): one on
 * another host, or one that drops from https to http, is refused, since the session would carry our
 * credentials and content somewhere we did not choose.
 */
function uploadLocation(res, operation, registry) {
    const location = header(res, 'location');
    if (!location)
        throw new registry_errors/* RegistryError */.gl(`${operation}: the registry opened an upload session without a Location`, true);
    let url;
    try {
        url = new URL(location, res.url);
    }
    catch {
        throw new registry_errors/* RegistryError */.gl(`${operation}: the registry sent an upload Location that is not a URL`);
    }
    if (registry.protocol === 'https:' && url.protocol !== 'https:') {
        throw new registry_errors/* RegistryError */.gl(`${operation}: the registry sent the upload from https to ${url.protocol}; refusing`);
    }
    if (url.host !== registry.host || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        throw new registry_errors/* RegistryError */.gl(`${operation}: the registry sent the upload to another host (${url.host}); refusing`);
    }
    return url;
}
/**
 * The largest chunk held in memory for one upload, whatever a registry asks: eight uploads at once
 * hold at most eight of them.
 */
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/**
 * Learns a chunk size the registry advertises (`OCI-Chunk-Min-Length`) from the session's answer,
 * up to `MAX_CHUNK_BYTES`: a registry that asks for more gets chunks of that size.
 */
function learnChunking(res, mode) {
    const min = Number(header(res, 'oci-chunk-min-length'));
    if (Number.isFinite(min) && min > 0) {
        mode.chunked = true;
        if (!mode.capped)
            mode.chunkBytes = Math.min(MAX_CHUNK_BYTES, Math.max(mode.chunkBytes, min));
    }
}
/**
 * Finishes an open session with the blob's bytes: one PUT, or PATCH chunks then a closing PUT.
 * With `upload.resume`, a lost connection, a timeout, a 5xx, a 401 (the token expired) or a 413
 * (a front capping bodies: the chunks halve) does not end the upload: the session is asked how many
 * bytes it holds and the upload goes on from there in chunks, the content read again from that
 * offset. Only a session the registry forgot starts over (a retryable error, for the caller's new
 * session). Tries that make no progress are bounded as retries are.
 */
async function uploadOnSession(client, session, desc, content, upload) {
    const state = new UploadSession(client, session, upload.scopes, upload.operation);
    let stream = content;
    /** The furthest byte handed to a request: what is beyond the registry's offset after a failure was sent for nothing. */
    const sent = { bytes: 0 };
    let chunked = upload.mode.chunked;
    let stalled = 0;
    let failures = 0;
    /** Where the upload went on the last time it broke off. */
    let wentOnAt = -1;
    try {
        for (;;) {
            try {
                if (!chunked)
                    await uploadWhole(client, state, desc, stream, upload, sent);
                else
                    await uploadChunks(client, state, desc, stream, upload, sent);
                return;
            }
            catch (err) {
                const reason = resumableFailure(err);
                if (!upload.resume || contentFailed(stream) || upload.signal?.aborted)
                    throw err;
                if (!reason)
                    throw sessionGone(err, upload, sent.bytes) ?? err;
                failures++;
                const at = await during(upload.operation, () => state.offset(upload.signal));
                if (at === 'gone')
                    throw forgotten(reason, upload, sent.bytes);
                if (at > Math.max(sent.bytes, state.acked) || at > desc.size) {
                    throw new registry_errors/* RegistryError */.gl(`${upload.operation}: the upload session says it holds ${at} bytes, more than were sent`);
                }
                // Progress since the last time it broke off restores the tries: a link that drops every few hundred MB still gets there.
                stalled = at > wentOnAt || err.status === 413 ? 0 : stalled + 1;
                wentOnAt = at;
                if (stalled >= client.http.retry.maxTries)
                    throw givenUp(err, ++failures);
                // A front that refuses a body may close the connection before its 413 can be read: the
                // same chunk lost twice at the same offset is taken as too large, and halved as a 413 would.
                if (stalled && chunked && !err.status && upload.mode.chunkBytes > MIN_CHUNK_BYTES) {
                    learnCap(upload.mode, upload.mode.chunkBytes, upload.operation);
                }
                // The registry's Retry-After (429, 503), else backoff once a try made no progress.
                const asked = err.retryAfterMs;
                const wait = asked !== undefined ? asked : stalled ? backoffDelay(stalled - 1, client.http.retry) : 0;
                if (wait > 0)
                    await (0,cancel/* pause */.v7)(wait, upload.signal);
                upload.resume.resumed?.({ offset: at, resent: Math.max(0, sent.bytes - at), reason });
                stream.destroy();
                state.acked = at;
                sent.bytes = at;
                chunked = true;
                stream = at < desc.size ? await upload.resume.from(at) : external_node_stream_.Readable.from([]);
                stream.on('error', () => { });
            }
        }
    }
    finally {
        if (!stream.readableEnded)
            stream.destroy();
        if (stream !== content && !content.readableEnded)
            content.destroy();
    }
}
/** Whether the content itself failed (bad bytes, a source that broke off), not a reader that stopped reading it. */
function contentFailed(stream) {
    const failure = stream.errored;
    // Reading chunks with `for await` ends the stream with an AbortError when a request fails.
    return !!failure && failure.code !== 'ABORT_ERR';
}
/** A session the registry forgot: start over on a new one (the caller's retry), having said what was lost. */
function forgotten(reason, upload, sent) {
    upload.resume?.resumed?.({ offset: 0, resent: sent, reason: `${reason}, and the upload session is gone` });
    return new registry_errors/* RegistryError */.gl(`${upload.operation}: ${reason}, and the registry forgot the upload session: uploading again`, true, 404);
}
/**
 * A chunk or the closing PUT answered 404 for the session (distribution's BLOB_UPLOAD_UNKNOWN, or
 * BLOB_UPLOAD_INVALID when a cut request left bytes the session did not count): forgotten.
 */
function sessionGone(err, upload, sent) {
    const { status, code } = err instanceof registry_errors/* RegistryError */.gl ? err : {};
    if (status !== 404 || (code !== 'BLOB_UPLOAD_UNKNOWN' && code !== 'BLOB_UPLOAD_INVALID'))
        return undefined;
    return forgotten(`the registry answered ${code}`, upload, sent);
}
/** The last failure of an upload that went on until its tries ran out without progress: not worth a new session. */
function givenUp(err, tries) {
    if (!(err instanceof registry_errors/* RegistryError */.gl))
        return err;
    const message = / after [0-9]+ tries/.test(err.message) ? err.message : `${err.message} after ${tries} tries`;
    return new registry_errors/* RegistryError */.gl(message, false, err.status, err.code);
}
function withDigest(session, desc) {
    const url = new URL(session.href);
    url.searchParams.append('digest', desc.digest);
    return url;
}
/**
 * A 413 says the request body was larger than something in front of the registry takes: chunks
 * from now on, for this host, at half the refused size (at most the chunk size so far), down to
 * `MIN_CHUNK_BYTES`. One refused at that size ends the upload.
 */
function learnCap(mode, refused, operation) {
    if (mode.chunked && refused <= MIN_CHUNK_BYTES) {
        return new registry_errors/* RegistryError */.gl(`${operation}: the registry (or a front before it) refuses request bodies of ${refused} bytes (413), and oci-copy sends no smaller chunks than ${MIN_CHUNK_BYTES} bytes: raise the front's body limit`);
    }
    const half = Math.max(MIN_CHUNK_BYTES, Math.floor(refused / 2));
    // A whole blob refused: chunks of the usual size, when that is below what was refused.
    if (mode.chunked || refused <= mode.chunkBytes)
        mode.chunkBytes = Math.min(mode.chunkBytes, half);
    mode.chunked = true;
    mode.capped = true;
    return new registry_errors/* RegistryError */.gl(`${operation}: the registry refused one ${refused}-byte request (413); upload again in chunks`, true, 413);
}
async function uploadWhole(client, session, desc, content, upload, sent) {
    const { scopes, mode, operation, signal } = upload;
    const res = await client.send({
        method: 'PUT',
        url: withDigest(session.url, desc),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
        body: upload.resume ? counting(content, sent) : content,
        signal,
    }, scopes);
    if (res.status === 201)
        return discard(res);
    if (res.status === 413) {
        await discard(res);
        throw learnCap(mode, desc.size, operation);
    }
    return client.fail(res, operation);
}
/** `content` as it is read, adding what passes to `sent` (how much of a whole blob went out before it broke off). */
function counting(content, sent) {
    const counted = content.pipe(new external_node_stream_.Transform({
        transform(chunk, _enc, done) {
            sent.bytes += chunk.length;
            done(null, chunk);
        },
    }));
    // Until the request takes `counted` as its body (after a token or a request-rate slot, or never
    // when the send fails first), nothing else listens: the content's failure is told by the content.
    counted.on('error', () => { });
    content.once('error', (err) => counted.destroy(err));
    counted.once('close', () => {
        if (!content.readableEnded)
            content.unpipe(counted);
    });
    return counted;
}
async function uploadChunks(client, session, desc, content, upload, sent) {
    const { scopes, mode, operation, signal } = upload;
    let offset = session.acked;
    for await (const chunk of chunks(content, mode.chunkBytes)) {
        sent.bytes = Math.max(sent.bytes, offset + chunk.length);
        const res = await client.send({
            method: 'PATCH',
            url: session.url,
            headers: {
                'content-type': 'application/octet-stream',
                'content-length': String(chunk.length),
                'content-range': `${offset}-${offset + chunk.length - 1}`,
            },
            body: chunk,
            signal,
        }, scopes);
        if (res.status === 413) {
            await discard(res);
            throw learnCap(mode, chunk.length, `${operation} (chunk at byte ${offset})`);
        }
        if (res.status !== 202)
            return client.fail(res, `${operation} (chunk at byte ${offset})`);
        session.url = uploadLocation(res, operation, client.base);
        await discard(res);
        offset += chunk.length;
        session.acked = offset;
    }
    const res = await client.send({
        method: 'PUT',
        url: withDigest(session.url, desc),
        headers: { 'content-type': 'application/octet-stream', 'content-length': '0' },
        signal,
        // An upload that goes on where it stopped asks the session before trying the close again.
        ...(upload.resume ? { retry: false } : {}),
    }, scopes);
    if (res.status === 201)
        return discard(res);
    return client.fail(res, operation);
}
/** Cuts a stream into pieces of exactly `size` bytes (the last may be shorter). */
async function* chunks(content, size) {
    let parts = [];
    let held = 0;
    for await (const data of content) {
        let buf = data;
        while (held + buf.length >= size) {
            const take = size - held;
            parts.push(buf.subarray(0, take));
            yield Buffer.concat(parts);
            parts = [];
            held = 0;
            buf = buf.subarray(take);
        }
        if (buf.length) {
            parts.push(buf);
            held += buf.length;
        }
    }
    if (held)
        yield Buffer.concat(parts);
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/client.js








/** Longest 400 body read to tell an HTTPS server's complaint from a registry's error. */
const HTTPS_ANSWER_LIMIT = 64 * 1024;
/** One registry host: its base URL, the shared HTTP client and the authentication state. */
class client_RegistryClient {
    registry;
    http;
    baseUrl;
    auth;
    ownsHttp;
    /** How blobs go up to this host, for every repository of the job: what a 413 or `OCI-Chunk-Min-Length` taught stays. */
    uploads = { chunked: false, chunkBytes: DEFAULT_CHUNK_BYTES };
    constructor(registry, options = {}) {
        this.registry = registry;
        this.baseUrl = registryBaseUrl(registry, options.plainHttp);
        this.ownsHttp = !options.http;
        this.http = options.http ?? registryHttpClient(options);
        const client = this;
        this.auth = new RegistryAuth({
            registry,
            get origin() {
                return client.base.origin;
            },
            http: this.http,
            credentials: () => lookupCredentials(registry, options),
            onSecret: options.onSecret,
            allowPlainRealm: options.plainHttp,
        });
    }
    /** `https://host`, or `http://host` on loopback (until it turns out to speak HTTPS) or with plain HTTP allowed. */
    get base() {
        return this.baseUrl;
    }
    /** A URL on this registry: `path` starts with `/v2/`. */
    url(path) {
        return new URL(path, this.base);
    }
    /**
     * Sends a request to this registry with the authorization `scopes` need. Whatever writes (POST,
     * PUT, PATCH, DELETE) is never redirected: a registry that answers an upload with a redirect to
     * another host would otherwise receive our content there, and the next request our credentials.
     */
    async send(req, scopes) {
        const writes = req.method !== 'GET' && req.method !== 'HEAD';
        const res = await this.auth.send(writes ? { ...req, refuseRedirects: true } : req, scopes);
        this.noteRateLimit(res);
        if (res.status !== 400 || req.url.protocol !== 'http:' || req.url.origin !== this.base.origin)
            return res;
        return this.unlessHttpsServer(req, scopes, res);
    }
    /**
     * A 400 to plain HTTP may be an HTTPS server saying so. On loopback, where plain HTTP was only
     * assumed, the registry is spoken to over HTTPS from then on and the request sent again; off
     * loopback plain HTTP was asked for, and the error says to stop asking.
     */
    async unlessHttpsServer(req, scopes, res) {
        let body;
        if (req.method !== 'HEAD')
            body = await readBody(res, HTTPS_ANSWER_LIMIT);
        else {
            dropBody(res.body);
            if (Object.keys(res.headers).length) {
                // A HEAD answer has no body to read the complaint from: ask again with a GET (nginx answers
                // with headers). An answer too long for a complaint is not one: the HEAD's 400 stands.
                const again = await this.http.send({ method: 'GET', url: req.url, ...(req.signal ? { signal: req.signal } : {}) });
                body = await readBody(again, HTTPS_ANSWER_LIMIT).catch(() => undefined);
            }
        }
        const answer = { ...res, body: external_node_stream_.Readable.from(body && req.method !== 'HEAD' ? [body] : []) };
        if (!(0,failures/* isHttpsServerAnswer */.hX)(res.headers, body?.toString('utf8')))
            return answer;
        if (!(0,reference/* isLoopbackRegistry */.jW)(this.registry))
            throw (0,failures/* httpsOnlyError */.GP)(req.url, this.http.voice);
        this.baseUrl = new URL(`https://${this.base.host}`);
        this.http.note(req.url, `${this.registry} answered plain HTTP as an HTTPS server does: speaking HTTPS to it from here on`);
        if (req.body instanceof external_node_stream_.Readable) {
            throw new registry_errors/* RegistryError */.gl(`${this.registry} speaks HTTPS: sending again over HTTPS`, true, 400, undefined, 0);
        }
        return this.send({ ...req, url: new URL(req.url.pathname + req.url.search, this.base) }, scopes);
    }
    /** The pull limit the registry last reported (`ratelimit-remaining: 76;w=21600`), and when. */
    rateLimit;
    noteRateLimit(res) {
        const remaining = parseRateLimit(header(res, 'ratelimit-remaining'));
        if (!remaining || res.url.origin !== this.base.origin)
            return;
        const limit = parseRateLimit(header(res, 'ratelimit-limit'));
        // The IETF draft's `RateLimit-Reset: <seconds>`, where a registry sends it (Docker Hub does not).
        const reset = parseRateLimit(header(res, 'ratelimit-reset'));
        const at = Date.now();
        this.rateLimit = laterRateLimit(this.rateLimit, {
            remaining: remaining.count,
            ...(limit ? { limit: limit.count } : {}),
            ...(remaining.windowSeconds !== undefined ? { windowSeconds: remaining.windowSeconds } : {}),
            ...(reset ? { resetsAt: at + reset.count * 1000 } : {}),
            at,
        });
    }
    /** Throws the one-line error for an unexpected answer, with the registry's own error code. */
    async fail(res, operation) {
        let detail = {};
        try {
            detail = (0,registry_errors/* registryErrorDetail */.rN)((await readBody(res, 64 * 1024)).toString('utf8'));
        }
        catch {
            // the status alone will do
        }
        const after = res.tries > 1 ? ` after ${res.tries} tries` : '';
        const asked = this.http.tooLongToWait(res);
        const hint = asked !== undefined
            ? `: ${this.registry} asks to wait ${formatWait(asked)} before another try (Retry-After), longer than the ${formatWait(this.http.retry.maxWaitMs)} oci-copy waits at once; try again later`
            : res.status === 401 || res.status === 403
                ? `: ${await this.auth.credentialHint(res.status)}`
                : '';
        const retryable = (0,registry_errors/* isRetryableStatus */.PS)(res.status) && asked === undefined;
        throw new registry_errors/* RegistryError */.gl(`${operation}: ${(0,registry_errors/* statusLine */.Bs)(res.status)}${after}${detail.text ? ` (${detail.text})` : ''}${hint}`, retryable, res.status, detail.code, retryable ? this.http.retryDelay(res.tries - 1, res) : undefined);
    }
    /** After a failure (an interrupt among them) requests still in flight are abandoned, not waited for. */
    async close(outcome = 'success') {
        if (!this.ownsHttp)
            return;
        await (outcome === 'failure' ? this.http.destroy() : this.http.close());
    }
}
/** `90 s`, `24 h`: a wait as a person reads it. */
function formatWait(ms) {
    const s = Math.round(ms / 1000);
    if (s < 120)
        return `${s} s`;
    if (s < 7200)
        return `${Math.round(s / 60)} min`;
    return `${Math.round(s / 3600)} h`;
}
/** The HTTP client (connection pool, proxies, trust) a registry's options ask for. */
function registryHttpClient(options) {
    return new HttpClient({ ...options, network: { env: options.env, onSecret: options.onSecret, ...options.network } });
}
/** `76;w=21600` → 76 pulls in a window of 21,600 s; undefined when absent or unreadable. */
function parseRateLimit(value) {
    const m = /^\s*([0-9]{1,12})\s*(?:;\s*w\s*=\s*([0-9]{1,12}))?/.exec(value ?? '');
    if (!m)
        return undefined;
    return { count: Number(m[1]), ...(m[2] ? { windowSeconds: Number(m[2]) } : {}) };
}
/** Prefixes transport failures with the operation, so every error says what failed and where. */
async function during(operation, work) {
    try {
        return await work();
    }
    catch (err) {
        if (err instanceof registry_errors/* RegistryError */.gl && !err.message.startsWith(operation)) {
            const Kind = err.constructor;
            throw new Kind(`${operation}: ${err.message}`, err.retryable, err.status, err.code, err.retryAfterMs);
        }
        throw err;
    }
}
/** Answers this close together come from requests in flight at once, in any order. */
const SAME_MOMENT_MS = 5000;
function laterRateLimit(held, seen) {
    if (!held || !seen)
        return seen ?? held;
    if (Math.abs(seen.at - held.at) < SAME_MOMENT_MS)
        return seen.remaining <= held.remaining ? seen : held;
    return seen.at > held.at ? seen : held;
}

// EXTERNAL MODULE: ./lib/src/oci/digest.js
var oci_digest = __webpack_require__(36618);
;// CONCATENATED MODULE: ./lib/src/targets/registry/answered-digest.js



/**
 * A request by digest pins its answer: a `Docker-Content-Digest` that names other content is
 * refused before anything is read or believed (a registry that answers `sha256:B` for `sha256:A`
 * would otherwise have B copied and tagged as if A had been asked for). `op` names the request,
 * and with it the digest asked for. The body, if any, is the caller's to discard.
 */
function refuseOtherDigest(requested, res, op) {
    const said = header(res, 'docker-content-digest');
    if ((0,oci_digest/* namesOtherContent */.Sm)(requested, said)) {
        throw new errors/* DigestMismatchError */.h(`${op}: the registry answered ${said} (its Docker-Content-Digest) for ${requested}: refused, a digest pins the content it names`, requested, said);
    }
}
/** The digest of the bytes a registry sent for `requested`, refused when it is another. */
function refuseOtherBytes(requested, computed, op) {
    if (computed !== requested) {
        throw new errors/* DigestMismatchError */.h(`${op}: the registry sent other content: digest mismatch: expected ${requested}, got ${computed}`, requested, computed);
    }
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/blobs.js









/** How far a download must have come since its last break for the next break to start its tries again. */
const PROGRESS_RESETS_TRIES_BYTES = 1024 * 1024;
/** One repository's blob endpoints. */
class Blobs {
    client;
    repository;
    mode;
    constructor(client, repository, mode) {
        this.client = client;
        this.repository = repository;
        this.mode = mode;
    }
    get place() {
        return `${this.client.registry}/${this.repository}`;
    }
    url(path) {
        return this.client.url(`/v2/${this.repository}/blobs/${path}`);
    }
    async exists(desc, signal) {
        return (await this.size(desc, signal)) !== undefined;
    }
    /** The size the registry stores for the blob (its HEAD's `Content-Length`), or undefined when it is not there. */
    async size(desc, signal) {
        const op = `checking blob ${desc.digest} in ${this.place}`;
        return during(op, async () => {
            const res = await this.client.send({ method: 'HEAD', url: this.url(desc.digest), signal }, [pullScope(this.repository)]);
            if (res.status !== 200 && res.status !== 404)
                return this.client.fail(res, op);
            await discard(res);
            if (res.status !== 200)
                return undefined;
            refuseOtherDigest(desc.digest, res, op);
            const length = Number(header(res, 'content-length'));
            // A registry that leaves the length out is taken at the manifest's word.
            return Number.isSafeInteger(length) && length >= 0 && header(res, 'content-length') !== undefined ? length : desc.size;
        });
    }
    /**
     * `DELETE` by digest: the repository's link to the blob goes (`deleted`); `absent` when it had
     * none; `refused` when the registry does not delete through its API (405, or a refusal).
     */
    async delete(desc, signal) {
        const op = `deleting blob ${desc.digest} from ${this.place}`;
        return during(op, async () => {
            const res = await this.client.send({ method: 'DELETE', url: this.url(desc.digest), retry: false, signal }, [
                deleteScope(this.repository),
            ]);
            await discard(res);
            if (res.status === 202 || res.status === 200 || res.status === 204)
                return 'deleted';
            if (res.status === 404)
                return 'absent';
            if (res.status === 405 || res.status === 403 || res.status === 401)
                return 'refused';
            return this.client.fail(res, op);
        });
    }
    /**
     * The blob's bytes. A download cut midway goes on with `Range: bytes=N-` when the registry answers
     * 206, and otherwise starts again, skipping what was already passed on. The caller verifies.
     */
    async fetch(desc, signal, from = 0) {
        const op = `fetching blob ${desc.digest} from ${this.place}`;
        const first = await during(op, () => this.get(desc, from, op, signal));
        const current = { res: first };
        const stream = external_node_stream_.Readable.from(this.download(desc, current, op, signal, from), { objectMode: false });
        // Destroying the stream ends the generator only once its await returns, and an answer that
        // stalls never returns: the answer being read is dropped first, so its connection goes at once.
        const destroy = stream._destroy.bind(stream);
        stream._destroy = (err, done) => {
            if (current.res)
                dropBody(current.res.body);
            destroy(err, done);
        };
        return stream;
    }
    async get(desc, offset, op, signal) {
        const headers = offset > 0 ? { range: `bytes=${offset}-` } : {};
        const res = await this.client.send({ method: 'GET', url: this.url(desc.digest), headers, signal }, [pullScope(this.repository)]);
        if (res.status === 200 || (offset > 0 && res.status === 206)) {
            try {
                refuseOtherDigest(desc.digest, res, op);
            }
            catch (err) {
                dropBody(res.body);
                throw err;
            }
            return res;
        }
        if (res.status === 404) {
            await discard(res);
            throw new errors/* NotFoundError */.m_(`blob ${desc.digest} is not in ${this.place}`);
        }
        return this.client.fail(res, op);
    }
    /** The blob's bytes from `current.res` on, asking again where it broke off; `current.res` is the answer being read. */
    async *download(desc, current, op, signal, from = 0) {
        const policy = this.client.http.retry;
        let offset = from;
        /** Where the answer being read starts: 0 for a whole answer (200), which is skipped up to `offset`. */
        let progressed = from;
        for (let failures = 0;;) {
            try {
                current.res ??= await during(op, () => this.get(desc, offset, op, signal));
                const res = current.res;
                let skip = res.status === 206 && rangeStart(res) === offset ? 0 : offset;
                // A break after real progress starts the tries again; one every few bytes still runs out of them.
                if (offset >= progressed + PROGRESS_RESETS_TRIES_BYTES)
                    [failures, progressed] = [0, offset];
                if (res.status === 206 && skip)
                    throw new registry_errors/* RegistryError */.gl(`${op}: the registry answered a different range`);
                for await (const data of res.body) {
                    let chunk = data;
                    if (skip) {
                        const drop = Math.min(skip, chunk.length);
                        skip -= drop;
                        chunk = chunk.subarray(drop);
                        if (!chunk.length)
                            continue;
                    }
                    offset += chunk.length;
                    yield chunk;
                }
                if (offset >= desc.size)
                    return;
                throw new registry_errors/* RegistryError */.gl(`${op}: the download ended after ${offset} of ${desc.size} bytes`, true);
            }
            catch (err) {
                // Cancelled (the copy failed elsewhere, or the client closed): no other try.
                (0,cancel/* throwIfAborted */.Te)(signal);
                failures++;
                if (!isTransient(err) || failures >= policy.maxTries) {
                    if (err instanceof registry_errors/* RegistryError */.gl || !isTransient(err))
                        throw err;
                    throw new registry_errors/* RegistryError */.gl(`${op}: ${transportError(this.client.base, err, failures, this.client.http.timeouts).message}`, true);
                }
                await (0,cancel/* pause */.v7)(backoffDelay(failures - 1, policy), signal);
            }
            finally {
                if (current.res)
                    dropBody(current.res.body);
                current.res = undefined;
            }
        }
    }
    /** POST then PUT (distribution ignores a single-request `POST ?digest=`), or chunks when the registry wants them. */
    async push(desc, content, signal, resume) {
        const op = `pushing blob ${desc.digest} to ${this.place}`;
        const scopes = [pushScope(this.repository)];
        // The content may fail (a digest mismatch) while the session opens: keep that for the caller, not the process.
        content.on('error', () => { });
        try {
            await during(op, async () => {
                const res = await this.client.send({ method: 'POST', url: this.url('uploads/'), retry: true, signal }, scopes);
                if (res.status !== 202)
                    return this.client.fail(res, op);
                learnChunking(res, this.mode);
                const session = uploadLocation(res, op, this.client.base);
                await discard(res);
                if (content.errored)
                    throw content.errored;
                await uploadOnSession(this.client, session, desc, content, { scopes, mode: this.mode, operation: op, signal, resume });
            });
        }
        finally {
            if (!content.readableEnded)
                content.destroy();
        }
    }
    /** Asks the registry to link a blob from another repository; see `Mounter.mount`. */
    async mount(desc, from, getContent, signal, resume) {
        const op = `pushing blob ${desc.digest} to ${this.place}`;
        const scopes = [pushScope(this.repository), pullScope(from)];
        const url = this.url('uploads/');
        url.searchParams.set('mount', desc.digest);
        url.searchParams.set('from', from);
        let session;
        try {
            const res = await this.client.send({ method: 'POST', url, retry: true, signal }, scopes);
            if (res.status === 201) {
                const digest = header(res, 'docker-content-digest');
                await discard(res);
                return !digest || digest === desc.digest ? 'mounted' : 'refused';
            }
            if (res.status !== 202) {
                await discard(res);
                return 'refused';
            }
            learnChunking(res, this.mode);
            session = uploadLocation(res, op, this.client.base);
            await discard(res);
        }
        catch {
            return 'refused';
        }
        if (!getContent) {
            await this.abandon(session, scopes);
            return 'refused';
        }
        const content = await getContent();
        content.on('error', () => { });
        await during(op, () => uploadOnSession(this.client, session, desc, content, { scopes, mode: this.mode, operation: op, signal, resume }));
        return 'uploaded';
    }
    async abandon(session, scopes) {
        try {
            await discard(await this.client.send({ method: 'DELETE', url: session, retry: false }, scopes));
        }
        catch {
            // an abandoned session expires on its own
        }
    }
}
function rangeStart(res) {
    const m = /^bytes ([0-9]+)-/.exec(header(res, 'content-range') ?? '');
    return m ? Number(m[1]) : undefined;
}

// EXTERNAL MODULE: ./lib/src/oci/referrers.js
var referrers = __webpack_require__(61576);
// EXTERNAL MODULE: ./lib/src/oci/manifest.js
var manifest = __webpack_require__(98775);
// EXTERNAL MODULE: ./lib/src/targets/shared-list.js
var shared_list = __webpack_require__(68599);
;// CONCATENATED MODULE: ./lib/src/targets/registry/referrers.js










/**
 * What refers to `subject`: the referrers API when the registry has it, else the index kept under
 * the tag schema (distribution 2.8 answers the API with a plain-text 404).
 */
async function listReferrers(client, manifests, repository, subject, artifactType) {
    const op = `listing referrers of ${subject.digest} in ${client.registry}/${repository}`;
    return during(op, async () => {
        const url = client.url(`/v2/${repository}/referrers/${subject.digest}`);
        if (artifactType)
            url.searchParams.set('artifactType', artifactType);
        const res = await client.send({ method: 'GET', url, headers: { accept: media_types/* MediaType */.zu.OciIndex } }, [pullScope(repository)]);
        const type = header(res, 'content-type')?.split(';')[0].trim();
        let list;
        if (res.status === 200 && type === media_types/* MediaType */.zu.OciIndex) {
            list = (0,manifest/* parseIndex */.A1)(await readBody(res, 4 * 1024 * 1024), `referrers of ${subject.digest}`).manifests;
        }
        else if (res.status === 404 || res.status === 200 || res.status === 405 || res.status === 400) {
            await discard(res);
            try {
                const { bytes } = await manifests.get((0,referrers/* referrersTag */.L)(subject.digest), op);
                list = (0,manifest/* parseIndex */.A1)(bytes, `referrers index of ${subject.digest}`).manifests;
            }
            catch (err) {
                if (err instanceof errors/* NotFoundError */.m_)
                    return [];
                throw err;
            }
        }
        else {
            return client.fail(res, op);
        }
        return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
    });
}
/** Updates in flight per `host/repository@subject`: one at a time within the process. */
const pending = new Map();
/**
 * Adds `referrer` to the index kept under the subject's `sha256-<hex>` tag (the referrers tag
 * schema), creating it when missing and keeping every entry already there. Updates for one subject
 * are made one after another within the process; against writers in other processes the index is
 * read back after the write and merged again until it lists everything (see `appendToSharedList`).
 */
function keepReferrersIndex(manifests, subject, referrer) {
    const key = `${manifests.where}@${subject.digest}`;
    const previous = pending.get(key) ?? Promise.resolve();
    const update = previous.then(() => mergeIntoReferrersIndex(manifests, subject, referrer));
    const settled = update.catch(() => { });
    pending.set(key, settled);
    void settled.then(() => {
        if (pending.get(key) === settled)
            pending.delete(key);
    });
    return update;
}
async function mergeIntoReferrersIndex(manifests, subject, referrer) {
    const tag = (0,referrers/* referrersTag */.L)(subject.digest);
    const op = `updating the referrers index ${manifests.where}:${tag} of ${subject.digest}`;
    // The index as last read: its other fields (annotations) are kept on every write.
    let index = { schemaVersion: 2, mediaType: media_types/* MediaType */.zu.OciIndex, manifests: [] };
    return (0,shared_list/* appendToSharedList */.f)({
        key: (d) => d.digest,
        read: async () => {
            try {
                index = (0,manifest/* parseIndex */.A1)((await manifests.get(tag, op)).bytes, `referrers index ${manifests.where}:${tag}`);
            }
            catch (err) {
                if (!(err instanceof errors/* NotFoundError */.m_))
                    throw err;
                index = { schemaVersion: 2, mediaType: media_types/* MediaType */.zu.OciIndex, manifests: [] };
            }
            return index.manifests;
        },
        write: async (entries) => {
            const merged = { ...index, mediaType: media_types/* MediaType */.zu.OciIndex, manifests: entries };
            const bytes = Buffer.from(JSON.stringify(merged));
            await manifests.put({ mediaType: media_types/* MediaType */.zu.OciIndex, digest: (0,oci_digest/* digestOf */.ol)(bytes), size: bytes.length }, tag, bytes, op);
        },
        lost: (missing, rounds) => new registry_errors/* RegistryError */.gl(`${op}: other writers kept dropping entries from the index (${missing} missing after ${rounds} writes); run the copy again to add them`),
    }, [referrer]);
}
/** The line that says an index had to be merged again, or undefined when it did not. */
function referrersMergeLine(where, subject, update) {
    if (update.merges === 0)
        return undefined;
    const times = update.merges === 1 ? 'once' : `${update.merges} times`;
    return `the referrers index ${where}:${(0,referrers/* referrersTag */.L)(subject.digest)} of ${subject.digest} lost entries to another writer at the same time: merged and written again (${times}); it lists all ${update.entries}`;
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/manifests.js














const CACHE_ENTRIES = 64;
/** Manifests are small; a few large ones (up to 4 MiB each) must not add up to much memory. */
const CACHE_BYTES = 16 * 1024 * 1024;
/** Tries of a manifest PUT the registry answers with DIGEST_INVALID for bytes known to be right (see `put`). */
const MISREAD_TRIES = 5;
/** One repository's manifest endpoints, with the bytes of recent manifests kept for tagging. */
class Manifests {
    client;
    repository;
    recent = new Map();
    recentBytes = 0;
    /** Lines a push has to say (a referrers index merged again), by the pushed manifest's digest, until taken. */
    notes = new Map();
    constructor(client, repository) {
        this.client = client;
        this.repository = repository;
    }
    get place() {
        return `${this.client.registry}/${this.repository}`;
    }
    url(reference) {
        return this.client.url(`/v2/${this.repository}/manifests/${reference}`);
    }
    named(reference) {
        return `${this.place}${(0,oci_digest/* isDigest */.Bc)(reference) ? '@' : ':'}${reference}`;
    }
    /**
     * The manifest's descriptor, from a GET rather than a HEAD: the copy needs the bytes next anyway,
     * so the one request saves a round trip, and `fetch` serves the kept, verified bytes.
     */
    async resolve(reference) {
        const op = `resolving ${this.named(reference)}`;
        // A digest whose bytes are kept (a second destination, a tag just read) needs no request.
        const kept = (0,oci_digest/* isDigest */.Bc)(reference) ? this.recent.get(reference) : undefined;
        const desc = kept
            ? { mediaType: kept.mediaType, digest: reference, size: kept.bytes.length }
            : await during(op, async () => (await this.get(reference, op)).desc);
        // Anything else would be copied as an opaque blob and tagged: a login page, an error page.
        if (!(0,media_types/* isManifest */.Yh)(desc.mediaType)) {
            throw new registry_errors/* RegistryError */.gl(`${op}: the registry answered ${(0,oci_text/* printable */.g$)(desc.mediaType, 100)}, which is not a manifest media type`);
        }
        return desc;
    }
    async fetch(desc, signal) {
        const kept = this.recent.get(desc.digest)?.bytes;
        if (kept && kept.length === desc.size)
            return external_node_stream_.Readable.from([kept]);
        const op = `fetching manifest ${desc.digest} from ${this.place}`;
        return during(op, async () => external_node_stream_.Readable.from([(await this.get(desc.digest, op, signal)).bytes]));
    }
    async exists(desc, signal) {
        const op = `checking manifest ${desc.digest} in ${this.place}`;
        return during(op, async () => {
            const res = await this.client.send({ method: 'HEAD', url: this.url(desc.digest), headers: { accept: media_types/* MANIFEST_ACCEPT */.dY }, signal }, [
                pullScope(this.repository),
            ]);
            if (res.status !== 200 && res.status !== 404)
                return this.client.fail(res, op);
            await discard(res);
            if (res.status === 200)
                refuseOtherDigest(desc.digest, res, op);
            return res.status === 200;
        });
    }
    /**
     * What a tag names now, from a HEAD: its digest (`Docker-Content-Digest`), media type and size.
     * A registry that leaves the digest out of a HEAD answer is asked with a GET instead (the digest
     * is then computed from the bytes). Undefined when the tag does not exist. Asked by digest, the
     * answer is that digest: a header naming another is refused (see `refuseOtherDigest`).
     */
    async readTag(tag) {
        const op = `resolving ${this.named(tag)}`;
        return during(op, async () => {
            const res = await this.client.send({ method: 'HEAD', url: this.url(tag), headers: { accept: media_types/* MANIFEST_ACCEPT */.dY } }, [
                pullScope(this.repository),
            ]);
            if (res.status === 404) {
                await discard(res);
                return undefined;
            }
            if (res.status !== 200)
                return this.client.fail(res, op);
            await discard(res);
            const said = header(res, 'docker-content-digest');
            if ((0,oci_digest/* isDigest */.Bc)(tag))
                refuseOtherDigest(tag, res, op);
            // A header in another algorithm cannot be compared: the digest asked for stands.
            const digest = (0,oci_digest/* isDigest */.Bc)(tag) && (said === undefined || (0,oci_digest/* isDigest */.Bc)(said)) ? tag : said;
            const size = Number(header(res, 'content-length'));
            const type = contentType(res);
            if (digest && (0,oci_digest/* isDigest */.Bc)(digest) && type && (0,media_types/* isManifest */.Yh)(type) && Number.isSafeInteger(size) && size >= 0) {
                return { mediaType: type, digest, size };
            }
            try {
                return (await this.get(tag, op)).desc;
            }
            catch (err) {
                if (err instanceof errors/* NotFoundError */.m_)
                    return undefined;
                throw err;
            }
        });
    }
    /**
     * Reads the (verified, ≤ 4 MiB) manifest whole, then PUTs it by digest, or by `reference` (a tag)
     * to store and tag it at once: a buffer can be sent again on a retry.
     */
    async push(desc, content, reference = desc.digest, signal) {
        const op = `pushing manifest ${desc.digest} to ${reference === desc.digest ? this.place : this.named(reference)}`;
        if (desc.size > media_types/* MAX_MANIFEST_BYTES */.ZJ)
            throw new errors/* ContentError */.yg(`${op}: manifest is ${desc.size} bytes, over the 4 MiB limit`);
        const chunks = [];
        for await (const c of content)
            chunks.push(c);
        const bytes = Buffer.concat(chunks);
        (0,oci_digest/* verifyBytes */.RV)(bytes, desc);
        const answered = await this.put(desc, reference, bytes, op, signal);
        this.remember(desc, bytes);
        // A registry with the referrers API says so with OCI-Subject; without it, the pusher keeps the
        // `sha256-<hex>` index of the subject's referrers up to date.
        const referrer = (0,referrers/* referrerOf */.N)(desc, bytes);
        if (referrer && !header(answered, 'oci-subject')) {
            const update = await keepReferrersIndex(this, referrer.subject, referrer.descriptor);
            const line = referrersMergeLine(this.place, referrer.subject, update);
            if (line)
                this.notes.set(desc.digest, [...(this.notes.get(desc.digest) ?? []), line]);
        }
    }
    /** What the push of `digest` had to say, once: the lines are forgotten as they are taken. */
    takeNotes(digest) {
        const lines = this.notes.get(digest) ?? [];
        this.notes.delete(digest);
        return lines;
    }
    /** Points a tag at a manifest already in the repository; a digest reference needs nothing. */
    async tag(desc, reference) {
        if ((0,oci_digest/* isDigest */.Bc)(reference))
            return;
        const op = `tagging ${desc.digest} as ${this.named(reference)}`;
        await during(op, async () => {
            let bytes = this.recent.get(desc.digest)?.bytes;
            if (!bytes) {
                bytes = (await this.get(desc.digest, op)).bytes;
                (0,oci_digest/* verifyBytes */.RV)(bytes, desc);
            }
            await this.put(desc, reference, bytes, op);
        });
    }
    /**
     * PUTs manifest bytes under a tag or digest; the answer's headers are kept (OCI-Subject). Every
     * caller checked the bytes against their digest, so DIGEST_INVALID is the registry misreading its
     * own storage: distribution's filesystem driver rewrites a link file by truncating, then writing,
     * and a manifest PUT that reads the link of a child (a signature layer, a merged index's config)
     * another writer is rewriting at that moment finds it empty. A moment later it reads whole.
     */
    async put(desc, reference, bytes, op, signal) {
        for (let attempt = 1;; attempt++) {
            try {
                return await this.putOnce(desc, reference, bytes, op, signal);
            }
            catch (err) {
                if ((0,errors/* registryErrorCode */.VS)(err) !== 'DIGEST_INVALID' || attempt >= MISREAD_TRIES)
                    throw err;
                await (0,cancel/* pause */.v7)(50 * 2 ** attempt + Math.random() * 100, signal);
            }
        }
    }
    async putOnce(desc, reference, bytes, op, signal) {
        return during(op, async () => {
            const res = await this.client.send({ method: 'PUT', url: this.url(reference), headers: { 'content-type': desc.mediaType }, body: bytes, signal }, [pushScope(this.repository)]);
            if (res.status === 201 || res.status === 200) {
                await discard(res);
                return { headers: res.headers };
            }
            return this.client.fail(res, op);
        });
    }
    /** `host/repository`, for messages. */
    get where() {
        return this.place;
    }
    /**
     * GETs a manifest whole, with its digest: for a tag the registry's word, which must be the digest
     * of the bytes it sent; for a digest that digest, which the bytes must have (else it is refused).
     * The transport retries only up to the headers; a body that broke off after them is asked again.
     */
    async get(reference, op, signal) {
        const http = this.client.http;
        for (let attempt = 0;; attempt++) {
            try {
                return await this.getOnce(reference, op, signal);
            }
            catch (err) {
                // A body cut by cancellation is not a broken answer worth asking again.
                (0,cancel/* throwIfAborted */.Te)(signal);
                if (!(err instanceof registry_errors/* BrokenAnswerError */.Q$) || attempt + 1 >= http.retry.maxTries)
                    throw err;
                await (0,cancel/* pause */.v7)(http.retryDelay(attempt), signal);
            }
        }
    }
    async getOnce(reference, op, signal) {
        const res = await this.client.send({ method: 'GET', url: this.url(reference), headers: { accept: media_types/* MANIFEST_ACCEPT */.dY }, signal }, [pullScope(this.repository)]);
        if (res.status === 404) {
            await discard(res);
            throw new errors/* NotFoundError */.m_(`${this.named(reference)} not found`);
        }
        if (res.status !== 200)
            return this.client.fail(res, op);
        const declared = Number(header(res, 'content-length'));
        if (declared > media_types/* MAX_MANIFEST_BYTES */.ZJ) {
            await discard(res);
            throw new errors/* ContentError */.yg(`${op}: manifest is ${declared} bytes, over the 4 MiB limit`);
        }
        const said = header(res, 'docker-content-digest');
        const saidProblem = said === undefined ? undefined : (0,oci_digest/* digestProblem */.WQ)(said);
        if (saidProblem) {
            await discard(res);
            throw new registry_errors/* RegistryError */.gl(`${op}: the registry's Docker-Content-Digest header ${(0,oci_text/* quoted */.TL)(said, 80)} ${saidProblem}`);
        }
        if ((0,oci_digest/* isDigest */.Bc)(reference)) {
            try {
                refuseOtherDigest(reference, res, op);
            }
            catch (err) {
                await discard(res);
                throw err;
            }
        }
        const bytes = await readBody(res, media_types/* MAX_MANIFEST_BYTES */.ZJ);
        const named = (0,oci_digest/* isDigest */.Bc)(reference) ? reference : said;
        const computed = (0,oci_digest/* digestOf */.ol)(bytes, named ? (0,oci_digest/* parseDigest */.m)(named).algorithm : 'sha256');
        // By digest, the bytes must be what was asked for; by tag, the registry's word is the digest,
        // and it must be the digest of what it sent.
        if ((0,oci_digest/* isDigest */.Bc)(reference))
            refuseOtherBytes(reference, computed, op);
        else if (said !== undefined && said !== computed) {
            throw new registry_errors/* RegistryError */.gl(`${op}: the registry's Docker-Content-Digest ${said} is not the digest of the manifest it sent (${computed})`);
        }
        const digest = named ?? computed;
        const declaredType = contentType(res);
        const mediaType = (declaredType && (0,media_types/* isManifest */.Yh)(declaredType) ? declaredType : (mediaTypeField(bytes) ?? declaredType)) ?? 'application/octet-stream';
        const desc = { mediaType, digest, size: bytes.length };
        this.remember(desc, bytes);
        return { desc, bytes };
    }
    remember(desc, bytes) {
        this.forget(desc.digest);
        this.recent.set(desc.digest, { mediaType: desc.mediaType, bytes });
        this.recentBytes += bytes.length;
        while (this.recent.size > CACHE_ENTRIES || (this.recentBytes > CACHE_BYTES && this.recent.size > 1)) {
            this.forget(this.recent.keys().next().value);
        }
    }
    forget(digest) {
        const kept = this.recent.get(digest);
        if (!kept)
            return;
        this.recent.delete(digest);
        this.recentBytes -= kept.bytes.length;
    }
}
function contentType(res) {
    return header(res, 'content-type')?.split(';')[0].trim() || undefined;
}
function mediaTypeField(bytes) {
    try {
        const m = (0,json/* parseBoundedJson */.Rj)(bytes.toString('utf8'))?.mediaType;
        return typeof m === 'string' ? m : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./lib/src/targets/registry/tag-removal.js











/*
 * What the distribution API allows (distribution-spec 1.1; CNCF distribution 2.8, checked):
 * - `DELETE /v2/NAME/manifests/DIGEST` deletes the manifest, and with it EVERY tag that names it,
 *   when the registry allows deletes at all (distribution: `storage.delete.enabled`; without it
 *   every DELETE answers 405 UNSUPPORTED). An unknown digest answers 404 MANIFEST_UNKNOWN.
 * - `DELETE /v2/NAME/manifests/TAG` is in the spec since 1.1, but most registries refuse it
 *   (distribution 2.8: 400 DIGEST_INVALID); GHCR answers 405 to deletes (versions go through the
 *   GitHub API), Docker Hub deletes only through its Hub API, ECR answers 404, ACR refuses by tag.
 * So deleting the digest a tag names is never a way to remove that tag: the other tags naming the
 * same manifest would go with it.
 *
 * What regctl does (regclient, scheme/reg/tag.go, `TagDelete`): it tries the DELETE by tag, then
 * points the tag at a throwaway manifest of its own (unique by a label with the tag and the time)
 * and deletes that manifest's digest: only the tag goes, and the manifest it named stays for the
 * other tags. The same is done here, with three differences:
 * - no DELETE by tag first: a registry that read it as "delete the manifest this tag names" would
 *   take the other tags along, and nothing tells the two readings apart beforehand;
 * - before any tag is touched, one DELETE of a digest that exists nowhere asks whether the registry
 *   deletes at all (404: it does; 405 UNSUPPORTED or a refusal: it does not), so a registry that
 *   refuses is never left with a tag pointing at the throwaway;
 * - when the DELETE of the throwaway fails all the same, the tag is pointed back at the manifest it
 *   named, so it is as it was.
 * The throwaway is unique by its annotations; its two blobs (an image config and a 2-byte layer)
 * are the same every time, pushed once per repository.
 */
/** The 2-byte `{}` blob, the layer of every throwaway (as regctl's). */
const EMPTY_BYTES = Buffer.from('{}');
const EMPTY = { mediaType: media_types/* MediaType */.zu.OciLayer, digest: (0,oci_digest/* digestOf */.ol)(EMPTY_BYTES), size: EMPTY_BYTES.length };
const CONFIG_BYTES = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'dev.oci-copy.placeholder': 'points a tag at nothing worth keeping while oci-copy removes the tag' } },
    rootfs: { type: 'layers', diff_ids: [EMPTY.digest] },
}));
const CONFIG = { mediaType: media_types/* MediaType */.zu.OciConfig, digest: (0,oci_digest/* digestOf */.ol)(CONFIG_BYTES), size: CONFIG_BYTES.length };
/** A manifest no one else has: the tag points at it for a moment, then its digest is deleted. */
function throwawayManifest(tag, nonce = (0,external_node_crypto_.randomBytes)(16).toString('hex')) {
    const bytes = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: media_types/* MediaType */.zu.OciManifest,
        config: CONFIG,
        layers: [EMPTY],
        annotations: { 'dev.oci-copy.removing-tag': tag, 'dev.oci-copy.nonce': `${new Date().toISOString()} ${nonce}` },
    }));
    return { desc: { mediaType: media_types/* MediaType */.zu.OciManifest, digest: (0,oci_digest/* digestOf */.ol)(bytes), size: bytes.length }, bytes };
}
/** Removes single tags from one repository, the regctl way (see above). */
class RegistryTagRemover {
    client;
    repository;
    manifests;
    blobs;
    /** Whether the registry deletes at all, asked once per repository. */
    deletes;
    /** The throwaway's blobs, pushed once per repository. */
    blobsIn;
    constructor(client, repository, manifests, blobs) {
        this.client = client;
        this.repository = repository;
        this.manifests = manifests;
        this.blobs = blobs;
    }
    get place() {
        return `${this.client.registry}/${this.repository}`;
    }
    async removeTag(tag, options = {}) {
        const host = this.client.registry;
        const known = NO_DELETES.get(host);
        if (known)
            throw this.refused(undefined, undefined, known);
        const current = await this.manifests.readTag(tag);
        if (!current)
            return 'absent';
        if (options.expected !== undefined && current.digest !== options.expected)
            return 'moved';
        this.deletes ??= forgetOnFailure(this.checkDeletes(), () => (this.deletes = undefined));
        await this.deletes;
        this.blobsIn ??= forgetOnFailure(this.pushBlobs(), () => (this.blobsIn = undefined));
        await this.blobsIn;
        const op = `removing tag ${(0,oci_text/* quoted */.TL)(tag)} from ${this.place}`;
        const placeholder = throwawayManifest(tag);
        await this.manifests.put(placeholder.desc, tag, placeholder.bytes, op, options.signal);
        let failure;
        try {
            const res = await this.deleteManifest(placeholder.desc.digest, op, options.signal);
            if (res.status === 202 || res.status === 200) {
                await discard(res);
                return 'removed';
            }
            // A retried DELETE whose first try went through finds nothing the second time.
            if (res.status === 404 && res.tries > 1 && (await this.manifests.readTag(tag)) === undefined) {
                await discard(res);
                return 'removed';
            }
            // A manifest just stored that the registry will not delete: it does not delete through this API.
            failure = await this.refusal(res, op);
        }
        catch (err) {
            failure = err;
        }
        await this.restore(tag, current, placeholder.desc, op);
        throw failure;
    }
    /** A DELETE of a digest that exists nowhere: 404 says the registry deletes; a refusal says it does not. */
    async checkDeletes() {
        const nowhere = `sha256:${(0,external_node_crypto_.randomBytes)(32).toString('hex')}`;
        const op = `asking whether ${this.place} deletes manifests`;
        const res = await this.deleteManifest(nowhere, op);
        if (res.status === 404 || res.status === 202 || res.status === 200) {
            const detail = await errorDetail(res);
            if (detail.code === 'UNSUPPORTED')
                throw this.refused(res.status, detail.code, detail.text);
            return;
        }
        throw await this.refusal(res, op);
    }
    async pushBlobs() {
        for (const [desc, bytes] of [
            [EMPTY, EMPTY_BYTES],
            [CONFIG, CONFIG_BYTES],
        ]) {
            if (!(await this.blobs.exists(desc)))
                await this.blobs.push(desc, external_node_stream_.Readable.from([bytes]));
        }
    }
    deleteManifest(digest, op, signal) {
        return during(op, () => this.client.send({ method: 'DELETE', url: this.client.url(`/v2/${this.repository}/manifests/${digest}`), signal }, [
            deleteScope(this.repository),
        ]));
    }
    /**
     * The error an answer to a DELETE is: a registry that does not delete (405, UNSUPPORTED, a 404
     * for a manifest it holds), credentials that may not (401, 403), or a failure like any other (a
     * 503 after its retries).
     */
    async refusal(res, op) {
        const detail = await errorDetail(res);
        if (res.status === 405 || res.status === 404 || res.status === 401 || res.status === 403 || detail.code === 'UNSUPPORTED') {
            return this.refused(res.status, detail.code, detail.text);
        }
        const after = res.tries > 1 ? ` after ${res.tries} tries` : '';
        return new registry_errors/* RegistryError */.gl(`${op}: ${(0,registry_errors/* statusLine */.Bs)(res.status)}${after}${detail.text ? ` (${detail.text})` : ''}`, (0,registry_errors/* isRetryableStatus */.PS)(res.status), res.status, detail.code);
    }
    refused(status, code, why) {
        const host = this.client.registry;
        const place = `[registry] ${this.place}`;
        const answer = status === undefined ? why : `${status}${code ? ` ${code}` : ''}`;
        if (status === 401 || status === 403) {
            return new errors/* TagRemovalRefusedError */.tr(`registry ${host} does not let these credentials delete in ${this.repository} (${answer}): prune skipped; give credentials with the delete permission`, place, status);
        }
        return new errors/* TagRemovalRefusedError */.tr(`registry ${host} does not allow deleting tags through the registry API (${answer}): prune skipped`, place, status);
    }
    /** Points `tag` back at what it named, after the throwaway could not be deleted. */
    async restore(tag, was, placeholder, op) {
        try {
            const { bytes } = await this.manifests.get(was.digest, op);
            await this.manifests.put(was, tag, bytes, op);
        }
        catch (err) {
            throw new registry_errors/* RegistryError */.gl(`${op}: the placeholder ${placeholder.digest} could not be deleted, nor the tag pointed back at ${was.digest} (${(0,errors/* messageOf */.bD)(err)}): point it back by hand`);
        }
    }
}
/** Registries known to delete only through an API of their own: no request is made to learn it again. */
const NO_DELETES = new Map([
    ['ghcr.io', 'GHCR deletes package versions only through the GitHub API'],
    [reference/* DOCKER_HUB */.Xb, 'Docker Hub deletes tags only through its Hub API'],
]);
/** The registry's error code and message; the body is read (and so done with). */
async function errorDetail(res) {
    return (0,registry_errors/* registryErrorDetail */.rN)((await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8'));
}
/** A promise whose failure, when it is not a refusal, lets the next caller ask again. */
function forgetOnFailure(work, forget) {
    return work.catch((err) => {
        if (!(err instanceof errors/* TagRemovalRefusedError */.tr))
            forget();
        throw err;
    });
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/known-limits.js
const GB = 1000 ** 3;
const MiB = 1024 * 1024;
/**
 * Per-layer limits registries publish, by host. Only what they state is here:
 * - GHCR (`ghcr.io`): 10 GB per layer (GitHub's documentation of the Container registry; pushes
 *   of larger layers fail after the upload).
 * - Amazon ECR (`<account>.dkr.ecr.<region>.amazonaws.com`, `.amazonaws.com.cn`): 52,000 MiB,
 *   "Maximum layer size" in the ECR service quotas, not adjustable.
 * - Amazon ECR Public (`public.ecr.aws`): 10,000 MiB, "Maximum layer size" in its service quotas.
 * Docker Hub publishes no per-layer limit, so none is assumed.
 */
const KNOWN = [
    { host: /^ghcr\.io$/i, limit: { bytes: 10 * GB, stated: '10 GB' } },
    { host: /^[0-9]{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/i, limit: { bytes: 52_000 * MiB, stated: '52,000 MiB' } },
    { host: /^public\.ecr\.aws$/i, limit: { bytes: 10_000 * MiB, stated: '10,000 MiB' } },
];
/** The layer limit `registry` (host[:port]) is known to have; undefined for every other registry. */
function knownLayerLimit(registry) {
    const host = registry.replace(/:[0-9]+$/, '');
    return KNOWN.find((k) => k.host.test(host))?.limit;
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/tags.js








/** Tags asked for per page; registries that page (GHCR, Docker Hub) cap it themselves. */
const PAGE_SIZE = 1000;
/** One page of a tag list is a small JSON document. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** No registry has this many pages of tags: a `Link` chain longer than this is a loop. */
const MAX_TAG_PAGES = 10_000;
/**
 * Every tag of a repository, through `GET /v2/<repo>/tags/list`, following `Link: <…>; rel="next"`
 * from page to page (GHCR and Docker Hub page their lists; distribution answers all at once). Each
 * tag once, in the registry's order; names that are not valid tags are dropped, since nothing could
 * be copied under them. A next page on another origin is refused: the list is the registry's word.
 * The list is read to its end or not at all: a page that fails, a next page that is no URL or one
 * already read fails the whole list (prune takes the list as what the source has).
 */
async function listTags(client, repository) {
    const place = `${client.registry}/${repository}`;
    const op = `listing the tags of ${place}`;
    return during(op, async () => {
        const seen = new Set();
        const pages = new Set();
        let url = client.url(`/v2/${repository}/tags/list?n=${PAGE_SIZE}`);
        for (let page = 0; url; page++) {
            if (page >= MAX_TAG_PAGES)
                throw new registry_errors/* RegistryError */.gl(`${op}: more than ${MAX_TAG_PAGES} pages; refusing to read on`);
            // A registry that links back to a page it sent never reaches the end of its list.
            if (pages.has(url.href))
                throw new registry_errors/* RegistryError */.gl(`${op}: the next page is one it sent before (${(0,oci_text/* printable */.g$)(url.pathname + url.search, 200)}); refusing to read in a loop`);
            pages.add(url.href);
            const res = await client.send({ method: 'GET', url, headers: { accept: 'application/json' } }, [pullScope(repository)]);
            if (res.status === 404) {
                await discard(res);
                throw new errors/* NotFoundError */.m_(`repository ${place} not found`);
            }
            if (res.status !== 200)
                return client.fail(res, op);
            const next = nextPage(header(res, 'link'), res.url);
            let body;
            try {
                body = (0,json/* parseBoundedJson */.Rj)((await readBody(res, MAX_PAGE_BYTES)).toString('utf8'));
            }
            catch (err) {
                if (err instanceof registry_errors/* RegistryError */.gl)
                    throw err;
                throw new registry_errors/* RegistryError */.gl(`${op}: the answer is not JSON`);
            }
            const tags = body?.tags;
            if (tags !== null && tags !== undefined && !Array.isArray(tags))
                throw new registry_errors/* RegistryError */.gl(`${op}: the answer's "tags" is not a list`);
            for (const tag of tags ?? [])
                if (typeof tag === 'string' && (0,reference/* isTag */.dz)(tag))
                    seen.add(tag);
            if (next && next.origin !== client.base.origin) {
                throw new registry_errors/* RegistryError */.gl(`${op}: the next page is on another host (${next.host}); refusing`);
            }
            url = next;
        }
        return [...seen];
    });
}
/**
 * The `rel="next"` target of a `Link` header, resolved against the page it came with. A next page
 * that is not a URL is an error: read as the end, it would cut the list short, and a short source
 * list makes prune remove tags the source still has.
 */
function nextPage(link, base) {
    if (!link)
        return undefined;
    for (const part of link.split(/,(?=\s*<)/)) {
        const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
        if (!m || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2]))
            continue;
        try {
            return new URL(m[1], base);
        }
        catch {
            throw new registry_errors/* RegistryError */.gl(`the next page (Link: <${(0,oci_text/* printable */.g$)(m[1], 200)}>) is not a URL; refusing to take the pages so far as the whole list`);
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/repository.js









/** A repository on a registry, spoken to over the distribution API. */
class RegistryRepository {
    client;
    repository;
    description;
    location;
    blobs;
    manifests;
    remover;
    closed = false;
    constructor(client, repository) {
        this.client = client;
        this.repository = repository;
        this.location = { registry: client.registry, repository };
        this.description = `[registry] ${client.registry}/${repository}`;
        // The host's upload mode: what a 413 taught one repository holds for every other of the job.
        this.blobs = new Blobs(client, repository, client.uploads);
        this.manifests = new Manifests(client, repository);
    }
    async resolve(selector) {
        this.refuseIfClosed();
        return this.manifests.resolve(selector ?? 'latest');
    }
    async fetch(desc, signal) {
        this.refuseIfClosed();
        return (0,media_types/* isManifest */.Yh)(desc.mediaType) ? this.manifests.fetch(desc, signal) : this.blobs.fetch(desc, signal);
    }
    /** The per-layer limit this registry publishes (see known-limits.ts), checked before a byte moves. */
    blobSizeLimit() {
        return knownLayerLimit(this.client.registry);
    }
    /** A blob's bytes from `offset` on (`Range`), for an upload elsewhere that goes on where it stopped. */
    async fetchFrom(desc, offset, signal) {
        this.refuseIfClosed();
        return this.blobs.fetch(desc, signal, offset);
    }
    async exists(desc, signal) {
        this.refuseIfClosed();
        return (0,media_types/* isManifest */.Yh)(desc.mediaType) ? this.manifests.exists(desc, signal) : this.blobs.exists(desc, signal);
    }
    /** The size the registry stores for a blob (a HEAD), or undefined when it is not there. */
    async blobSize(desc, signal) {
        this.refuseIfClosed();
        return this.blobs.size(desc, signal);
    }
    /** Deletes the repository's blob by digest (distribution: its link; the bytes go with garbage collection). */
    async deleteBlob(desc, signal) {
        this.refuseIfClosed();
        return this.blobs.delete(desc, signal);
    }
    /**
     * Stores a node. `content` is read once: when this throws an error for which `isRetryable` holds
     * (a cut connection, 5xx, a 413 that switches to chunked uploads), call again with fresh content.
     */
    async push(desc, content, signal, resume) {
        this.refuseIfClosed();
        return (0,media_types/* isManifest */.Yh)(desc.mediaType)
            ? this.manifests.push(desc, content, desc.digest, signal)
            : this.blobs.push(desc, content, signal, resume);
    }
    /** A manifest stored and tagged by one PUT to the tag. */
    async pushTagged(desc, content, reference, signal) {
        this.refuseIfClosed();
        return this.manifests.push(desc, content, reference, signal);
    }
    /** What storing `desc` had to say: a referrers index that lost entries to another writer and was merged again. */
    pushNotes(desc) {
        return this.manifests.takeNotes(desc.digest).map((message) => ({ message }));
    }
    async tag(desc, reference) {
        this.refuseIfClosed();
        return this.manifests.tag(desc, reference);
    }
    async mount(desc, fromRepository, getContent, signal, resume) {
        this.refuseIfClosed();
        return this.blobs.mount(desc, fromRepository, getContent, signal, resume);
    }
    /** What `tag` names now, by a HEAD (no manifest is read): undefined when there is no such tag. */
    async readTag(tag) {
        this.refuseIfClosed();
        return this.manifests.readTag(tag);
    }
    /** Every tag of the repository, across pages. */
    async tags() {
        this.refuseIfClosed();
        return listTags(this.client, this.repository);
    }
    /**
     * Removes `tag` alone: the manifest it named, and every other tag naming it, stay (see
     * tag-removal.ts). A registry that does not delete through its API throws `TagRemovalRefusedError`.
     */
    async removeTag(tag, options) {
        this.refuseIfClosed();
        this.remover ??= new RegistryTagRemover(this.client, this.repository, this.manifests, this.blobs);
        return this.remover.removeTag(tag, options);
    }
    async referrers(subject, artifactType) {
        this.refuseIfClosed();
        return listReferrers(this.client, this.manifests, this.repository, subject, artifactType);
    }
    /** Ends the repository's use: what is in flight on its own pool is cancelled, and later calls fail at once. */
    async close(outcome) {
        this.closed = true;
        await this.client.close(outcome);
    }
    refuseIfClosed() {
        if (this.closed)
            throw new errors/* CancelledError */.cc(`${this.description} is closed`);
    }
}
/**
 * Opens `ref`'s repository. Pass `http` (an `HttpClient`) or `dispatcher` to share one keep-alive
 * pool across targets; the one who made it closes it. Otherwise the repository owns its pool and
 * `close` ends it.
 */
function openRegistryRepository(ref, options = {}) {
    return new RegistryRepository(new RegistryClient(ref.registry, options), ref.repository);
}

;// CONCATENATED MODULE: ./lib/src/targets/registry/connections.js

/** `76 of 100 pulls left per 6 h`: what a registry said of its pull limit, without its name. */
function pullsLeft(note) {
    const window = note.windowSeconds ? ` per ${formatWindow(note.windowSeconds)}` : '';
    return `${note.remaining}${note.limit !== undefined ? ` of ${note.limit}` : ''} pulls left${window}`;
}
/** `21600` → `6 h`, `90` → `90 s`: a rate-limit window as Docker Hub states them. */
function formatWindow(seconds) {
    if (seconds >= 3600 && seconds % 3600 === 0)
        return `${seconds / 3600} h`;
    if (seconds >= 60 && seconds % 60 === 0)
        return `${seconds / 60} min`;
    return `${seconds} s`;
}
/**
 * The registry clients of one run: one HTTP connection pool per registry host and network settings,
 * shared by every repository and by both sides of the copy when their settings agree, and one
 * client (authentication state, tokens) per host and side, shared by every repository of that
 * host. A sync of forty images to one registry then opens its connections and fetches its tokens
 * once; a side that trusts other certificates or goes through another proxy gets its own pool.
 */
class RegistryConnections {
    pools = new Map();
    clients = new Map();
    notesAtClose;
    /** The client for `registry` on `side` (credentials differ by side), made on first use. */
    client(registry, side, options) {
        const key = `${side}\u0000${registry}`;
        let client = this.clients.get(key);
        if (!client) {
            const pool = poolKey(registry, options);
            let http = this.pools.get(pool);
            if (!http)
                this.pools.set(pool, (http = options.http ?? registryHttpClient(options)));
            client = new client_RegistryClient(registry, { ...options, http });
            this.clients.set(key, client);
        }
        return client;
    }
    /** What each registry last said of its pull limits (`ratelimit-remaining`), when it said anything. */
    rateLimits() {
        if (this.notesAtClose)
            return this.notesAtClose;
        const newest = new Map();
        for (const client of this.clients.values()) {
            const now = laterRateLimit(newest.get(client.registry), client.rateLimit);
            if (now)
                newest.set(client.registry, now);
        }
        return [...newest].map(([registry, seen]) => noteOf(registry, seen));
    }
    /** What `registry` last said of its pull limit, on either side (a pull budget asks before each copy). */
    rateLimitOf(registry) {
        if (this.notesAtClose)
            return this.notesAtClose.find((n) => n.registry === registry);
        let newest;
        for (const client of this.clients.values()) {
            if (client.registry === registry)
                newest = laterRateLimit(newest, client.rateLimit);
        }
        return newest && noteOf(registry, newest);
    }
    async close() {
        const pools = [...this.pools.values()];
        // What the registries said stays readable after the run: the report comes after the close.
        this.notesAtClose = this.rateLimits();
        this.pools.clear();
        this.clients.clear();
        await Promise.allSettled(pools.map((p) => p.close()));
    }
}
function noteOf(registry, { remaining, limit, windowSeconds, resetsAt }) {
    return {
        registry,
        remaining,
        ...(limit !== undefined ? { limit } : {}),
        ...(windowSeconds !== undefined ? { windowSeconds } : {}),
        ...(resetsAt !== undefined ? { resetsAt } : {}),
    };
}
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
/** What a pool is made of besides its host: trust, verification, proxies, timeouts and retries. */
function poolKey(registry, options) {
    const env = options.network?.env ?? options.env ?? process.env;
    return JSON.stringify([
        registry,
        options.network?.ca ?? [],
        options.network?.tlsVerify ?? true,
        PROXY_VARIABLES.map((name) => env[name] ?? null),
        options.timeouts ?? {},
        options.retry ?? {},
        options.userAgent ?? null,
    ]);
}

// EXTERNAL MODULE: ./lib/src/targets/registry/network/request-rate.js
var request_rate = __webpack_require__(61954);
;// CONCATENATED MODULE: ./lib/src/targets/registry/index.js









/***/ }),

/***/ 83607:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EU: () => (/* binding */ throughProxy),
/* harmony export */   GP: () => (/* binding */ httpsOnlyError),
/* harmony export */   JE: () => (/* binding */ fatalNetworkError),
/* harmony export */   cW: () => (/* binding */ SETTING_VOICE),
/* harmony export */   hX: () => (/* binding */ isHttpsServerAnswer)
/* harmony export */ });
/* unused harmony export NetworkError */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(37067);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4277);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(49148);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(18166);




/** The settings by their names. */
const SETTING_VOICE = {
    set: (setting, value) => `set ${setting}: ${value}`,
    drop: (setting) => `remove ${setting}`,
};
/** A failure of the network itself that no retry cures: a certificate, a protocol mix-up, a name. */
class NetworkError extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RegistryError */ .gl {
    name = 'NetworkError';
    constructor(message) {
        super(message, false);
    }
}
/** Certificates that do not chain to anything trusted, in words (OpenSSL's own carry Node.js advice). */
const UNTRUSTED = {
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by an unknown CA',
    UNABLE_TO_GET_ISSUER_CERT: 'issued by an unknown CA',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by an unknown CA',
    SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate in its chain',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
    CERT_UNTRUSTED: 'not trusted for this use',
    CERT_SIGNATURE_FAILURE: 'a signature that does not verify',
    INVALID_CA: 'an issuer that is not a CA',
    CERT_REJECTED: 'rejected',
};
const OUT_OF_DATE = { CERT_HAS_EXPIRED: 'expired', CERT_NOT_YET_VALID: 'not valid yet' };
/** OpenSSL's ways of saying the other side answered something other than TLS. */
const NOT_TLS = new Set([
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'ERR_SSL_PACKET_LENGTH_TOO_LONG',
    'ERR_SSL_HTTP_REQUEST',
    'ERR_SSL_UNKNOWN_PROTOCOL',
]);
/** The error, then its causes: undici wraps a few (a TLS failure through a proxy tunnel). */
function chain(err) {
    const out = [];
    for (let e = err; e && typeof e === 'object' && out.length < 5; e = e.cause)
        out.push(e);
    return out;
}
/**
 * The sentence for a failure that no retry cures, naming the cause and the fix; undefined for
 * anything else (a refused or cut connection, a timeout), which the caller may retry.
 */
function fatalNetworkError(err, url, voice = SETTING_VOICE, proxy) {
    const host = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(url.host);
    for (const e of chain(err)) {
        const code = typeof e.code === 'string' ? e.code : '';
        const detail = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(e.message ?? code);
        if (Object.hasOwn(UNTRUSTED, code)) {
            return new NetworkError(`the certificate of ${host} is not trusted (${UNTRUSTED[code]}, ${code}): trust the CA that signed it (${voice.set('ca-file', 'FILE')}), or ${voice.set('tls-verify', 'false')} to skip verification`);
        }
        if (Object.hasOwn(OUT_OF_DATE, code)) {
            return new NetworkError(`the certificate of ${host} is ${OUT_OF_DATE[code]} (${code}): renew it on the registry, or ${voice.set('tls-verify', 'false')} to skip verification`);
        }
        if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
            const names = e.cert?.subjectaltname ? ` (it names ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(e.cert.subjectaltname)})` : '';
            return new NetworkError(`the certificate of ${host} is not for ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(url.hostname)}${names}: use a name it lists, or ${voice.set('tls-verify', 'false')} to skip verification`);
        }
        if (NOT_TLS.has(code) || /wrong version number/i.test(e.message ?? '')) {
            return new NetworkError(`${host} answered plain HTTP to HTTPS: ${voice.set('plain-http', 'true')}`);
        }
        if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_')) {
            return new NetworkError(`the TLS handshake with ${host} failed (${detail}): check the registry's TLS set-up, or that ${host} is the registry`);
        }
        if (code === 'ENOTFOUND') {
            const name = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(e.hostname ?? url.hostname);
            if (proxy && name === (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(proxy.url.hostname)) {
                return new NetworkError(`cannot resolve the name of ${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_2__/* .describeProxy */ .GK)(proxy)}: fix that variable, or unset it to connect directly`);
            }
            return new NetworkError(`cannot resolve ${name} (no such host): check the registry's name${proxy ? '' : ', or set HTTPS_PROXY if only a proxy reaches it'}`);
        }
        const tunnel = /Proxy response \(([0-9]{3})\) !== 200/.exec(e.message ?? '');
        if (tunnel && proxy)
            return proxyRefusal(Number(tunnel[1]), url, proxy);
    }
    return undefined;
}
function proxyRefusal(status, url, proxy) {
    const host = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(url.host);
    const line = `${status} ${node_http__WEBPACK_IMPORTED_MODULE_0__.STATUS_CODES[status] ?? ''}`.trim();
    if (status === 407) {
        return new NetworkError(`${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_2__/* .describeProxy */ .GK)(proxy)} asks for credentials (${line}): give them in ${proxy.variable} as ${proxy.url.protocol}//USER:PASSWORD@${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(proxy.url.host)}`);
    }
    if (status === 502 || status === 503 || status === 504) {
        return new NetworkError(`${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_2__/* .describeProxy */ .GK)(proxy)} could not reach ${host} (${line}): check the registry's name, or add it to NO_PROXY if it is reached directly`);
    }
    return new NetworkError(`${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_2__/* .describeProxy */ .GK)(proxy)} refused a connection to ${host} (${line}): add ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(url.hostname)} to NO_PROXY, or ask for the proxy to allow it`);
}
/** A retryable failure's message gains the proxy it went through, so `ECONNREFUSED 10.0.0.1:3128` is not read as the registry's. */
function throughProxy(message, proxy) {
    return proxy ? `${message} (through ${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_2__/* .describeProxy */ .GK)(proxy)})` : message;
}
/**
 * Whether a 400 to a plain-HTTP request is an HTTPS server saying so: Go's TLS server (which
 * distribution runs) answers `HTTP/1.0 400` with no header at all and "Client sent an HTTP request
 * to an HTTPS server"; nginx answers "The plain HTTP request was sent to HTTPS port".
 */
function isHttpsServerAnswer(headers, body) {
    if (body !== undefined)
        return /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i.test(body);
    return Object.keys(headers).length === 0;
}
function httpsOnlyError(url, voice = SETTING_VOICE) {
    return new NetworkError(`${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(url.host)} speaks HTTPS, not plain HTTP: ${voice.drop('plain-http')}`);
}


/***/ }),

/***/ 31982:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Su: () => (/* binding */ authScheme),
/* harmony export */   hy: () => (/* binding */ httpEventLine)
/* harmony export */ });
/* unused harmony export redactedUrl */
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4277);

/** Query parameters whose values say nothing secret; all others (`_state`, signatures, tokens) are hidden. */
const SHOWN_PARAMS = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope', 'artifactType']);
/** The URL as a log line may show it: no user or password, secret-looking query values hidden. */
function redactedUrl(url) {
    const copy = new URL(url.href);
    copy.username = '';
    copy.password = '';
    const params = [...copy.searchParams].map(([key, value]) => [key, SHOWN_PARAMS.has(key) ? value : 'REDACTED']);
    copy.search = new URLSearchParams(params).toString();
    return (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_0__/* .printable */ .g$)(copy.href);
}
/** One line per event: `GET https://ghcr.io/v2/acme/app/manifests/1.2 (Bearer) → 200 in 84 ms`. */
function httpEventLine(event) {
    if (event.type === 'note')
        return (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_0__/* .printable */ .g$)(event.text);
    const what = `${event.method} ${redactedUrl(event.url)}`;
    if (event.type === 'retry') {
        return `${what}: ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_0__/* .printable */ .g$)(event.reason)}, retrying (${event.attempt}/${event.maxTries}) in ${event.delayMs} ms`;
    }
    const auth = event.auth ? ` (${event.auth})` : '';
    if (event.type === 'failure')
        return `${what}${auth} → ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_0__/* .printable */ .g$)(event.error)} after ${event.ms} ms`;
    return `${what}${auth} → ${event.status} in ${event.ms} ms`;
}
/** `Bearer` from `Bearer eyJ…`: all a log may know of an authorization header. */
function authScheme(authorization) {
    if (!authorization)
        return undefined;
    const scheme = /^([A-Za-z][A-Za-z0-9-]*)\s/.exec(authorization)?.[1];
    return scheme ? `${scheme} REDACTED` : 'REDACTED';
}


/***/ }),

/***/ 18166:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GK: () => (/* binding */ describeProxy),
/* harmony export */   iJ: () => (/* binding */ proxyFor),
/* harmony export */   kE: () => (/* binding */ proxyFromEnv)
/* harmony export */ });
/* unused harmony export isLoopbackName */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77030);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(91839);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4277);




const SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks:']);
/** The first variable of `names` that is set and not empty: Go's order, upper case before lower. */
function firstSet(env, names) {
    for (const name of names) {
        const value = env[name]?.trim();
        if (value)
            return [name, value];
    }
    return undefined;
}
/**
 * Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case; upper case wins, as in Go's
 * `httpproxy.FromEnvironment`, which skopeo, crane and regctl use). A proxy without a scheme is
 * `http://`. A proxy password is told to `onSecret` before anything can log it.
 */
function proxyFromEnv(env, onSecret) {
    const https = readProxy(env, ['HTTPS_PROXY', 'https_proxy'], onSecret);
    const http = readProxy(env, ['HTTP_PROXY', 'http_proxy'], onSecret);
    if (!https && !http)
        return undefined;
    const raw = firstSet(env, ['NO_PROXY', 'no_proxy'])?.[1] ?? '';
    return { http, https, none: raw === '*', noProxy: parseNoProxy(raw) };
}
function readProxy(env, names, onSecret) {
    const found = firstSet(env, names);
    if (!found)
        return undefined;
    const [variable, value] = found;
    let url;
    try {
        url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    }
    catch {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`environment variable ${variable} is not a URL: use http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT)`);
    }
    if (url.password)
        onSecret?.(decodeURIComponent(url.password));
    if (!SCHEMES.has(url.protocol)) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`environment variable ${variable} names a ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(url.protocol)} proxy: use an http://, https:// or socks5:// URL`);
    }
    return { url, variable };
}
function parseNoProxy(raw) {
    const entries = [];
    for (const part of raw.split(/[,\s]+/)) {
        const entry = part.trim().toLowerCase();
        if (!entry || entry === '*')
            continue;
        const cidr = /^([0-9a-f:.]+)\/([0-9]{1,3})$/.exec(entry);
        if (cidr && (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(cidr[1])) {
            const family = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(cidr[1]);
            const bits = Number(cidr[2]);
            if (bits <= (family === 4 ? 32 : 128))
                entries.push({ kind: 'cidr', network: ipValue(cidr[1]), bits, family, port: 0 });
            continue;
        }
        const [host, port] = splitPort(entry);
        if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(host)) {
            const family = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(host);
            entries.push({ kind: 'cidr', network: ipValue(host), bits: family === 4 ? 32 : 128, family, port });
            continue;
        }
        // `*.example.com` and `.example.com` match the subdomains only; `example.com` matches both.
        const subdomainsOnly = host.startsWith('.') || host.startsWith('*.');
        entries.push({ kind: 'host', name: host.replace(/^\*?\./, ''), subdomainsOnly, port });
    }
    return entries;
}
/** `host:port` → [host, port]; `[::1]:80` → ['::1', 80]; no port → 0. */
function splitPort(hostPort) {
    const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(hostPort);
    if (bracketed)
        return [bracketed[1], Number(bracketed[2] ?? 0)];
    const m = /^([^:]+):([0-9]+)$/.exec(hostPort);
    return m ? [m[1], Number(m[2])] : [hostPort, 0];
}
function ipValue(ip) {
    if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(ip) === 4)
        return ip.split('.').reduce((v, part) => (v << 8n) | BigInt(Number(part)), 0n);
    // Expand `::` and read eight groups of 16 bits (an embedded IPv4 tail is two groups).
    let text = ip;
    const v4 = /([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$/.exec(text);
    if (v4) {
        const n = ipValue(v4[1]);
        text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.split('::');
    const headGroups = head ? head.split(':') : [];
    const tailGroups = tail !== undefined && tail ? tail.split(':') : [];
    const missing = 8 - headGroups.length - tailGroups.length;
    const groups = tail !== undefined ? [...headGroups, ...Array(missing).fill('0'), ...tailGroups] : headGroups;
    return groups.reduce((v, g) => (v << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
/** Loopback is never proxied, whatever the variables say: the Go tools' rule, with `*.localhost` (RFC 6761) too. */
function isLoopbackName(hostname) {
    return (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .isLoopbackHostname */ .pq)(hostname) || hostname.replace(/\.$/, '').toLowerCase().endsWith('.localhost');
}
/** The proxy for `url`, or undefined to connect directly. */
function proxyFor(settings, url) {
    const choice = url.protocol === 'https:' ? settings.https : settings.http;
    if (!choice || settings.none)
        return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isLoopbackName(host))
        return undefined;
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const family = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(host);
    for (const entry of settings.noProxy) {
        if (entry.port && entry.port !== port)
            continue;
        if (entry.kind === 'cidr') {
            if (family !== entry.family)
                continue;
            const width = entry.family === 4 ? 32 : 128;
            const shift = BigInt(width - entry.bits);
            if (ipValue(host) >> shift === entry.network >> shift)
                return undefined;
        }
        else if (host.endsWith(`.${entry.name}`) || (!entry.subdomainsOnly && host === entry.name)) {
            return undefined;
        }
    }
    return choice;
}
/** `http://proxy.example.com:3128` (from HTTPS_PROXY): the proxy as a message names it, without its credentials. */
function describeProxy(choice) {
    return `the proxy ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(`${choice.url.protocol}//${choice.url.host}`)} (from ${choice.variable})`;
}


/***/ }),

/***/ 61954:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ RequestRate)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);

/**
 * At most `perSecond` requests a second to each host, evenly spaced: request k to a host goes no
 * earlier than k/perSecond s after the first (a bucket of one token, refilled every 1/perSecond s).
 * For registries that throttle by request count (GHCR: 2,000 a minute). One instance is shared by
 * every connection pool of a run, so both sides of a copy to one host count together. Each host
 * keeps one number: the earliest time its next request may go.
 */
class RequestRate {
    perSecond;
    now;
    intervalMs;
    next = new Map();
    constructor(perSecond, now = () => performance.now()) {
        this.perSecond = perSecond;
        this.now = now;
        if (!(perSecond > 0) || !Number.isFinite(perSecond))
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`requests per second must be a positive number, not ${perSecond}`);
        this.intervalMs = 1000 / perSecond;
    }
    /**
     * Takes the next slot for a request to `host`: how long to wait before sending it (0: at once).
     * The slot is the caller's whether it waits or not.
     */
    delay(host) {
        const now = this.now();
        const at = Math.max(now, this.next.get(host) ?? now);
        this.next.set(host, at + this.intervalMs);
        return at - now;
    }
}


/***/ }),

/***/ 93463:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ readCaFile),
/* harmony export */   W: () => (/* binding */ tlsConnectOptions)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51455);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(41692);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(29949);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4277);






const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/**
 * The PEM certificates in `path`, each checked to be one, so a wrong file is named before any
 * connection is made rather than surfacing as an untrusted registry. `what` names the setting.
 */
async function readCaFile(path, what) {
    let text;
    try {
        text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(path, 'utf8');
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (0,_oci_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .messageOf */ .bD)(err);
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what} ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_5__/* .printable */ .g$)(path)} cannot be read (${why}): give a file of PEM certificates`);
    }
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (!blocks.length) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what} ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_5__/* .printable */ .g$)(path)} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate in PEM form`);
    }
    for (const [i, block] of blocks.entries()) {
        try {
            new node_crypto__WEBPACK_IMPORTED_MODULE_0__.X509Certificate(block);
        }
        catch (err) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what} ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_5__/* .printable */ .g$)(path)}: certificate ${i + 1} cannot be read (${(0,_oci_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .messageOf */ .bD)(err)}): give PEM certificates`);
        }
    }
    return blocks;
}
/**
 * The certificates Node.js trusts by default (its bundled roots, plus NODE_EXTRA_CA_CERTS and the
 * system store where this Node.js reads them), to which `ca-file` adds: Node's `ca` option
 * replaces the default set rather than extending it.
 */
function defaultCas() {
    const get = node_tls__WEBPACK_IMPORTED_MODULE_3__.getCACertificates;
    if (get)
        return get('default');
    // Before Node.js 22.15 there is no way to ask: add NODE_EXTRA_CA_CERTS to the bundled roots by hand.
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    let extras = [];
    try {
        if (extra)
            extras = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(extra, 'utf8').match(PEM_BLOCK) ?? [];
    }
    catch {
        // Node.js itself only warns about an unreadable NODE_EXTRA_CA_CERTS
    }
    return [...node_tls__WEBPACK_IMPORTED_MODULE_3__.rootCertificates, ...extras];
}
/** The connect options that trust `ca` besides the defaults, or skip verification. */
function tlsConnectOptions(ca, verify) {
    if (!verify)
        return { rejectUnauthorized: false };
    if (!ca?.length)
        return {};
    return { ca: [...defaultCas(), ...ca] };
}


/***/ }),

/***/ 68599:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ appendToSharedList)
/* harmony export */ });
/* unused harmony export SHARED_LIST_ROUNDS */
/* harmony import */ var _cancel_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74117);

/** Rounds of write and check before giving up. */
const SHARED_LIST_ROUNDS = 10;
const SETTLE_MIN_MS = 300;
const SETTLE_MAX_MS = 3000;
const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 1000;
/** Between `ms` × (1 - spread) and `ms` × (1 + spread). */
function jitter(ms, spread = 0.5) {
    return ms * (1 - spread + Math.random() * 2 * spread);
}
/** Adds `ours` to the list unless there already, and makes sure nothing it added or saw stays lost. */
async function appendToSharedList(list, ours) {
    // Everything to keep: ours, and every entry seen in the list while this runs.
    const keep = new Map();
    for (const e of ours)
        keep.set(list.key(e), e);
    const see = (entries) => {
        for (const e of entries)
            if (!keep.has(list.key(e)))
                keep.set(list.key(e), e);
        return entries;
    };
    const missing = (entries) => {
        const there = new Set(entries.map((e) => list.key(e)));
        return [...keep.entries()].filter(([k]) => !there.has(k)).map(([, e]) => e);
    };
    let readAt = Date.now();
    let current = see(await list.read());
    if (missing(current).length === 0)
        return { written: false, merges: 0, entries: current.length };
    if (list.alone) {
        await list.write([...current, ...missing(current)]);
        return { written: true, merges: 0, entries: keep.size };
    }
    let merges = 0;
    for (let round = 1;; round++) {
        await list.write([...current, ...missing(current)]);
        // A read and a write took us this long; another writer's take as long. Whoever read before our
        // write writes within about that time after it: the settle time is a few times as long.
        const settle = Math.min(SETTLE_MAX_MS, Math.max(SETTLE_MIN_MS, 3 * (Date.now() - readAt)));
        let lost = [];
        for (const wait of [0, settle]) {
            if (wait)
                await (0,_cancel_index_js__WEBPACK_IMPORTED_MODULE_0__/* .pause */ .v7)(jitter(wait, 0.25), list.signal);
            current = see(await list.read());
            lost = missing(current);
            if (lost.length)
                break;
        }
        if (lost.length === 0)
            return { written: true, merges, entries: current.length };
        if (round >= SHARED_LIST_ROUNDS)
            throw list.lost(lost.length, round);
        merges++;
        await (0,_cancel_index_js__WEBPACK_IMPORTED_MODULE_0__/* .pause */ .v7)(jitter(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** round)), list.signal);
        readAt = Date.now();
        current = see(await list.read());
    }
}


/***/ }),

/***/ 87586:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $J: () => (/* binding */ isRangeReader),
/* harmony export */   B0: () => (/* binding */ isLocated),
/* harmony export */   B6: () => (/* binding */ isMounter),
/* harmony export */   DI: () => (/* binding */ isBlobSizer),
/* harmony export */   IP: () => (/* binding */ isTagLister),
/* harmony export */   Le: () => (/* binding */ isBlobSizeLimited),
/* harmony export */   Xn: () => (/* binding */ isReferrerLister),
/* harmony export */   ei: () => (/* binding */ isTagReader),
/* harmony export */   ii: () => (/* binding */ isStoreNoter),
/* harmony export */   jw: () => (/* binding */ isTaggingPusher),
/* harmony export */   pO: () => (/* binding */ isBlobDeleter),
/* harmony export */   v$: () => (/* binding */ isPushNoter),
/* harmony export */   vG: () => (/* binding */ isTagRemover)
/* harmony export */ });
function isBlobSizeLimited(t) {
    return typeof t?.blobSizeLimit === 'function';
}
function isRangeReader(t) {
    return typeof t?.fetchFrom === 'function';
}
function isBlobSizer(t) {
    return typeof t?.blobSize === 'function';
}
function isBlobDeleter(t) {
    return typeof t?.deleteBlob === 'function';
}
function isTagRemover(t) {
    return typeof t?.removeTag === 'function';
}
function isTagReader(t) {
    return typeof t?.readTag === 'function';
}
function isMounter(t) {
    return typeof t?.mount === 'function' && typeof t?.location === 'object';
}
function isLocated(t) {
    const loc = t?.location;
    return typeof loc?.registry === 'string' && typeof loc?.repository === 'string';
}
function isReferrerLister(t) {
    return typeof t?.referrers === 'function';
}
function isTaggingPusher(t) {
    return typeof t?.pushTagged === 'function';
}
function isStoreNoter(t) {
    return typeof t?.storeNotes === 'function';
}
function isPushNoter(t) {
    return typeof t?.pushNotes === 'function';
}
function isTagLister(t) {
    return typeof t?.tags === 'function';
}


/***/ })

};
