#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 42613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 20181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 76982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 72250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 24434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 79896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 91943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 58611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 85675:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http2");

/***/ }),

/***/ 65692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 69278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 34589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 16698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 31421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 77598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 53053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 78474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 73024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 51455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 37067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 32467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 77030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 48161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 76760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 41792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 80099:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 57075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 46466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 46193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 58500:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");

/***/ }),

/***/ 41692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 73136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 57975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 73429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 75919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 38522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 70857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 16928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 13193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 16460:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers/promises");

/***/ }),

/***/ 64756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 52018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 87016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 39023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 43106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ }),

/***/ 88723:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _runtime_index_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(91385);

const refusal = (0,_runtime_index_js__WEBPACK_IMPORTED_MODULE_0__/* .unsupportedNode */ .AV)(process.version);
if (refusal) {
    process.stderr.write(`oci-copy: ${refusal}\n`);
    process.exit(2);
}
(0,_runtime_index_js__WEBPACK_IMPORTED_MODULE_0__/* .enableCompileCache */ .Lw)();
(0,_runtime_index_js__WEBPACK_IMPORTED_MODULE_0__/* .baselineWasm */ .oC)();
(0,_runtime_index_js__WEBPACK_IMPORTED_MODULE_0__/* .collectYoungGarbage */ .ul)();
// The stack of an internal error with --debug only: every other run ends on one line.
const debug = process.argv.includes('--debug');
(0,_runtime_index_js__WEBPACK_IMPORTED_MODULE_0__/* .endOnUncaught */ .CE)((line) => process.stderr.write(`oci-copy: ${line}\n`), (stack) => debug && process.stderr.write(`${stack}\n`));
const { main } = await __nccwpck_require__.e(/* import() */ 293).then(__nccwpck_require__.bind(__nccwpck_require__, 31293));
process.exitCode = await main(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 29949:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   OK: () => (/* binding */ OperationError),
/* harmony export */   P1: () => (/* binding */ TagConflictError),
/* harmony export */   VS: () => (/* binding */ registryErrorCode),
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   cc: () => (/* binding */ CancelledError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   h: () => (/* binding */ DigestMismatchError),
/* harmony export */   k6: () => (/* binding */ CopyError),
/* harmony export */   m_: () => (/* binding */ NotFoundError),
/* harmony export */   r3: () => (/* binding */ isRetryable),
/* harmony export */   tr: () => (/* binding */ TagRemovalRefusedError),
/* harmony export */   vW: () => (/* binding */ OciCopyError),
/* harmony export */   yg: () => (/* binding */ ContentError)
/* harmony export */ });
/**
 * Errors that reach a user. Every message is one line that names the thing at fault and, where
 * there is one, what to do about it. `CopyError` carries which side failed and in which operation.
 */
class OciCopyError extends Error {
    name = 'OciCopyError';
}
/** Bad input: a reference, an option, a file the user pointed at. Raised before any network traffic. */
class InputError extends OciCopyError {
    name = 'InputError';
}
/** Content that does not match its descriptor (digest or size), or that is malformed. */
class ContentError extends OciCopyError {
    name = 'ContentError';
}
/** Something asked for is not there: a tag, a blob, a manifest. */
class NotFoundError extends OciCopyError {
    name = 'NotFoundError';
}
/**
 * Work that was stopped rather than failed: a target used after `close()` (`… is closed`), or an
 * operation cancelled because the copy it belonged to failed or was told to stop. Never retried.
 */
class CancelledError extends OciCopyError {
    name = 'CancelledError';
}
/** A failure whose message already names the operation and the place (`pushing blob … to HOST/REPO: 503`). */
class OperationError extends OciCopyError {
    name = 'OperationError';
}
/**
 * An answer to a request by digest that names other content: a registry's `Docker-Content-Digest`,
 * the digest of the bytes it sent, an index entry, a referrer's subject. A digest pins what it names,
 * so no answer may swap it; the message names the place, the digest asked for and the one answered.
 */
class DigestMismatchError extends OperationError {
    requested;
    answered;
    name = 'DigestMismatchError';
    constructor(message, 
    /** the digest the user or the graph fixed */
    requested, 
    /** the other digest the answer named */
    answered) {
        super(message);
        this.requested = requested;
        this.answered = answered;
    }
}
/**
 * A destination tag that already names another digest, left as it is because the copy was told
 * not to move tags (`noClobber`). No retry cures it: the tag must be removed, or the copy allowed to move it.
 */
