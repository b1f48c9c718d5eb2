export const id = 596;
export const ids = [596];
export const modules = {

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

/***/ 36596:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KEY_HELP: () => (/* binding */ KEY_HELP),
/* harmony export */   keyCommand: () => (/* binding */ keyCommand)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(51455);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(29949);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(4277);
/* harmony import */ var _signatures_cosign_key_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(78311);
/* harmony import */ var _signatures_public_key_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(24741);
/* harmony import */ var _exit_codes_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(860);
/* harmony import */ var _flags_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(73080);
/* harmony import */ var _help_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(2600);
/* harmony import */ var _passwords_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(97449);










const KEY_FLAGS = [
    { name: 'output-key-prefix', kind: 'string', value: 'PREFIX', help: 'write PREFIX.key and PREFIX.pub (default cosign)' },
    { name: 'help', kind: 'boolean', short: 'h', help: 'print this help and exit' },
];
const KEY_HELP = {
    usage: ['oci-copy generate-key-pair [--output-key-prefix PREFIX]'],
    summary: "Makes an ECDSA P-256 key pair, as cosign generate-key-pair does: cosign.key, the private key encrypted in cosign's format (scrypt and nacl/secretbox), and cosign.pub, the public key. The password comes from COSIGN_PASSWORD, or is asked for twice on a terminal. Sign with --sign key --sign-key cosign.key; verify with --verify-key cosign.pub (or cosign verify --key cosign.pub). Existing files are never overwritten.",
    sections: [
        { title: 'options', rows: (0,_help_js__WEBPACK_IMPORTED_MODULE_8__/* .flagRows */ .k)(KEY_FLAGS) },
        { title: 'environment', rows: [['COSIGN_PASSWORD', 'the password of the private key (set and empty: no password)']] },
        {
            title: 'examples',
            lines: [
                'oci-copy generate-key-pair',
                'COSIGN_PASSWORD="$(cat pw.txt)" oci-copy generate-key-pair --output-key-prefix release',
                'oci-copy --sign key --sign-key cosign.key ghcr.io/acme/app-dev:1.2 ghcr.io/acme/app:1.2',
            ],
        },
    ],
};
/**
 * `oci-copy generate-key-pair`: cosign's key pair, for a user without cosign. The printed fingerprint
 * is the one the job summary shows for signatures made with this key.
 */
async function keyCommand(argv, io) {
    const { values, positionals } = (0,_flags_js__WEBPACK_IMPORTED_MODULE_6__/* .parseFlags */ .b)('oci-copy generate-key-pair', KEY_FLAGS, argv);
    if (values.help) {
        io.stdout.write((0,_help_js__WEBPACK_IMPORTED_MODULE_8__/* .formatHelp */ .B)(KEY_HELP));
        return _exit_codes_js__WEBPACK_IMPORTED_MODULE_5__/* .ExitCode */ .y.Done;
    }
    if (positionals.length)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .e(`generate-key-pair takes no arguments (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(positionals[0])}): give --output-key-prefix PREFIX to name the files`);
    const prefix = typeof values['output-key-prefix'] === 'string' ? values['output-key-prefix'].trim() : 'cosign';
    if (!prefix)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .e('--output-key-prefix is empty: give a file name without .key, e.g. release');
    const keyFile = `${prefix}.key`;
    const pubFile = `${prefix}.pub`;
    // Before the password is asked for: a file in the way is said first.
    for (const path of [keyFile, pubFile])
        if (await exists(path))
            throw alreadyThere(path);
    const password = await keyPassword(io);
    const { privateKey, publicKey } = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.generateKeyPairSync)('ec', { namedCurve: 'P-256' });
    await create(keyFile, await (0,_signatures_cosign_key_js__WEBPACK_IMPORTED_MODULE_3__/* .writeCosignKeyFile */ .o)(privateKey, password), 0o600);
    try {
        await create(pubFile, (0,_signatures_public_key_js__WEBPACK_IMPORTED_MODULE_4__/* .publicKeyPem */ .rY)(publicKey), 0o644);
    }
    catch (err) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(keyFile, { force: true });
        throw err;
    }
    io.console.line(`Private key written to ${keyFile}`);
    io.console.final(`Public key written to ${pubFile} (fingerprint ${(0,_signatures_public_key_js__WEBPACK_IMPORTED_MODULE_4__/* .keyFingerprint */ .yy)(publicKey)})`);
    return _exit_codes_js__WEBPACK_IMPORTED_MODULE_5__/* .ExitCode */ .y.Done;
}
/** cosign's rule: COSIGN_PASSWORD when it is set (empty too), else asked twice on a terminal. */
async function keyPassword(io) {
    const fromEnv = io.env.COSIGN_PASSWORD;
    if (fromEnv !== undefined)
        return fromEnv;
    const stdin = io.stdin;
    if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .e('COSIGN_PASSWORD is not set and standard input is not a terminal to ask on: set COSIGN_PASSWORD (empty for a key without password)');
    }
    const terminal = stdin;
    const first = await (0,_passwords_js__WEBPACK_IMPORTED_MODULE_7__/* .promptPassword */ .QU)(terminal, io.console, 'Enter password for private key: ');
    const again = await (0,_passwords_js__WEBPACK_IMPORTED_MODULE_7__/* .promptPassword */ .QU)(terminal, io.console, 'Enter password for private key again: ');
    if (first !== again)
        throw new _flags_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .e('the two passwords differ: nothing written; run generate-key-pair again');
    return first;
}
const alreadyThere = (path) => new _flags_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .e(`${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(path)} already exists: move it away, or give --output-key-prefix PREFIX for other file names`);
async function exists(path) {
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.lstat)(path);
        return true;
    }
    catch {
        return false;
    }
}
/** Writes a new file; one that exists is left as it is. */
async function create(path, text, mode) {
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(path, text, { flag: 'wx', mode });
    }
    catch (err) {
        const code = err.code;
        if (code === 'EEXIST')
            throw alreadyThere(path);
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .OperationError */ .OK(`${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(path)} cannot be written (${code ?? 'unknown error'})`);
    }
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

