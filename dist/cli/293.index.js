export const id = 293;
export const ids = [293];
export const modules = {

/***/ 860:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ EXIT_CODE_HELP),
/* harmony export */   y: () => (/* binding */ ExitCode)
/* harmony export */ });
/** What the command line's exit status says, as scripts read it. */
const ExitCode = {
    Done: 0,
    Failed: 1,
    Usage: 2,
    /** 128 + SIGINT: Ctrl-C. */
    Interrupted: 130,
    /** 128 + SIGTERM: a cancelled job, `kill`. */
    Terminated: 143,
};
/** The exit statuses, for help. */
const EXIT_CODE_HELP = [
    [String(ExitCode.Done), 'done'],
    [String(ExitCode.Failed), 'the copy failed (the last line says why)'],
    [String(ExitCode.Usage), 'bad arguments: nothing was done'],
    [String(ExitCode.Interrupted), 'interrupted (SIGINT, Ctrl-C): unfinished files removed'],
    [String(ExitCode.Terminated), 'terminated (SIGTERM): unfinished files removed'],
];


/***/ }),

/***/ 31293:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/runtime/interrupt.js
var interrupt = __webpack_require__(5378);
// EXTERNAL MODULE: ./lib/src/version.js
var version = __webpack_require__(51294);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
;// CONCATENATED MODULE: ./lib/src/cli/console.js

/**
 * The lines a command prints, and on a terminal one status line below them, redrawn in place.
 * The status line is cleared before any other line is written and drawn again after it, so no
 * line (an error least of all) lands on it. Every line goes through `safeLine`.
 *
 * Quiet (`-q`), it writes errors as they come and, when the command ends without one, its final
 * line: nothing else, and no status line.
 */
class Console {
    out;
    status = '';
    quiet = false;
    finalLine;
    constructor(out) {
        this.out = out;
    }
    /** From now on, errors and the final line only. */
    beQuiet() {
        this.quiet = true;
        this.clearStatus();
    }
    get isTerminal() {
        return this.out.isTTY === true && !this.quiet;
    }
    line(text) {
        if (!this.quiet)
            this.write(text);
    }
    /** A line that closes what the command did (its totals): quiet, the last of them is written at the end. */
    final(text) {
        if (this.quiet)
            this.finalLine = text;
        else
            this.write(text);
    }
    /** An error: written even when quiet, then as `alone` when given (the error where no heading names its subject). */
    error(text, alone) {
        this.write(this.quiet ? (alone ?? text) : text);
    }
    /** A question on the line, answered on the same line (a password prompt): written even when quiet. */
    ask(text) {
        this.clearStatus();
        this.out.write((0,oci_text/* safeLine */.om)(text));
    }
    /** The question was answered: the line ends. */
    answered() {
        this.out.write('\n');
    }
    /** The command is done and did not fail: quiet, its final line is written now. */
    finish() {
        if (this.finalLine !== undefined)
            this.write(this.finalLine);
        this.finalLine = undefined;
    }
    write(text) {
        this.out.write(`${this.status ? '\r\x1b[K' : ''}${(0,oci_text/* safeLine */.om)(text)}\n${this.status}`);
    }
    /** Replaces the status line (a terminal only), cut to the terminal's width so it never wraps. */
    setStatus(text) {
        if (!this.isTerminal)
            return;
        const width = Math.max(20, (this.out.columns || 80) - 1);
        const line = (0,oci_text/* safeLine */.om)(text);
        const next = line.length > width ? `${line.slice(0, width - 1)}…` : line;
        if (next === this.status)
            return;
        this.status = next;
        this.out.write(`\r\x1b[K${next}`);
    }
    clearStatus() {
        if (!this.status)
            return;
        this.status = '';
        this.out.write('\r\x1b[K');
    }
}

// EXTERNAL MODULE: ./lib/src/cli/exit-codes.js
var exit_codes = __webpack_require__(860);
;// CONCATENATED MODULE: ./lib/src/cli/main.js





/**
 * The commands, by name; the first is also what runs when no command is named. Each loads when it
 * runs: a copy never loads the sync command's list reader.
 */