class TagConflictError extends OciCopyError {
    reference;
    current;
    wanted;
    name = 'TagConflictError';
    constructor(message, reference, 
    /** what the tag names now */
    current, 
    /** what the copy would have pointed it at */
    wanted) {
        super(message);
        this.reference = reference;
        this.current = current;
        this.wanted = wanted;
    }
}
/**
 * A target that does not allow removing tags at all (a registry that refuses deletes through its
 * API: 405 UNSUPPORTED, GHCR, Docker Hub; credentials without delete rights). Said once per
 * destination; nothing else of the run is affected.
 */
class TagRemovalRefusedError extends OperationError {
    place;
    status;
    name = 'TagRemovalRefusedError';
    constructor(message, 
    /** `[registry] host/repo`, as the target names itself. */
    place, status) {
        super(message);
        this.place = place;
        this.status = status;
    }
}
/** Wraps a failure with where it happened: `pushing blob sha256:… to HOST/REPO: 503 after 5 tries`. */
class CopyError extends OciCopyError {
    side;
    operation;
    cause;
    name = 'CopyError';
    constructor(side, operation, cause) {
        super(cause instanceof OperationError ? cause.message : `${operation}: ${messageOf(cause)}`);
        this.side = side;
        this.operation = operation;
        this.cause = cause;
    }
}
/** The one-line message of anything thrown, never a stack trace. */
function messageOf(err) {
    try {
        return messageText(err);
    }
    catch {
        // A message that is not text, or a getter that throws: the error's name at least.
        return err instanceof Error ? safeName(err) : 'an error that cannot be shown';
    }
}
function safeName(err) {
    try {
        return typeof err.name === 'string' && err.name ? err.name : 'Error';
    }
    catch {
        return 'Error';
    }
}
function messageText(err) {
    if (err instanceof Error) {
        const msg = typeof err.message === 'string' && err.message ? err.message : String(err.name);
        // Node's network errors carry the useful part in `cause` (undici: "fetch failed" → ECONNREFUSED).
        const cause = err.cause;
        if (cause instanceof Error && typeof cause.message === 'string' && cause.message && !msg.includes(cause.message)) {
            return oneLine(`${msg}: ${cause.message}`);
        }
        const code = err.code;
        if (typeof code === 'string' && !msg.includes(code))
            return oneLine(`${msg} (${code})`);
        return oneLine(msg);
    }
    if (typeof err === 'string')
        return oneLine(err);
    try {
        return oneLine(JSON.stringify(err) ?? String(err));
    }
    catch {
        return String(err);
    }
}
function oneLine(s) {
    return s.replace(/\s*\n\s*/g, ' ').trim();
}
/**
 * A failure worth another try with fresh content (a connection cut mid-upload, a 503 after the
 * transport's own retries could not replay a streamed body). Targets mark such errors
 * `retryable = true`; the copy engine then reopens the source and pushes again.
 */
function isRetryable(err) {
    return err?.retryable === true;
}
/** The registry error code an error carries (`MANIFEST_BLOB_UNKNOWN`, `DIGEST_INVALID`), if any. */
function registryErrorCode(err) {
    const code = err?.code;
    return typeof code === 'string' ? code : undefined;
}


/***/ }),

/***/ 91385:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  oC: () => (/* reexport */ baselineWasm),
  ul: () => (/* reexport */ collectYoungGarbage),
  Lw: () => (/* reexport */ enableCompileCache),
  CE: () => (/* reexport */ endOnUncaught),
  AV: () => (/* reexport */ unsupportedNode)
});

;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");
;// CONCATENATED MODULE: ./lib/src/runtime/compile-cache.js

/**
 * Node 22.1 and later can keep V8's compiled code on disk between runs (`module.enableCompileCache`);
 * it covers what is loaded after the call, so the CLI's entry calls this first and imports the rest.
 * On Node 24 a warm cache takes ~5 ms off the CLI's start; the first run pays ~20 ms to write it.
 * The action does not use it: a hosted runner starts with an empty cache in every job, so most
 * jobs would only pay. Older Node: nothing.
 */
function enableCompileCache() {
    const enable = external_node_module_namespaceObject.enableCompileCache;
    try {
        enable?.();
    }
    catch {
        // a cache that cannot be written costs speed, never the run
    }
}

;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
;// CONCATENATED MODULE: ./lib/src/runtime/wasm-tiering.js

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it quickly (Liftoff) and
 * then again, optimised (TurboFan), on a background thread; before Node 24 Node also waits for
 * that thread before the process can exit. The parser reads only headers and chunk framing, so the
 * optimised code never pays for itself in a copy. Set at run time, `--liftoff-only` alone stops
 * that on Node 20 but not on Node 24, where the flag's implications are not applied after start:
 * tier-up and dynamic tiering are turned off by name too. Measured on Node 24 (perf, medians of 3):
 * ~46 ms of background compiling less per copy, which on a small machine the registries get; on
 * Node 20 and 22 a one-layer copy took 0.20 → 0.16 s. Must run before the first request compiles
 * the parser.
 */