/***/ 78311:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ readCosignKeyFile),
/* harmony export */   o: () => (/* binding */ writeCosignKeyFile)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var _noble_ciphers_salsa_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(46382);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _public_key_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(24741);




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
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is not a PEM key file: give the cosign.key that cosign generate-key-pair wrote`);
    if (PLAIN_TYPES.includes(block.type)) {
        try {
            return checkSigningKey((0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPrivateKey)(pem), what);
        }
        catch (err) {
            if (err instanceof _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz)
                throw err;
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} holds a ${block.type} that cannot be read`);
        }
    }
    if (!ENCRYPTED_TYPES.includes(block.type)) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} holds a PEM ${block.type.length <= 40 ? `"${block.type}"` : 'block'}, not a cosign private key (ENCRYPTED SIGSTORE PRIVATE KEY)`);
    }
    const doc = parseEncrypted(block.body, what);
    const params = doc.kdf.params;
    const key = await deriveKey(password, Buffer.from(doc.kdf.salt, 'base64'), params);
    let plain;
    try {
        plain = (0,_noble_ciphers_salsa_js__WEBPACK_IMPORTED_MODULE_3__/* .secretbox */ .EY)(key, Buffer.from(doc.cipher.nonce, 'base64')).open(Buffer.from(doc.ciphertext, 'base64'));
    }
    catch {
        // An empty password is a missing one: saying it is wrong would send the user to check the wrong thing.
        if (!password)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is encrypted and no password is given: give the password it was made with in ${source.giveIn ?? source.from ?? 'COSIGN_PASSWORD'}`);
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} could not be decrypted: the password is wrong (or the file was altered); give the password it was made with${source.from ? ` in ${source.from}` : ''}`);
    }
    let privateKey;
    try {
        privateKey = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createPrivateKey)({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
    }
    catch {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} decrypts to something that is not a PKCS#8 private key`);
    }
    return checkSigningKey(privateKey, what);
}
/** A cosign key file holding `privateKey` (ECDSA P-256, P-384, P-521, RSA or Ed25519), encrypted with `password`, as cosign writes one. */
async function writeCosignKeyFile(privateKey, password) {
    checkSigningKey(privateKey, 'the key');
    const salt = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(SALT_BYTES);
    const nonce = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(NONCE_BYTES);
    const key = await deriveKey(password, salt, DEFAULT_PARAMS);
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const ciphertext = (0,_noble_ciphers_salsa_js__WEBPACK_IMPORTED_MODULE_3__/* .secretbox */ .EY)(key, nonce).seal(der);
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
    if ((0,_public_key_js__WEBPACK_IMPORTED_MODULE_2__/* .signingHash */ .gP)(key) === undefined)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} holds ${key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `an ${key.asymmetricKeyType ?? 'unknown'} key`}: signing takes an ECDSA (P-256, P-384, P-521), RSA or Ed25519 key (cosign generate-key-pair makes an ECDSA P-256 one)`);
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} holds a ${key.asymmetricKeyDetails?.modulusLength}-bit RSA key: signing takes RSA keys of 2048 bits or more`);
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
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is damaged: its body is not the JSON cosign writes`);
    }
    const str = (v) => typeof v === 'string';
    if (!doc?.kdf || !doc.cipher || !str(doc.ciphertext) || !str(doc.kdf.salt) || !str(doc.cipher.nonce) || !doc.kdf.params) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is damaged: it lacks kdf, cipher or ciphertext`);
    }
    if (doc.kdf.name !== 'scrypt')
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} uses the key derivation "${String(doc.kdf.name).slice(0, 40)}", not scrypt`);
    if (doc.cipher.name !== 'nacl/secretbox')
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} uses the cipher "${String(doc.cipher.name).slice(0, 40)}", not nacl/secretbox`);
    const p = doc.kdf.params;
    if (!SCRYPT_PARAMS.some((q) => q.N === p.N && q.r === p.r && q.p === p.p)) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} asks for scrypt parameters cosign never writes (N=${Number(p.N)}, r=${Number(p.r)}, p=${Number(p.p)}): refused`);
    }
    if (Buffer.from(doc.cipher.nonce, 'base64').length !== NONCE_BYTES)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is damaged: its nonce is not ${NONCE_BYTES} bytes`);
    return doc;
}
function deriveKey(password, salt, params) {
    return new Promise((resolve, reject) => {
        // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below what N=2^16 takes.
        (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.scrypt)(Buffer.from(password, 'utf8'), salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r }, (err, key) => (err ? reject(err) : resolve(key)));
    });
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


/***/ })

};