const COMMANDS = {
    copy: async (argv, io) => (await Promise.all(/* import() */[__webpack_require__.e(280), __webpack_require__.e(337), __webpack_require__.e(234)]).then(__webpack_require__.bind(__webpack_require__, 26234))).copyCommand(argv, io),
    sync: async (argv, io) => (await Promise.all(/* import() */[__webpack_require__.e(280), __webpack_require__.e(815), __webpack_require__.e(337), __webpack_require__.e(986)]).then(__webpack_require__.bind(__webpack_require__, 25986))).syncCommand(argv, io),
    verify: async (argv, io) => (await Promise.all(/* import() */[__webpack_require__.e(280), __webpack_require__.e(337), __webpack_require__.e(854)]).then(__webpack_require__.bind(__webpack_require__, 4854))).verifyCommand(argv, io),
    sign: async (argv, io) => (await Promise.all(/* import() */[__webpack_require__.e(280), __webpack_require__.e(337), __webpack_require__.e(854)]).then(__webpack_require__.bind(__webpack_require__, 4854))).signCommand(argv, io),
    check: async (argv, io) => (await Promise.all(/* import() */[__webpack_require__.e(280), __webpack_require__.e(337), __webpack_require__.e(227)]).then(__webpack_require__.bind(__webpack_require__, 82227))).checkCommand(argv, io),
    'generate-key-pair': async (argv, io) => (await Promise.all(/* import() */[__webpack_require__.e(382), __webpack_require__.e(596)]).then(__webpack_require__.bind(__webpack_require__, 36596))).keyCommand(argv, io),
};
const processIO = () => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
/**
 * The command line: `oci-copy [COMMAND] ARGS…`. Runs the command, turns whatever it throws into one
 * line on standard error and an exit status (2 for bad arguments, 1 for a failed copy), and on
 * SIGINT or SIGTERM removes the unfinished files, says so and exits 130 or 143.
 */
async function main(argv, io = processIO()) {
    // A reader that went away (`2>&1 | head`) costs the lines, not the copy or its clean-up.
    io.stderr.on?.('error', () => { });
    const console = new Console(io.stderr);
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
        io.stdout.write(`oci-copy ${version/* VERSION */.x}\n`);
        return exit_codes/* ExitCode */.y.Done;
    }
    const at = commandAt(argv);
    const command = at === undefined ? COMMANDS.copy : COMMANDS[argv[at]];
    const args = at === undefined ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
    if (args.includes('--version') && !args.includes('--')) {
        io.stdout.write(`oci-copy ${version/* VERSION */.x}\n`);
        return exit_codes/* ExitCode */.y.Done;
    }
    const stopHandling = (0,interrupt/* handleInterrupts */.Bx)({ say: (line) => console.error(`oci-copy: ${line}`) });
    try {
        const code = await command(args, { stdin: io.stdin, stdout: io.stdout, env: io.env, console });
        console.finish();
        return code;
    }
    catch (err) {
        // After an interrupt, what fails is its doing: the handler says so, and sets the status.
        if ((0,interrupt/* interruptedBy */.kH)())
            return exit_codes/* ExitCode */.y.Failed;
        console.error(`oci-copy: ${(0,errors/* messageOf */.bD)(err)}`);
        return err instanceof errors/* InputError */.dz ? exit_codes/* ExitCode */.y.Usage : exit_codes/* ExitCode */.y.Failed;
    }
    finally {
        console.clearStatus();
        stopHandling();
    }
}
/**
 * Where the command is named: the first argument, or the first after flags alone (`oci-copy -q
 * copy A B`, as `git -C x log` reads). A flag's separate value ends the search: that argument is
 * the copy's own then.
 */
function commandAt(argv) {
    for (let i = 0; i < argv.length; i++) {
        if (Object.hasOwn(COMMANDS, argv[i]))
            return i;
        if (argv[i] === '--' || !argv[i].startsWith('-'))
            return undefined;
    }
    return undefined;
}


/***/ }),

/***/ 4277:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TL: () => (/* binding */ quoted),
/* harmony export */   g$: () => (/* binding */ printable),
/* harmony export */   om: () => (/* binding */ safeLine)
/* harmony export */ });
/* unused harmony export MAX_SHOWN */
/**
 * Text from outside (a registry's answer, a manifest's fields, a file's names, a user's input echoed
 * back) on its way to a log line, an error or the terminal. One function makes it safe, and every
 * such piece of text goes through it: a newline in it could forge a log line, an escape sequence
 * could act on the terminal, and in a workflow a line starting with `::` is a runner command.
 */