function baselineWasm() {
    for (const flag of ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering']) {
        try {
            (0,external_node_v8_namespaceObject.setFlagsFromString)(flag);
        }
        catch {
            // an engine without the flag keeps its default
        }
    }
}

;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
;// CONCATENATED MODULE: ./lib/src/runtime/young-garbage.js


/**
 * Every chunk that streams through leaves a little garbage: a Buffer wrapper around its bytes, and
 * the bytes themselves outside the JS heap until that wrapper is collected. V8 collects the young
 * generation when it is full, and a full one (16 MB or more by default in Node 24) holds thousands
 * of such wrappers: tens of MB of dead chunks. The dead bytes waiting for a collection grow with
 * the rate they pass at (hundreds of MB/s on a fast link), so the collections must come often. The
 * action on Node 24 with a 1.15 GB image (one 1 GB layer), medians of 3: a collection every 50 ms
 * after a quarter second left peak RSS at 127 MB registry → registry and 141 MB into an archive
 * file (115 MB for a 32 MB image); every 10 ms from the start, 106, 130 and 100 MB, with no more
 * CPU time: a collection during a fast copy takes about 1 ms (49 for a 128 MB copy), but fewer
 * fresh pages are faulted in. Collecting only once 2 or 8 MB more were held outside the heap took
 * as much CPU or more, and more memory (BENCHMARKS.md). Getting hold of `gc` (a V8 context) costs
 * ~1 ms, so it is done at once. For entry points only: it sets a V8 flag.
 */
function collectYoungGarbage(everyMs = 10) {
    const gc = exposeGc();
    if (gc)
        setInterval(() => gc({ type: 'minor' }), everyMs).unref();
}
function exposeGc() {
    try {
        (0,external_node_v8_namespaceObject.setFlagsFromString)('--expose-gc');
        const gc = (0,external_node_vm_namespaceObject.runInNewContext)('gc');
        return typeof gc === 'function' ? gc : undefined;
    }
    catch {
        return undefined; // an engine without it collects on its own schedule
    }
}

;// CONCATENATED MODULE: ./lib/src/runtime/node-version.js
/**
 * The oldest Node.js release of each line the CLI runs on: the Sigstore packages that verify and sign
 * need these (`^22.22.2 || ^24.15.0 || >=26`), and Node 20 is past its end of life.
 */
const OLDEST = { 22: [22, 2], 24: [15, 0] };
/** One line naming what to install and where it is, or undefined when `version` (`v22.22.2`) is new enough. */
function unsupportedNode(version) {
    const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
    const oldest = OLDEST[major];
    const ok = major >= 26 || (oldest !== undefined && (minor > oldest[0] || (minor === oldest[0] && patch >= oldest[1])));
    return ok
        ? undefined
        : `Node.js ${version} is too old: install 22.22.2 or later on the 22 line, 24.15.0 or later, or 26, from https://nodejs.org/en/download (or: nvm install 24)`;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(73024);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __nccwpck_require__(29949);
;// CONCATENATED MODULE: ./lib/src/runtime/last-resort.js


/**
 * A fault no code path caught (an `error` event nobody listened for, a rejection nobody awaited)
 * would end the process with a stack trace and nothing else: in a workflow log, no error line, no
 * summary. It ends the process with one line naming it instead, and the stack only where debugging
 * asked for it. Exit 1 at once: what was being written is abandoned, and no tag names it, as tags
 * are pushed only after everything they refer to. For entry points only.
 */
function endOnUncaught(say, stack) {
    let ended = false;
    const end = (err) => {
        if (ended)
            return;
        ended = true;
        const line = `internal error, the run stopped: ${(0,errors/* messageOf */.bD)(err)}; nothing was tagged for what it was writing`;
        try {
            say(line);
            if (err instanceof Error && typeof err.stack === 'string')
                stack(err.stack);
        }
        catch {
            // The usual way to say it failed too: the line goes to standard error as it is.
            (0,external_node_fs_.writeSync)(2, `${line}\n`);
        }
        finally {
            process.exit(1);
        }
    };
    process.on('uncaughtException', end);
    process.on('unhandledRejection', end);
}

;// CONCATENATED MODULE: ./lib/src/runtime/index.js
// Process-wide settings for the entry points (the CLI and the action); the library never sets them.







/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(88723);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