/** Longest piece of outside text shown in one place; the rest is cut with `…`. */
const MAX_SHOWN = 512;
/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides, as
 * `\xNN` or `\u{NNNN}` escapes. Everything else passes unchanged, cut to `max` characters.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
function printable(text, max = MAX_SHOWN) {
    let s = typeof text === 'string' ? text : String(text);
    if (s.length > max)
        s = `${s.slice(0, max)}…`;
    return s.replace(UNSAFE, (c) => {
        const code = c.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
    });
}
/** `"text"` with the text made printable: for names that may be empty or hold spaces. */
function quoted(text, max = MAX_SHOWN) {
    return `"${printable(text, max).replace(/"/g, '\\"')}"`;
}
/**
 * A whole line about to be printed where a runner reads it (the action's log, and the CLI's, which a
 * workflow's `run:` step prints): control characters escaped; a line that would start with `::` (a
 * runner command) starts with an escaped colon instead; and `##[`, the runner's older command
 * prefix, which it finds anywhere in a line (`##[add-mask]`, `##[stop-commands]`), loses its
 * second `#`. Our own lines never hold either; this holds for any line, whatever text reached it.
 */
function safeLine(line) {
    const s = printable(line, Number.MAX_SAFE_INTEGER).replace(/##\[/g, '#\\x23[');
    return /^\s*::/.test(s) ? s.replace(/::/, '\\x3a:') : s;
}


/***/ }),

/***/ 5378:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bx: () => (/* binding */ handleInterrupts),
/* harmony export */   kH: () => (/* binding */ interruptedBy),
/* harmony export */   nA: () => (/* binding */ onInterrupt)
/* harmony export */ });
/* harmony import */ var _targets_partial_files_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6696);

const cleanups = new Set();
let signalled;
/** Registers a cleanup for an interrupt (a target to close as failed); returns its removal. */
function onInterrupt(cleanup) {
    cleanups.add(cleanup);
    return () => cleanups.delete(cleanup);
}
/** The signal that interrupted this run, if one did: what fails after it is its doing, not news. */
function interruptedBy() {
    return signalled;
}
/** The shell's exit statuses: 128 + the signal's number. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 };
/**
 * On SIGINT or SIGTERM: removes the partial files being written (at once, whatever the writes
 * still in flight do), runs the registered cleanups for at most `graceMs`, says so, and exits
 * 130 or 143. A second signal exits at once. Returns the removal of the handlers.
 */
function handleInterrupts(options) {
    const exit = options.exit ?? ((code) => process.exit(code));
    const graceMs = options.graceMs ?? 2000;
    const handler = (signal) => {
        const code = EXIT_CODES[signal];
        if (signalled)
            return exit(code);
        signalled = signal;
        let removed = (0,_targets_partial_files_js__WEBPACK_IMPORTED_MODULE_0__/* .removeTrackedPartials */ .vc)();
        const work = Promise.allSettled([...cleanups].map((cleanup) => Promise.resolve().then(cleanup)));
        let timer;
        const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
        void Promise.race([work, grace]).then(() => {
            clearTimeout(timer);
            // A write that started while the cleanups ran has its partial file too.
            removed += (0,_targets_partial_files_js__WEBPACK_IMPORTED_MODULE_0__/* .removeTrackedPartials */ .vc)();
            const note = removed ? `: removed ${removed} unfinished file${removed === 1 ? '' : 's'}` : '';
            options.say(`interrupted (${signal})${note}`);
            exit(code);
        });
    };
    const onInt = () => handler('SIGINT');
    const onTerm = () => handler('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
    };
}


/***/ }),

/***/ 6696:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cb: () => (/* binding */ untrackPartial),
/* harmony export */   Dn: () => (/* binding */ partialPath),
/* harmony export */   Pf: () => (/* binding */ trackPartial),
/* harmony export */   tK: () => (/* binding */ sweepPartials),
/* harmony export */   vc: () => (/* binding */ removeTrackedPartials)
/* harmony export */ });
/* unused harmony export PROCESS_SPACE */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51455);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(48161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(76760);





/**
 * Temporary files that become a blob, an index or an archive once complete:
 * `.<name>.<pid>@<space>-<random>.partial` beside what they become. They are tracked while written,
 * so an interrupted run removes them (synchronously, whatever the writes still in flight do), and
 * named with the writer's process id and the space that id means something in, so a later run can
 * tell one a crash left behind from one another process is still writing, and never judges a
 * process of another container sharing the directory by an id that is not its own.
 */
const tracked = new Set();
/**
 * Where process ids mean one process: this host and its PID namespace (`/proc/self/ns/pid` on
 * Linux), as a short hash. Two containers with one layout mounted differ by namespace, two
 * machines sharing it over the network by host name, though their process ids may be equal.
 */
const PROCESS_SPACE = (() => {
    let namespace = '';
    try {
        namespace = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readlinkSync)('/proc/self/ns/pid');
    }
    catch {
        // not Linux, or no /proc: the host name alone stands for the space
    }
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(`${(0,node_os__WEBPACK_IMPORTED_MODULE_3__.hostname)()}\u0000${namespace}`).digest('hex').slice(0, 12);
})();
/** A fresh temporary name for `name` in `dir`. */
function partialPath(dir, name) {
    return (0,node_path__WEBPACK_IMPORTED_MODULE_4__.join)(dir, `.${name}.${process.pid}@${PROCESS_SPACE}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex')}.partial`);
}
/** Remember `path` (a file, or a spool directory) until `untrackPartial`: an interrupt removes it. */
function trackPartial(path) {
    tracked.add(path);
}
function untrackPartial(path) {
    tracked.delete(path);
}
/** Removes every tracked file now; returns how many there were. For an interrupt, when there is no time to wait. */
function removeTrackedPartials() {
    let removed = 0;
    for (const path of tracked) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(path, { force: true, recursive: true });
            removed++;
        }
        catch {
            // a file that cannot be removed is left; the next run's sweep tries again
        }
    }
    tracked.clear();
    return removed;
}
/** A partial nothing has written to for this long is abandoned, whoever made it (no silence lasts an hour: see OCI_COPY_TIMEOUT_SECONDS). */
const ABANDONED_AFTER_MS = 2 * 60 * 60 * 1000;
/**
 * Removes the partial files for `name` (or any name, when undefined) in `dir` that an earlier run
 * left: those whose writer's process is gone, and any untouched for two hours. A partial that a
 * live process (another copy into the same layout) is writing stays, and so does a fresh one of
 * another process space, whose writer this process cannot see. Returns how many went.
 */
async function sweepPartials(dir, name) {
    let entries;
    try {
        entries = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(dir);
    }
    catch {
        return 0;
    }
    let removed = 0;
    for (const entry of entries) {
        if (!entry.startsWith('.') || !entry.endsWith('.partial'))
            continue;
        if (name !== undefined && !entry.startsWith(`.${name}.`))
            continue;
        const path = (0,node_path__WEBPACK_IMPORTED_MODULE_4__.join)(dir, entry);
        if (tracked.has(path))
            continue;
        // `<pid>@<space>-<random>`; `<pid>-<random>` (no space) is of this space, as names once were.
        const writer = /\.([0-9]+)(?:@([0-9a-f]+))?-[0-9a-f]+\.partial$/.exec(entry);
        const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(path).catch(() => undefined);
        if (!info?.isFile())
            continue;
        const abandoned = Date.now() - info.mtimeMs > ABANDONED_AFTER_MS;
        if (!abandoned) {
            const ours = writer !== null && (writer[2] === undefined || writer[2] === PROCESS_SPACE);
            if (!ours || isAlive(Number(writer[1])))
                continue;
        }
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rm)(path, { force: true }).then(() => removed++, () => undefined);
    }
    return removed;
}
function isAlive(pid) {
    if (pid === process.pid)
        return true;
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        // EPERM: it exists, under another user.
        return err.code === 'EPERM';
    }
}


/***/ }),

/***/ 51294:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
/** The product's version, as package.json gives it (a unit test keeps the two equal). */
const VERSION = '0.1.0';


/***/ })

};
