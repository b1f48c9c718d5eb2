export const id = 366;
export const ids = [366];
export const modules = {

/***/ 44366:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  openFileTarget: () => (/* binding */ openFileTarget)
});

// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./lib/src/oci/descriptor.js
var descriptor = __webpack_require__(59995);
// EXTERNAL MODULE: ./lib/src/oci/digest.js
var oci_digest = __webpack_require__(36618);
// EXTERNAL MODULE: ./lib/src/oci/image-name.js
var image_name = __webpack_require__(365);
// EXTERNAL MODULE: ./lib/src/oci/manifest.js
var oci_manifest = __webpack_require__(98775);
// EXTERNAL MODULE: ./lib/src/oci/media-types.js
var media_types = __webpack_require__(7964);
// EXTERNAL MODULE: ./lib/src/oci/reference.js + 1 modules
var reference = __webpack_require__(91839);
// EXTERNAL MODULE: ./lib/src/targets/layout/index-json.js
var index_json = __webpack_require__(67409);
// EXTERNAL MODULE: ./lib/src/targets/layout/referrer-entries.js
var referrer_entries = __webpack_require__(79574);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(78474);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./lib/src/targets/archive/stored-entry.js




/**
 * A byte range of a file: an entry of an indexed archive, or of a spool. One instance per entry of
 * an archive that may hold hundreds of thousands: a class shares its shape and methods among them,
 * where an object literal with a closure would carry a context and a shape of its own each.
 */
class RangeEntry {
    path;
    start;
    size;
    digest;
    gzip;
    constructor(path, start, size, digest, gzip) {
        this.path = path;
        this.start = start;
        this.size = size;
        this.digest = digest;
        this.gzip = gzip;
    }
    open() {
        return this.size === 0 ? external_node_stream_.Readable.from([]) : (0,external_node_fs_.createReadStream)(this.path, { start: this.start, end: this.start + this.size - 1 });
    }
}
/** Bytes `start` to `start + size` of the file at `path`, with their digest and gzip head when known. */
function rangeEntry(path, start, size, digest, gzip) {
    return new RangeEntry(path, start, size, digest, gzip);
}
function bytesEntry(bytes, digest) {
    return { size: bytes.byteLength, digest, open: () => external_node_stream_.Readable.from([bytes]) };
}
/** Reads a small file (an index, a manifest) whole, refusing anything over `limit`. */
async function readEntry(entry, limit, what) {
    if (entry.size > limit)
        throw new errors/* ContentError */.yg(`${what} is ${entry.size} bytes, over the limit of ${limit}`);
    const chunks = [];
    for await (const chunk of entry.open())
        chunks.push(chunk);
    return Buffer.concat(chunks);
}
/** The sha256 digest of an entry and whether it is gzip, computed by streaming it. */
async function describeEntry(entry) {
    if (entry.digest !== undefined && entry.gzip !== undefined)
        return { digest: entry.digest, gzip: entry.gzip };
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let head;
    for await (const chunk of entry.open()) {
        const buf = chunk;
        if (!head || head.length < 2)
            head = head ? Buffer.concat([head, buf]) : buf;
        hash.update(buf);
    }
    return { digest: `sha256:${hash.digest('hex')}`, gzip: isGzipHead(head) };
}
function isGzipHead(head) {
    return !!head && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/entry-links.js


/**
 * Links followed from one entry to the file it reads as. moby and skopeo write one step (a layer
 * shared by two images); a few more allow a link to a link, and a loop ends here too.
 */
const MAX_LINK_HOPS = 4;
/**
 * The links of one archive, gathered while it is read and resolved once it has been read whole:
 * a symbolic link may name an entry that comes later (skopeo's `<id>/layer.tar` before the
 * `<digest>.tar` it points at, or moby's, whose order is the file system's). A hard link must name
 * an entry that came before it, as tar defines it. Only the links and directory names are held,
 * never a body, and only links whose own name the importer reads are resolved; any other link
 * that names an unsafe target was already refused by name.
 */
class ArchiveLinks {
    where;
    links = new Map();
    directories = new Set();
    /** Names seen so far, for the hard-link rule. */
    seen = new Set();
    constructor(where) {
        this.where = where;
    }
    /** Notes a regular entry kept under `name` (a later entry of the same name replaces a link). */
    regular(name) {
        this.links.delete(name);
        this.seen.add(name);
    }
    directory(name) {
        this.directories.add(name);
        this.seen.add(name);
    }
    /** Notes a link entry; a hard link to an entry not yet seen is refused at once. */
    link(name, rawName, kind) {
        // A link the importer never reads (`repositories`, `<id>/json`) is not resolved, so what it
        // names does not matter: skipped entries are not even noted as seen.
        if (kind.as.kind === 'skip')
            return;
        if (kind.link === 'hard' && !this.seen.has(kind.target)) {
            throw this.refuse({ ...kind, shown: (0,oci_text/* quoted */.TL)(rawName) }, 'that names no entry read before it (a hard link must follow its target)');
        }
        this.links.set(name, { ...kind, shown: (0,oci_text/* quoted */.TL)(rawName) });
        this.seen.add(name);
    }
    /**
     * Resolves every link the importer reads and hands each to `found` with the regular entry it
     * reads as. Throws, naming the link, for one that leads to nothing, a directory, or along a
     * chain longer than MAX_LINK_HOPS.
     */
    resolve(entries, found) {
        const resolved = [];
        for (const link of this.links.values()) {
            if (link.as.kind === 'skip')
                continue;
            resolved.push([link.as, this.follow(link, entries), link.shown]);
        }
        // Handed over only now, so that no link resolves through another link's new alias.
        for (const [as, entry, shown] of resolved)
            found(as, entry, shown);
    }
    follow(start, entries) {
        let target = start.target;
        for (let hops = 1;; hops++) {
            const entry = entries.lookup(target);
            if (entry)
                return entry;
            const next = this.links.get(target);
            if (!next)
                break;
            if (hops >= MAX_LINK_HOPS) {
                throw this.refuse(start, `that starts a chain of more than ${MAX_LINK_HOPS} links (or a loop)`);
            }
            target = next.target;
        }
        if (this.directories.has(target) || target === '' || target === '.' || entries.hasUnder(target)) {
            throw this.refuse(start, 'that leads to a directory, not a file');
        }
        throw this.refuse(start, 'that leads to no file of the archive');
    }
    refuse(link, why) {
        return new errors/* ContentError */.yg(`${this.where} has a link entry ${link.shown} -> ${(0,oci_text/* quoted */.TL)(link.linkname)} ${why}: refusing the archive`);
    }
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/entry-names.js





/** `docker save`'s list of images, in both its legacy and its OCI (Docker 25+) archives. */
const DOCKER_MANIFEST_FILE = 'manifest.json';
const DOCKER_REPOSITORIES_FILE = 'repositories';
/**
 * Files legacy `docker save` (`<id>/layer.tar`, `<id>.json`), skopeo's `docker-archive:`
 * (`<hex>.tar`) and go-containerregistry tarballs (`<hex>.tar.gz`, `sha256:<hex>`) keep their layers
 * and configs in.
 */
const IMAGE_FILE_RE = /^(?:sha256:)?[0-9a-f]{64}(?:\/layer\.tar|\.json|\.tar|\.tar\.gz)?$/;
/** `blobs/<algorithm>/<hex>`, the entry name of a blob. */
function blobEntryName(digest) {
    const { algorithm, hex } = (0,oci_digest/* parseDigest */.m)(digest);
    return `blobs/${algorithm}/${hex}`;
}
/** The name as a relative path without `./` prefixes or a trailing slash. */
function normalizeEntryName(name) {
    let n = name;
    while (n.startsWith('./'))
        n = n.slice(2);
    while (n.endsWith('/'))
        n = n.slice(0, -1);
    return n;
}
/**
 * Classifies a tar entry, refusing outright any entry that could point outside the archive or the
 * importer's own temporary space: absolute names or link targets, `..` that climbs out, devices and
 * fifos. Links inside the archive are classified, and resolved later (see `ArchiveLinks`).
 */
function classifyEntry(header, where) {
    const raw = header.name;
    const shown = (0,oci_text/* quoted */.TL)(raw);
    if (isAbsolute(raw)) {
        throw new errors/* ContentError */.yg(`${where} has an entry with an absolute path ${shown}: refusing the archive`);
    }
    const name = normalizeEntryName(raw);
    if (name.split('/').some((part) => part === '..')) {
        throw new errors/* ContentError */.yg(`${where} has an entry that leaves the archive ${shown}: refusing the archive`);
    }
    const type = header.type ?? 'file';
    if (type === 'symlink' || type === 'link') {
        const link = type === 'symlink' ? 'symbolic' : 'hard';
        const linkname = header.linkname ?? '';
        return { kind: 'link', link, target: linkTarget(name, link, linkname, where, shown), linkname, as: classifyFile(name, where, shown) };
    }
    if (type === 'directory')
        return { kind: 'directory', name };
    if (type !== 'file' && type !== 'contiguous-file') {
        throw new errors/* ContentError */.yg(`${where} has a ${(0,oci_text/* printable */.g$)(type)} entry ${shown}: refusing the archive`);
    }
    return classifyFile(name, where, shown);
}
function classifyFile(name, where, shown) {
    if (name === index_json/* INDEX_FILE */.K$ || name === index_json/* OCI_LAYOUT_FILE */.u2 || name === DOCKER_MANIFEST_FILE)
        return { kind: 'file', name };
    if (name === DOCKER_REPOSITORIES_FILE)
        return { kind: 'skip' };
    if (name.startsWith('blobs/')) {
        const parts = name.split('/');
        const digest = `${parts[1]}:${parts[2]}`;
        if (parts.length !== 3 || !(0,oci_digest/* isDigest */.Bc)(digest)) {
            throw new errors/* ContentError */.yg(`${where} has an entry ${shown} under blobs/ that is not named blobs/<algorithm>/<hex>: refusing the archive`);
        }
        return { kind: 'blob', digest };
    }
    if (IMAGE_FILE_RE.test(name))
        return { kind: 'file', name };
    return { kind: 'skip' };
}
/**
 * The archive path a link names. Nothing is ever extracted, so a target only has to name an entry
 * of the archive; one that is absolute or climbs out of it is refused all the same, as no honest
 * writer makes one.
 */
function linkTarget(name, link, linkname, where, shown) {
    const arrow = `${shown} -> ${(0,oci_text/* quoted */.TL)(linkname)}`;
    if (linkname === '')
        throw new errors/* ContentError */.yg(`${where} has a link entry ${arrow} with no target: refusing the archive`);
    if (isAbsolute(linkname)) {
        throw new errors/* ContentError */.yg(`${where} has a link entry ${arrow} with an absolute target: refusing the archive`);
    }
    const joined = link === 'symbolic' ? external_node_path_.posix.join(external_node_path_.posix.dirname(name), linkname) : external_node_path_.posix.normalize(linkname);
    const target = normalizeEntryName(joined);
    if (target === '..' || target.startsWith('../')) {
        throw new errors/* ContentError */.yg(`${where} has a link entry ${arrow} that leaves the archive: refusing the archive`);
    }
    return target;
}
function isAbsolute(path) {
    return path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\');
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/tar-headers.js


const BLOCK = 512;
/** Pax and GNU long-name bodies are read whole: anything this big is not a name. */
const MAX_EXTENDED_HEADER = 1024 * 1024;
/**
 * Indexes a seekable tar by its headers alone: each 512-byte header is read at its offset and the
 * entry's body is skipped, so indexing costs a few kilobytes however large the archive is. Knows
 * ustar prefixes, pax extended headers (per entry and global), GNU long names and links, and stops
 * at the end-of-archive zero block. Unsafe entries are refused by name before anything else.
 */
async function scanTarHeaders(file, where, visit) {
    const header = Buffer.alloc(BLOCK);
    let global = {};
    let local = {};
    let longName;
    let longLink;
    let pending = false;
    let pos = 0;
    for (;;) {
        if (pos >= file.size) {
            // A tar without its end-of-archive blocks is still whole when it ends between entries.
            if (pending)
                throw truncated(where);
            return;
        }
        await readAt(file, header, pos, where);
        if (header.every((b) => b === 0)) {
            if (pending)
                throw damaged(where);
            return;
        }
        const h = decodeHeader(header, where);
        const bodyStart = pos + BLOCK;
        const extended = EXTENDED_TYPES.has(h.typeflag);
        if (extended) {
            if (h.size > MAX_EXTENDED_HEADER)
                throw new errors/* ContentError */.yg(`${where} has an extended tar header of ${h.size} bytes: refusing the archive`);
            if (bodyStart + h.size > file.size)
                throw truncated(where);
            const body = Buffer.alloc(h.size);
            await readAt(file, body, bodyStart, where);
            if (h.typeflag === 'x')
                local = { ...local, ...parsePax(body, where) };
            else if (h.typeflag === 'g')
                global = { ...global, ...parsePax(body, where) };
            else if (h.typeflag === 'K')
                longLink = cString(body);
            else
                longName = cString(body);
            pending = h.typeflag !== 'g';
            pos = bodyStart + padded(h.size);
            continue;
        }
        const name = local.path ?? global.path ?? longName ?? h.name;
        const linkname = local.linkpath ?? global.linkpath ?? longLink ?? h.linkname;
        const size = local.size ?? global.size ?? h.size;
        local = {};
        longName = longLink = undefined;
        pending = false;
        // Old tars mark a directory only by its trailing slash.
        const type = (h.typeflag === '0' || h.typeflag === '\0') && name.endsWith('/') ? 'directory' : typeName(h.typeflag);
        const kind = classifyEntry({ name, type, linkname }, where);
        if (bodyStart + size > file.size)
            throw truncated(where);
        if (kind.kind !== 'skip')
            visit({ name, size, dataOffset: bodyStart, kind });
        pos = bodyStart + padded(size);
    }
}
const EXTENDED_TYPES = new Set(['x', 'g', 'L', 'K', 'N']);
const TYPE_NAMES = {
    '\0': 'file',
    '0': 'file',
    '1': 'link',
    '2': 'symlink',
    '3': 'character-device',
    '4': 'block-device',
    '5': 'directory',
    '6': 'fifo',
    '7': 'contiguous-file',
    S: 'GNU sparse file',
    V: 'volume label',
    M: 'multi-volume continuation',
    D: 'GNU dump directory',
};
function typeName(flag) {
    return TYPE_NAMES[flag] ?? `tar type ${JSON.stringify(flag)}`;
}
function decodeHeader(block, where) {
    if (!checksumMatches(block))
        throw damaged(where);
    const magic = block.toString('latin1', 257, 263);
    const ustar = magic === 'ustar\0';
    if (!ustar && magic !== 'ustar ')
        throw damaged(where);
    let name = cString(block.subarray(0, 100));
    // GNU tar keeps other fields where ustar keeps the name prefix.
    if (ustar && block[345] !== 0)
        name = `${cString(block.subarray(345, 500))}/${name}`;
    const size = decodeNumber(block.subarray(124, 136));
    if (size === undefined)
        throw damaged(where);
    return { name, linkname: cString(block.subarray(157, 257)), size, typeflag: String.fromCharCode(block[156]) };
}
/** The stored checksum, against both the unsigned sum every tar writes and the signed one some old ones did. */
function checksumMatches(block) {
    const stored = decodeNumber(block.subarray(148, 156));
    if (stored === undefined)
        return false;
    let unsigned = 8 * 0x20;
    let signed = 8 * 0x20;
    for (let i = 0; i < BLOCK; i++) {
        if (i >= 148 && i < 156)
            continue;
        unsigned += block[i];
        signed += block[i] > 127 ? block[i] - 256 : block[i];
    }
    return stored === unsigned || stored === signed;
}
/** An octal field (space or NUL padded), or GNU base-256 for sizes over 8 GiB. */
function decodeNumber(field) {
    if (field[0] === 0x80) {
        let value = 0;
        for (let i = 1; i < field.length; i++)
            value = value * 256 + field[i];
        return Number.isSafeInteger(value) ? value : undefined;
    }
    const text = field
        .toString('latin1')
        .replace(/^[ \0]+/, '')
        .replace(/[ \0].*$/s, '');
    if (!/^[0-7]*$/.test(text))
        return undefined;
    const value = text === '' ? 0 : parseInt(text, 8);
    return Number.isSafeInteger(value) ? value : undefined;
}
/** Pax records, `<length> <key>=<value>\n`, of which the scan needs `path`, `linkpath` and `size`. */
function parsePax(body, where) {
    const out = {};
    let at = 0;
    while (at < body.length) {
        if (body[at] === 0)
            break;
        const space = body.indexOf(0x20, at);
        const length = space > at ? Number(body.toString('latin1', at, space)) : NaN;
        if (!Number.isSafeInteger(length) || length <= space - at + 1 || at + length > body.length || body[at + length - 1] !== 0x0a) {
            throw damaged(where);
        }
        const record = body.toString('utf8', space + 1, at + length - 1);
        const eq = record.indexOf('=');
        if (eq <= 0)
            throw damaged(where);
        const key = record.slice(0, eq);
        const value = record.slice(eq + 1);
        if (key === 'path')
            out.path = value;
        else if (key === 'linkpath')
            out.linkpath = value;
        else if (key === 'size') {
            if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
                throw damaged(where);
            out.size = Number(value);
        }
        at += length;
    }
    return out;
}
function cString(bytes) {
    const end = bytes.indexOf(0);
    return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
}
function padded(size) {
    return Math.ceil(size / BLOCK) * BLOCK;
}
async function readAt(file, into, position, where) {
    let done = 0;
    while (done < into.length) {
        const n = await file.read(into, done, into.length - done, position + done);
        if (n === 0)
            throw truncated(where);
        done += n;
    }
}
function truncated(where) {
    return new errors/* ContentError */.yg(`${where} is truncated or not a tar archive (it ends in the middle of an entry)`);
}
function damaged(where) {
    return new errors/* ContentError */.yg(`${where} is truncated or not a tar archive (an entry header is damaged or the file is not an uncompressed tar)`);
}

// EXTERNAL MODULE: ./node_modules/tar-stream/index.js
var tar_stream = __webpack_require__(56118);
;// CONCATENATED MODULE: ./lib/src/targets/archive/tar-scan.js



/**
 * Walks a tar stream entry by entry. `visit` gets each entry worth keeping with its body as an async
 * iterable of chunks (tar-stream's own entry stream: wrapping each of hundreds of thousands of
 * entries in a node Readable costs memory on Node 24); it reads the body to its end, or returns and
 * lets the walk skip the rest. Unsafe entries stop the walk with an error that names them, before
 * any of their bytes are read.
 */
async function scanTar(input, where, visit) {
    // A stream that already failed or closed early (an export that broke off) emits nothing more.
    if (input.errored || (input.destroyed && !input.readableEnded)) {
        throw new errors/* ContentError */.yg(`${where} could not be read: ${input.errored ? (0,errors/* messageOf */.bD)(input.errored) : 'the stream closed before its end'}`);
    }
    const tar = (0,tar_stream.extract)();
    input.on('error', (err) => tar.destroy(err));
    input.once('close', () => {
        if (!input.readableEnded)
            tar.destroy(input.errored ?? new Error('the stream closed before its end'));
    });
    input.pipe(tar);
    try {
        for await (const source of tar) {
            const header = source.header;
            const kind = classifyEntry(header, where);
            if (kind.kind !== 'skip') {
                // tar-stream records where the body begins, after any pax or long-name headers.
                const dataOffset = header.byteOffset ?? source.offset + 512;
                await visit({ name: header.name, size: header.size, dataOffset, kind }, source);
            }
            // Whatever is left unread is skipped (the next entry comes only after this one's end).
            for await (const _ of source) {
                // skipped
            }
        }
    }
    catch (err) {
        tar.destroy();
        input.unpipe(tar);
        input.destroy();
        if (err instanceof errors/* OciCopyError */.vW)
            throw err;
        throw new errors/* ContentError */.yg(`${where} is truncated or not a tar archive (${describeTarError(err)})`);
    }
}
function describeTarError(err) {
    const msg = (0,errors/* messageOf */.bD)(err);
    if (/unexpected end/i.test(msg))
        return 'it ends in the middle of an entry';
    if (/invalid tar header/i.test(msg))
        return 'an entry header is damaged or the file is not an uncompressed tar';
    return msg;
}

// EXTERNAL MODULE: ./lib/src/targets/partial-files.js
var partial_files = __webpack_require__(6696);
;// CONCATENATED MODULE: ./lib/src/targets/archive/archive-contents.js















/**
 * Indexes a seekable archive: its headers are read at their offsets and every body is skipped, so
 * indexing reads a few kilobytes however large the archive; later reads open just an entry's byte
 * range. Nothing is copied.
 */
async function indexArchiveFile(path, where) {
    const contents = new ContentTables(where);
    const handle = await (0,promises_.open)(path, 'r');
    try {
        await refuseCompressed(handle, where);
        const { size } = await handle.stat();
        const file = {
            size,
            read: async (buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
        };
        await scanTarHeaders(file, where, (entry) => {
            if (contents.structural(entry))
                return;
            contents.add(entry, rangeEntry(path, entry.dataOffset, entry.size));
        });
    }
    finally {
        await handle.close();
    }
    return contents.finish(async () => undefined);
}
/**
 * Reads an archive from a stream that cannot be read twice (stdin, a socket): the bodies of the
 * entries worth keeping are appended to one spool file in a private temporary directory, each blob
 * hashed on the way in against the digest its name promises (a blob that does not match fails the
 * import), and later read back by byte range. What is kept in memory per entry is its name and
 * place in the spool, a few hundred bytes, as for an archive read from a file (no body, no stream);
 * writing costs one file, not one per entry.
 */
async function spoolArchive(input, where, tempParent = (0,external_node_os_.tmpdir)()) {
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(tempParent, 'oci-copy-import-'));
    // An interrupted import removes its spool too.
    (0,partial_files/* trackPartial */.Pf)(dir);
    const dispose = () => (0,promises_.rm)(dir, { recursive: true, force: true }).finally(() => (0,partial_files/* untrackPartial */.Cb)(dir));
    const contents = new ContentTables(where);
    const path = (0,external_node_path_.join)(dir, 'spool');
    const spool = new SpoolFile(path);
    try {
        await scanTar(input, where, async (entry, body) => {
            if (contents.structural(entry))
                return;
            if (entry.kind.kind === 'blob') {
                const digest = entry.kind.digest;
                const hash = (0,oci_digest/* newHasher */.ce)(digest);
                const { offset, size } = await spool.append(body, (chunk) => hash.update(chunk));
                const got = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
                if (got !== digest)
                    throw notThePromisedBlob(where, (0,oci_text/* quoted */.TL)(entry.name), `digest mismatch: expected ${digest}, got ${got}`);
                contents.add(entry, rangeEntry(path, offset, size, digest));
                return;
            }
            const hash = (0,external_node_crypto_.createHash)('sha256');
            let head;
            const { offset, size } = await spool.append(body, (chunk) => {
                hash.update(chunk);
                if (!head || head.length < 2)
                    head = Buffer.concat(head ? [head, chunk.subarray(0, 2)] : [chunk.subarray(0, 2)]);
            });
            contents.add(entry, rangeEntry(path, offset, size, `sha256:${hash.digest('hex')}`, isGzipHead(head)));
        });
        await spool.finish();
        return contents.finish(dispose);
    }
    catch (err) {
        await spool.abandon();
        await dispose();
        if (err instanceof errors/* OciCopyError */.vW)
            throw err;
        throw new errors/* ContentError */.yg(`${where}: cannot spool the archive (${(0,errors/* messageOf */.bD)(err)})`);
    }
}
/**
 * One file that entry bodies are appended to, one after another, with back-pressure. Small bodies
 * are gathered into writes of 64 KiB: tens of thousands of tiny blobs cost a few hundred writes.
 */
class SpoolFile {
    out;
    position = 0;
    pending = [];
    pendingBytes = 0;
    failed;
    constructor(path) {
        this.out = (0,external_node_fs_.createWriteStream)(path, { flags: 'wx' });
        this.failed = new Promise((_, reject) => this.out.once('error', reject));
        this.failed.catch(() => { });
    }
    /** Appends `body`, passing each chunk to `see` first; returns where it landed. */
    async append(body, see) {
        const offset = this.position;
        for await (const chunk of body) {
            see(chunk);
            this.position += chunk.length;
            this.pending.push(chunk);
            this.pendingBytes += chunk.length;
            if (this.pendingBytes >= SPOOL_WRITE_BYTES)
                await this.flush();
        }
        return { offset, size: this.position - offset };
    }
    /** Everything written and flushed: ranges of it can be read. */
    async finish() {
        await this.flush();
        this.out.end();
        await Promise.race([(0,external_node_events_.once)(this.out, 'close'), this.failed]);
    }
    async abandon() {
        if (this.out.closed)
            return;
        this.out.destroy();
        await (0,external_node_events_.once)(this.out, 'close').catch(() => { });
    }
    async flush() {
        if (!this.pendingBytes)
            return;
        const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [];
        this.pendingBytes = 0;
        if (!this.out.write(data))
            await Promise.race([(0,external_node_events_.once)(this.out, 'drain'), this.failed]);
    }
}
/** What the spool gathers before one write. */
const SPOOL_WRITE_BYTES = 64 * 1024;
function notThePromisedBlob(where, shown, why) {
    return new errors/* ContentError */.yg(`${where}: entry ${shown} does not hold the blob its name promises (${why})`);
}
/**
 * The blobs and files of an archive while it is read, and its links, which are resolved into
 * more of the same once every entry has been seen.
 */
class ContentTables {
    where;
    blobs = new Map();
    files = new Map();
    links;
    constructor(where) {
        this.where = where;
        this.links = new ArchiveLinks(where);
    }
    /** Takes a directory or link entry, which has no body; false for an entry that has one. */
    structural(entry) {
        const name = normalizeEntryName(entry.name);
        if (entry.kind.kind === 'directory')
            this.links.directory(name);
        else if (entry.kind.kind === 'link') {
            this.links.link(name, entry.name, entry.kind);
            this.forget(entry.kind.as);
        }
        else
            return false;
        return true;
    }
    add(entry, stored) {
        const kind = entry.kind;
        if (kind.kind === 'blob')
            this.blobs.set(kind.digest, stored);
        else if (kind.kind === 'file')
            this.files.set(kind.name, stored);
        else
            return;
        this.links.regular(normalizeEntryName(entry.name));
    }
    finish(dispose) {
        const { blobs, files, where } = this;
        this.links.resolve({
            lookup: (name) => {
                const parts = name.split('/');
                if (parts.length === 3 && parts[0] === 'blobs')
                    return blobs.get(`${parts[1]}:${parts[2]}`);
                return files.get(name);
            },
            hasUnder: (name) => {
                const prefix = `${name}/`;
                for (const n of files.keys())
                    if (n.startsWith(prefix))
                        return true;
                for (const d of blobs.keys())
                    if (`blobs/${d.replace(':', '/')}`.startsWith(prefix))
                        return true;
                return false;
            },
        }, (as, entry, shown) => {
            if (as.kind === 'file') {
                files.set(as.name, entry);
                return;
            }
            // A spooled file was hashed on the way in; a file read by range is verified when it is read.
            if (entry.digest !== undefined && entry.digest !== as.digest)
                throw notThePromisedBlob(where, shown, `it links to content ${entry.digest}`);
            // An entry's open() may live on its prototype: wrap it, never spread it.
            blobs.set(as.digest, { size: entry.size, digest: as.digest, gzip: entry.gzip, open: () => entry.open() });
        });
        return { blobs, files, dispose };
    }
    /** A link replaces a regular entry of the same name that came before it. */
    forget(as) {
        if (as.kind === 'blob')
            this.blobs.delete(as.digest);
        else if (as.kind === 'file')
            this.files.delete(as.name);
    }
}
/** A gzip-compressed archive would otherwise fail with a puzzling tar header error. */
async function refuseCompressed(handle, where) {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (bytesRead === 2 && isGzipHead(head)) {
        throw new errors/* ContentError */.yg(`${where} is gzip-compressed: decompress it first (gunzip), an OCI archive is a plain tar`);
    }
}

// EXTERNAL MODULE: ./lib/src/oci/json.js
var json = __webpack_require__(83300);
;// CONCATENATED MODULE: ./lib/src/targets/archive/docker-save.js











/** Reads and checks an archive's `manifest.json`: every item has a Config and a list of Layers. */
async function readDockerManifestList(contents, where) {
    const listFile = contents.files.get(DOCKER_MANIFEST_FILE);
    if (!listFile)
        throw new errors/* NotFoundError */.m_(`${where} has no ${DOCKER_MANIFEST_FILE}`);
    const raw = await readEntry(listFile, media_types/* MAX_MANIFEST_BYTES */.ZJ, `${DOCKER_MANIFEST_FILE} in ${where}`);
    let items;
    try {
        items = (0,json/* parseBoundedJson */.Rj)(raw.toString('utf8'));
    }
    catch {
        throw new errors/* ContentError */.yg(`${DOCKER_MANIFEST_FILE} in ${where} is not valid JSON`);
    }
    if (!Array.isArray(items) || items.length === 0)
        throw new errors/* ContentError */.yg(`${DOCKER_MANIFEST_FILE} in ${where} lists no image`);
    return items.map((item) => {
        if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
            throw new errors/* ContentError */.yg(`${DOCKER_MANIFEST_FILE} in ${where} is malformed: an item lacks Config or Layers`);
        }
        const repoTags = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t) => typeof t === 'string') : [];
        return { config: item.Config, repoTags, layers: item.Layers };
    });
}
/**
 * Turns a `docker save` archive without `index.json` (Docker before 25, skopeo's docker-archive:,
 * or tools that write its format) into OCI images: a manifest per `manifest.json` item over the
 * config and layer files, digests computed by streaming them, tagged with the tags of its
 * `RepoTags` (the full name kept in the `io.containerd.image.name` annotation, as Docker 25 does).
 * The new manifests are added to `contents.blobs`; configs and layers are served from where they
 * sit in the archive. `roots[i]` is the image of item `i`.
 */
async function convertDockerSave(contents, items, where) {
    const index = (0,index_json/* emptyIndex */.gW)();
    const roots = [];
    for (const item of items) {
        const config = await describeFile(contents, item.config, where);
        const layers = [];
        for (const layer of item.layers) {
            const d = await describeFile(contents, layer, where);
            layers.push({ mediaType: d.gzip ? media_types/* MediaType */.zu.OciLayerGzip : media_types/* MediaType */.zu.OciLayer, digest: d.digest, size: d.size });
        }
        const manifest = {
            schemaVersion: 2,
            mediaType: media_types/* MediaType */.zu.OciManifest,
            config: { mediaType: media_types/* MediaType */.zu.OciConfig, digest: config.digest, size: config.size },
            layers,
        };
        const bytes = Buffer.from(JSON.stringify(manifest));
        const digest = (0,oci_digest/* digestOf */.ol)(bytes);
        contents.blobs.set(digest, bytesEntry(bytes, digest));
        const root = { mediaType: media_types/* MediaType */.zu.OciManifest, digest, size: bytes.byteLength };
        if (item.repoTags.length === 0)
            index.manifests.push(root);
        for (const name of item.repoTags) {
            index.manifests.push({
                ...root,
                annotations: { [descriptor/* ANNOTATION_IMAGE_NAME */.uq]: (0,image_name/* normalizeImageName */.Y2)(name) ?? name, [descriptor/* ANNOTATION_REF_NAME */._0]: (0,image_name/* tagOfImageName */.MF)(name) },
            });
        }
        roots.push(withItemName(root, item));
    }
    return { index, roots };
}
/** The descriptor named by the item's first tag, so that what is copied from it keeps its name. */
function withItemName(desc, item) {
    const name = item.repoTags.map(image_name/* normalizeImageName */.Y2).find((n) => n !== undefined);
    return name ? { ...desc, annotations: { ...desc.annotations, [descriptor/* ANNOTATION_IMAGE_NAME */.uq]: name } } : desc;
}
/** The digest of a file `manifest.json` names (`blobs/sha256/<hex>` says it; any other is hashed). */
async function digestOfListedFile(contents, name, where) {
    return (await describeFile(contents, name, where)).digest;
}
async function describeFile(contents, name, where) {
    const normalized = normalizeEntryName(name);
    const blobDigest = normalized.startsWith('blobs/') ? normalized.slice(6).replace('/', ':') : undefined;
    let entry = blobDigest && (0,oci_digest/* isDigest */.Bc)(blobDigest) ? contents.blobs.get(blobDigest) : contents.files.get(normalized);
    if (!entry)
        throw new errors/* NotFoundError */.m_(`${DOCKER_MANIFEST_FILE} in ${where} names ${(0,oci_text/* quoted */.TL)(name)}, which is not in the archive`);
    const { digest, gzip } = await describeEntry(entry);
    if (blobDigest && digest !== blobDigest) {
        throw new errors/* ContentError */.yg(`${where}: entry ${(0,oci_text/* quoted */.TL)(name)} does not hold the blob its name promises (got ${digest})`);
    }
    // Serve the file as the blob it now is, and hash it once however many images share it (an
    // entry's open() may live on its prototype: wrap it, never spread it).
    const file = entry;
    entry = { size: file.size, digest, gzip, open: () => file.open() };
    if (!blobDigest)
        contents.files.set(normalized, entry);
    if (!contents.blobs.has(digest))
        contents.blobs.set(digest, entry);
    return { digest, size: entry.size, gzip };
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/reader.js
















/**
 * Opens an OCI or docker archive file for reading. A regular file is indexed once and read by byte
 * range; a pipe or device (`/dev/stdin`) is spooled as a stream would be.
 */
async function openArchiveFile(path, options = {}) {
    const description = options.description ?? `[oci-archive] ${(0,oci_text/* printable */.g$)(path)}`;
    const info = await (0,promises_.stat)(path).catch((err) => {
        if (err.code === 'ENOENT')
            throw new errors/* NotFoundError */.m_(`${description} does not exist`);
        throw err;
    });
    if (info.isDirectory())
        throw new errors/* ContentError */.yg(`${description} is a directory: use oci:${(0,oci_text/* printable */.g$)(path)} for an OCI layout directory`);
    if (!info.isFile()) {
        return openArchiveStream((0,external_node_fs_.createReadStream)(path), { description });
    }
    return OciArchiveReader.fromContents(await indexArchiveFile(path, description), description);
}
/** Reads an OCI archive from a stream (stdin, a socket, an HTTP body), spooling it while verifying. */
async function openArchiveStream(input, options = {}) {
    const description = options.description ?? '[oci-archive] stream';
    return OciArchiveReader.fromContents(await spoolArchive(input, description, options.tempDir), description);
}
/**
 * A read-only target over an OCI image-layout archive (skopeo, containerd, Docker 25+ and this
 * project write them), or over a legacy `docker save` archive converted on the fly. Besides tags
 * and digests, `resolve` takes a full image name (`docker.io/library/app:1.2`) and `@N`, the N-th
 * image of `manifest.json`, as skopeo's `docker-archive:` does.
 */
class OciArchiveReader {
    description;
    contents;
    index;
    itemRoots;
    finder;
    items;
    constructor(description, contents, index, 
    /** The image of each `manifest.json` item, when the archive was converted from one. */
    itemRoots) {
        this.description = description;
        this.contents = contents;
        this.index = index;
        this.itemRoots = itemRoots;
        this.finder = new referrer_entries/* ReferrerFinder */.Q(async (desc) => {
            const entry = contents.blobs.get(desc.digest);
            return entry && readEntry(entry, media_types/* MAX_MANIFEST_BYTES */.ZJ, `manifest ${desc.digest} in ${description}`);
        }, description);
    }
    static async fromContents(contents, description) {
        try {
            const { index, roots } = await readIndex(contents, description);
            return new OciArchiveReader(description, contents, index, roots);
        }
        catch (err) {
            await contents.dispose();
            throw err;
        }
    }
    /** Whether the archive has a `manifest.json` (a docker archive), which rewriting it keeps. */
    get hasDockerManifest() {
        return this.contents.files.has(DOCKER_MANIFEST_FILE);
    }
    async resolve(selector) {
        if (selector !== undefined && /^@[0-9]+$/.test(selector))
            return this.resolveItem(Number(selector.slice(1)), selector);
        try {
            return await this.findRoot(selector);
        }
        catch (err) {
            // A name index.json does not carry may still be among manifest.json's RepoTags.
            if (!(err instanceof errors/* NotFoundError */.m_) || selector === undefined || (0,reference/* isTag */.dz)(selector) || (0,oci_digest/* isDigest */.Bc)(selector) || !this.hasDockerManifest)
                throw err;
            const items = await this.dockerItems();
            const at = items.findIndex((item) => item.repoTags.some((t) => (0,image_name/* sameImageName */.ph)(t, selector)));
            if (at < 0)
                throw err;
            return this.resolveItem(at, selector);
        }
    }
    findRoot(selector) {
        return (0,index_json/* findRoot */.wg)(this.index, selector, this.description, async (digest) => {
            const entry = this.contents.blobs.get(digest);
            if (!entry || entry.size > media_types/* MAX_MANIFEST_BYTES */.ZJ)
                return undefined;
            return (0,index_json/* sniffManifest */.Q2)(await readEntry(entry, media_types/* MAX_MANIFEST_BYTES */.ZJ, digest), digest);
        }, (entry) => this.isAttached(entry));
    }
    dockerItems() {
        this.items ??= readDockerManifestList(this.contents, this.description);
        return this.items;
    }
    /**
     * The image of `manifest.json` item `n`: the converted one, or the manifest in index.json (or
     * under one of its indexes) whose config the item names.
     */
    async resolveItem(n, shown) {
        shown = (0,oci_text/* printable */.g$)(shown);
        if (!this.hasDockerManifest) {
            throw new errors/* NotFoundError */.m_(`${shown} picks an image of a docker archive's ${DOCKER_MANIFEST_FILE}, which ${this.description} does not have: name the image by tag or digest`);
        }
        const items = await this.dockerItems();
        if (n >= items.length)
            throw new errors/* NotFoundError */.m_(`${shown} is not in ${this.description}: its ${DOCKER_MANIFEST_FILE} lists ${items.length} image(s), @0 to @${items.length - 1}`);
        const item = items[n];
        if (this.itemRoots)
            return this.itemRoots[n];
        const config = await digestOfListedFile(this.contents, item.config, this.description);
        const read = async (d) => {
            const entry = this.contents.blobs.get(d.digest);
            return entry && entry.size <= media_types/* MAX_MANIFEST_BYTES */.ZJ
                ? readEntry(entry, media_types/* MAX_MANIFEST_BYTES */.ZJ, `manifest ${d.digest} in ${this.description}`)
                : undefined;
        };
        for (const root of this.index.manifests) {
            const candidates = (0,media_types/* isIndex */.nw)(root.mediaType) ? await childrenOf(root, read) : [root];
            for (const c of candidates) {
                const bytes = (0,media_types/* isImageManifest */.pJ)(c.mediaType) ? await read(c) : undefined;
                if (bytes && (0,oci_manifest/* parseImageManifest */.Sw)(bytes, `manifest ${c.digest}`).config?.digest === config)
                    return withItemName((0,descriptor/* plainDescriptor */.UM)(c), item);
            }
        }
        throw new errors/* NotFoundError */.m_(`${shown} in ${this.description}: no manifest in ${index_json/* INDEX_FILE */.K$} has the config ${config} that ${DOCKER_MANIFEST_FILE} names`);
    }
    /** What refers to `subject`: manifests listed in index.json whose subject it is, or its `sha256-<hex>` index. */
    async referrers(subject, artifactType) {
        return this.finder.referrers(this.index, subject, artifactType);
    }
    /** Whether an index entry is a referrer (or a referrers index) rather than an image of its own. */
    isAttached(entry) {
        return this.finder.isAttached(entry);
    }
    async tags() {
        return (0,index_json/* indexTags */._r)(this.index);
    }
    async readTag(tag) {
        return (0,index_json/* taggedEntry */.lX)(this.index, tag);
    }
    async fetch(desc) {
        const entry = this.contents.blobs.get(desc.digest);
        if (!entry)
            throw new errors/* NotFoundError */.m_(`blob ${desc.digest} is missing from ${this.description}`);
        if (entry.size !== desc.size) {
            throw new errors/* ContentError */.yg(`blob ${desc.digest} in ${this.description} is ${entry.size} bytes, not the ${desc.size} its descriptor says`);
        }
        return entry.open();
    }
    async exists(desc) {
        return this.contents.blobs.get(desc.digest)?.size === desc.size;
    }
    /** Every blob the archive holds, to carry them over when the archive is rewritten. */
    blobs() {
        return [...this.contents.blobs].map(([digest, e]) => ({ digest, size: e.size, open: () => e.open() }));
    }
    async close(_outcome) {
        await this.contents.dispose();
    }
}
async function childrenOf(index, read) {
    const bytes = await read(index);
    return bytes ? (0,oci_manifest/* parseIndex */.A1)(bytes, `index ${index.digest}`).manifests : [];
}
async function readIndex(contents, where) {
    const layout = contents.files.get(index_json/* OCI_LAYOUT_FILE */.u2);
    const index = contents.files.get(index_json/* INDEX_FILE */.K$);
    if (index) {
        if (layout)
            (0,index_json/* checkOciLayout */.Gh)(await readEntry(layout, 64 * 1024, `${index_json/* OCI_LAYOUT_FILE */.u2} in ${where}`), where);
        return { index: (0,index_json/* parseLayoutIndex */.SP)(await readEntry(index, media_types/* MAX_MANIFEST_BYTES */.ZJ, `${index_json/* INDEX_FILE */.K$} in ${where}`), where) };
    }
    if (contents.files.has(DOCKER_MANIFEST_FILE))
        return convertDockerSave(contents, await readDockerManifestList(contents, where), where);
    throw new errors/* ContentError */.yg(`${where} has no ${index_json/* INDEX_FILE */.K$} (nor a docker save ${DOCKER_MANIFEST_FILE}): it is not an OCI archive`);
}

// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
;// CONCATENATED MODULE: ./lib/src/targets/archive/ustar.js
/** A tar block: headers are one, bodies are padded to whole ones. */
const TAR_BLOCK = 512;
/** Two zero blocks end an archive. */
const END_OF_ARCHIVE = Buffer.alloc(2 * TAR_BLOCK);
/** Octal size fields hold 11 digits; anything larger is written in GNU base-256. */
const MAX_OCTAL_SIZE = 0o77777777777;
const NAME_FIELD = 100;
/** The zero bytes after a body of `size` bytes, up to the next block. */
function paddingFor(size) {
    return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}
/**
 * The header of a regular file (mode 0644, owner 0:0): one ustar block, preceded by a pax
 * extended header carrying the name when the name does not fit the ustar field (a sha512 blob).
 * Its length plus the body and its padding is all an entry takes, so it can be reserved up front.
 */
function fileHeader(name, size, mtime) {
    const seconds = Math.floor(mtime.getTime() / 1000);
    if (Buffer.byteLength(name) <= NAME_FIELD)
        return ustarBlock(name, size, seconds, '0');
    const record = paxRecord('path', name);
    const paxName = `PaxHeaders/${name.slice(-(NAME_FIELD - 'PaxHeaders/'.length))}`;
    const body = Buffer.alloc(record.length + paddingFor(record.length));
    record.copy(body);
    return Buffer.concat([ustarBlock(paxName, record.length, seconds, 'x'), body, ustarBlock(name.slice(-NAME_FIELD), size, seconds, '0')]);
}
/** The whole entry for a small file: header, body, padding. */
function fileEntry(name, content, mtime) {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    return Buffer.concat([fileHeader(name, body.length, mtime), body, Buffer.alloc(paddingFor(body.length))]);
}
function ustarBlock(name, size, mtime, typeflag) {
    const block = Buffer.alloc(TAR_BLOCK);
    block.write(name, 0, NAME_FIELD, 'utf8');
    octal(block, 100, 8, 0o644);
    octal(block, 108, 8, 0);
    octal(block, 116, 8, 0);
    if (size <= MAX_OCTAL_SIZE)
        octal(block, 124, 12, size);
    else
        base256(block, 124, 12, size);
    octal(block, 136, 12, mtime);
    block.write(typeflag, 156, 1, 'latin1');
    block.write('ustar\0', 257, 6, 'latin1');
    block.write('00', 263, 2, 'latin1');
    octal(block, 329, 8, 0);
    octal(block, 337, 8, 0);
    // The checksum is summed with its own field read as eight spaces.
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block)
        sum += byte;
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
    return block;
}
/** Zero-padded octal digits and a NUL, filling the field. */
function octal(block, at, width, value) {
    block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'latin1');
}
function base256(block, at, width, value) {
    let rest = value;
    for (let i = at + width - 1; i > at; i--) {
        block[i] = rest % 256;
        rest = Math.floor(rest / 256);
    }
    block[at] = 0x80;
}
/** `<length> <key>=<value>\n`, the length counting its own digits. */
function paxRecord(key, value) {
    const tail = ` ${key}=${value}\n`;
    const tailLength = Buffer.byteLength(tail);
    let length = tailLength + 1;
    while (String(length).length + tailLength !== length)
        length = String(length).length + tailLength;
    return Buffer.from(`${length}${tail}`, 'utf8');
}

// EXTERNAL MODULE: ./lib/src/targets/layout/blob-files.js
var blob_files = __webpack_require__(12901);
// EXTERNAL MODULE: ./lib/src/oci/platform.js
var oci_platform = __webpack_require__(56993);
// EXTERNAL MODULE: ./lib/src/oci/referrer-kinds.js
var referrer_kinds = __webpack_require__(36055);
;// CONCATENATED MODULE: ./lib/src/targets/archive/docker-manifest.js








const LINUX_AMD64 = { os: 'linux', architecture: 'amd64' };
const IMAGE_CONFIG_TYPES = [media_types/* MediaType */.zu.OciConfig, media_types/* MediaType */.zu.DockerConfig];
/**
 * The `manifest.json` of an archive's index: one item per image, its tags in docker's familiar
 * spelling (`app:1.2`, `example.com/app:1.2`), its config and layers named by their blob entries.
 * An index stands for one of its images, as `docker load` can take only one: the platform the
 * export asked for, else linux/amd64 when present, else the first, of those the archive holds.
 * Referrers and artifacts (whose config is no image config) are not images and are left out, as
 * are images the archive does not hold whole (skopeo's `--multi-arch index-only` writes an index
 * without its children): docker could not load them. `index.json` still lists them all.
 */
async function dockerManifestList(index, source) {
    const items = [];
    const byDigest = new Map();
    for (const entry of index.manifests) {
        // cosign's `sha256-<hex>.sig` tags and referrers are attachments of an image, not images.
        if ((0,referrer_kinds/* isAttachmentTag */.uE)(entry.annotations?.[descriptor/* ANNOTATION_REF_NAME */._0]) || (await source.isAttached(entry)))
            continue;
        const image = await imageOf(entry, source);
        if (!image)
            continue;
        let item = byDigest.get(image.digest);
        if (!item) {
            item = {
                Config: blobEntryName(image.manifest.config.digest),
                RepoTags: [],
                Layers: (image.manifest.layers ?? []).map((l) => blobEntryName(l.digest)),
            };
            byDigest.set(image.digest, item);
            items.push(item);
        }
        const name = (0,image_name/* imageNameOf */.mi)(entry);
        const full = name === undefined ? undefined : (0,image_name/* normalizeImageName */.Y2)(name);
        if (full && !item.RepoTags.includes((0,image_name/* familiarImageName */.w7)(full)))
            item.RepoTags.push((0,image_name/* familiarImageName */.w7)(full));
    }
    return items;
}
async function imageOf(entry, source) {
    if (!(await source.has(entry)))
        return undefined;
    let chosen = entry;
    if ((0,media_types/* isIndex */.nw)(entry.mediaType)) {
        const children = (0,oci_manifest/* parseIndex */.A1)(await source.read(entry), `index ${entry.digest}`).manifests;
        const held = [];
        for (const child of children)
            if (await source.has(child))
                held.push(child);
        const pick = dockerImageOf(held, source.platformOf(entry));
        if (!pick)
            return undefined;
        chosen = pick;
    }
    if (!(0,media_types/* isImageManifest */.pJ)(chosen.mediaType))
        return undefined;
    const manifest = (0,oci_manifest/* parseImageManifest */.Sw)(await source.read(chosen), `manifest ${chosen.digest}`);
    if (!IMAGE_CONFIG_TYPES.includes(manifest.config.mediaType))
        return undefined;
    // Layers with foreign `urls` are never copied: they are listed whether or not they are held.
    const copied = [manifest.config, ...(manifest.layers ?? []).filter((l) => !l.urls?.length)];
    for (const blob of copied)
        if (!(await source.has(blob)))
            return undefined;
    return { digest: chosen.digest, manifest };
}
/** The image of an index that docker is given: attestation manifests (`unknown/unknown`) never count. */
function dockerImageOf(children, wanted) {
    const images = children.filter((c) => (0,media_types/* isImageManifest */.pJ)(c.mediaType) && c.platform?.os !== 'unknown');
    for (const platform of [wanted, LINUX_AMD64]) {
        const match = platform && images.find((c) => (0,oci_platform/* platformMatches */.J5)(platform, c.platform));
        if (match)
            return match;
    }
    return images[0];
}
/**
 * What is worth saying of a root in a docker archive: which image of an index its `manifest.json`
 * lists (docker load takes one), and, as a warning, that it could name the image nothing, so that
 * `manifest.json` says `RepoTags: []` and loaders make up a name or none.
 */
async function dockerStoreNotes(root, facts) {
    const notes = [];
    if ((0,media_types/* isIndex */.nw)(root.mediaType)) {
        const children = (0,oci_manifest/* parseIndex */.A1)(await facts.read(root), `index ${root.digest}`).manifests;
        const chosen = dockerImageOf(children, facts.platform);
        if (!chosen)
            return notes;
        const name = chosen.platform ? (0,oci_platform/* formatPlatform */.Bq)(chosen.platform) : chosen.digest;
        notes.push({
            message: `manifest.json lists ${(0,oci_text/* printable */.g$)(name)} (${chosen.digest}), the one image of the index docker load takes; index.json keeps all ${children.length} for other loaders`,
        });
    }
    else if (!(0,media_types/* isImageManifest */.pJ)(root.mediaType)) {
        return notes;
    }
    const tag = facts.unnamedTags[0];
    if (tag !== undefined) {
        notes.push({
            level: 'warning',
            message: `manifest.json names no image for ${root.digest} (RepoTags: []): the destination names none and the source has no repository, ` +
                `so docker load leaves it untagged and podman calls it localhost/${(0,oci_text/* printable */.g$)(tag)}:latest; name it in the destination (docker-archive:PATH:NAME:TAG)`,
        });
    }
    return notes;
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/writer-base.js










/**
 * What every archive writer shares: the index, the tags, which blobs are written, and referrers.
 * A pushed manifest with a `subject` (a signature, an SBOM) is listed in `index.json` untagged, so
 * a reader finds it among the referrers of its subject. How bytes reach the tar is the subclass's.
 *
 * Blob content is not hashed here: the copy engine hands every push a verifying stream that errors
 * instead of ending when the bytes are wrong (the Target contract), and a writer commits the archive
 * only when the export succeeds. The writer only counts bytes, since the tar's framing depends on them.
 */
class ArchiveWriterBase {
    description;
    base;
    mtime = new Date();
    index;
    /** Digests in the tar, or being written to it. */
    stored = new Set();
    /** Referrers this export listed in the index. */
    referrerDigests = new Set();
    dockerManifest;
    imageRepository;
    /** Manifests this export wrote, kept (they are small) for `manifest.json`; none without one. */
    manifests = new Map();
    /** The platform asked for, by the digest of a root this export tagged. */
    platforms = new Map();
    /** The tags of a root this export could give no image name, by the root's digest. */
    unnamed = new Map();
    failure;
    closed = false;
    constructor(options, defaultDescription) {
        this.description = options.description ?? defaultDescription;
        this.base = options.base;
        this.index = options.base ? structuredClone(options.base.index) : (0,index_json/* emptyIndex */.gW)();
        this.dockerManifest = options.dockerManifest ?? options.base?.hasDockerManifest ?? false;
        if (options.image)
            this.imageRepository = (0,image_name/* repositoryOfImageName */.W7)(options.image);
    }
    async resolve(selector) {
        return (0,index_json/* findRoot */.wg)(this.index, selector, this.description, async (digest) => {
            const listed = this.base?.index.manifests.find((d) => d.digest === digest);
            return listed ?? (this.base ? this.base.resolve(digest).catch(() => undefined) : undefined);
        }, async (entry) => this.referrerDigests.has(entry.digest) || ((await this.base?.isAttached(entry)) ?? false));
    }
    async tags() {
        return (0,index_json/* indexTags */._r)(this.index);
    }
    async readTag(tag, context) {
        return (0,index_json/* taggedEntry */.lX)(this.index, tag, (0,index_json/* imageNameFor */.qc)(tag, this.imageRepository ?? context?.repository));
    }
    async fetch(desc) {
        if (this.base && (await this.base.exists(desc)))
            return this.base.fetch(desc);
        throw new errors/* NotFoundError */.m_(`blob ${desc.digest} cannot be read back from ${this.description}: it is being written as a stream`);
    }
    async exists(desc) {
        return this.stored.has(desc.digest) || (this.base !== undefined && (await this.base.exists(desc)));
    }
    async push(desc, content) {
        this.checkUsable();
        if ((0,media_types/* isManifest */.Yh)(desc.mediaType) && desc.size <= media_types/* MAX_MANIFEST_BYTES */.ZJ) {
            // A manifest is small: held whole, it can be listed in the index when it is a referrer.
            const bytes = await (0,blob_files/* readManifestBytes */.DK)(content, desc);
            (0,oci_digest/* verifyBytes */.RV)(bytes, desc);
            await this.pushBlob(desc, external_node_stream_.Readable.from([bytes]));
            if (this.dockerManifest)
                this.manifests.set(desc.digest, bytes);
            const entry = (0,referrer_entries/* referrerEntry */.o)(desc, bytes);
            if (entry) {
                this.index = (0,index_json/* withReference */.ON)(this.index, entry, entry.digest);
                this.referrerDigests.add(entry.digest);
            }
            return;
        }
        await this.pushBlob(desc, content);
    }
    async pushBlob(desc, content) {
        if (await this.exists(desc)) {
            await (0,blob_files/* drain */.Ze)(content);
            return;
        }
        this.stored.add(desc.digest);
        try {
            await this.writeBlob(desc, content);
        }
        catch (err) {
            this.stored.delete(desc.digest);
            throw err;
        }
    }
    /** Tags `desc`, naming it `<repository>:<tag>` for loaders: its own image's repository, else the source's. */
    async tag(desc, reference, context) {
        this.checkUsable();
        if (!(await this.exists(desc))) {
            throw new errors/* NotFoundError */.m_(`cannot tag ${desc.digest} in ${this.description}: the manifest was not written to it`);
        }
        const imageName = (0,index_json/* imageNameFor */.qc)(reference, this.imageRepository ?? context?.repository);
        this.index = (0,index_json/* withReference */.ON)(this.index, desc, reference, imageName);
        if (context?.platform)
            this.platforms.set(desc.digest, context.platform);
        if (imageName === undefined && !(0,oci_digest/* isDigest */.Bc)(reference))
            this.unnamed.set(desc.digest, [...(this.unnamed.get(desc.digest) ?? []), reference]);
    }
    /** For a docker archive, what `docker load` will make of `root` (see `dockerStoreNotes`). */
    async storeNotes(root) {
        if (!this.dockerManifest)
            return [];
        return dockerStoreNotes(root, {
            read: (desc) => this.readManifest(desc),
            platform: this.platforms.get(root.digest),
            unnamedTags: this.unnamed.get(root.digest) ?? [],
        });
    }
    checkUsable() {
        if (this.closed)
            throw new errors/* ContentError */.yg(`${this.description} is already closed`);
        if (this.failure)
            throw this.failure;
    }
    /**
     * Writes every blob of the archive this export extends that it does not hold yet. Those bytes
     * come from a file, not through the engine, so they are verified here.
     */
    async carryOverBase() {
        if (!this.base)
            return;
        for (const blob of this.base.blobs()) {
            if (this.stored.has(blob.digest))
                continue;
            this.stored.add(blob.digest);
            const verified = new oci_digest/* VerifyingStream */.SC(blob);
            const source = blob.open();
            source.on('error', (err) => verified.destroy(err));
            await this.writeBlob(blob, source.pipe(verified));
        }
    }
    /** The files that end the archive, once every blob is in: `index.json`, and `manifest.json` when written. */
    async closingFiles() {
        const files = [[index_json/* INDEX_FILE */.K$, (0,index_json/* serializeIndex */.Jt)(this.index)]];
        if (!this.dockerManifest)
            return files;
        const items = await dockerManifestList(this.index, {
            read: (desc) => this.readManifest(desc),
            isAttached: async (entry) => this.referrerDigests.has(entry.digest) || ((await this.base?.isAttached(entry)) ?? false),
            platformOf: (entry) => this.platforms.get(entry.digest),
            has: (desc) => this.exists(desc),
        });
        files.push([DOCKER_MANIFEST_FILE, Buffer.from(`${JSON.stringify(items)}\n`)]);
        return files;
    }
    async readManifest(desc) {
        const held = this.manifests.get(desc.digest);
        if (held)
            return held;
        if (!this.base || !(await this.base.exists(desc)))
            throw new errors/* NotFoundError */.m_(`manifest ${desc.digest} is not in ${this.description}`);
        if (desc.size > media_types/* MAX_MANIFEST_BYTES */.ZJ)
            throw new errors/* ContentError */.yg(`manifest ${desc.digest} in ${this.description} is ${desc.size} bytes, over the limit of ${media_types/* MAX_MANIFEST_BYTES */.ZJ}`);
        const bytes = await (0,blob_files/* readManifestBytes */.DK)(await this.base.fetch(desc), desc);
        (0,oci_digest/* verifyBytes */.RV)(bytes, desc);
        return bytes;
    }
}
/**
 * Yields `content`'s chunks, failing when it brings more or fewer than `size` bytes: the tar's
 * framing depends on the count, whatever verified the bytes themselves.
 */
async function* countedChunks(content, desc) {
    let seen = 0;
    for await (const chunk of content) {
        const buf = chunk;
        seen += buf.length;
        if (seen > desc.size) {
            content.destroy();
            throw new errors/* ContentError */.yg(`size mismatch for ${desc.digest}: more than the expected ${desc.size} bytes`);
        }
        yield buf;
    }
    if (seen !== desc.size)
        throw new errors/* ContentError */.yg(`size mismatch for ${desc.digest}: expected ${desc.size} bytes, got ${seen}`);
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/file-writer.js










/**
 * Bytes gathered from a blob's chunks into one write, and bytes of one blob handed to the file and
 * not yet written before the next chunk is read. Eight blobs at once hold eight times both: at
 * 1 MB and 4 MB, the action exporting a 1.15 GB image peaked at 130 MB on Node 24 (3 × 64 MB: 125 MB);
 * at 256 and 512 KB, 118 MB (108 MB) in the same time: a 256 KB write is still only a few hundred
 * calls a second, and the page cache takes each at once.
 */
const WRITE_BATCH = 256 * 1024;
const WRITE_WINDOW = 512 * 1024;
/**
 * Exports to an archive file. Every entry's length is known before its bytes arrive (a descriptor
 * gives the size), so each push reserves its own region of the file at once and writes its header
 * and body there at their offsets, while other pushes write theirs. Blobs that arrive together are
 * each written once, straight from their source, and none waits for another. `index.json` and the
 * end of the archive are appended when the export succeeds.
 *
 * The archive is a temporary file beside the destination, renamed over it only on success: a failed
 * export leaves nothing under the destination's name and an existing archive there untouched.
 */
class OciArchiveFileWriter extends ArchiveWriterBase {
    file;
    temp;
    target;
    /** Where the next reserved region starts. */
    end = 0;
    writing = new Set();
    constructor(file, temp, target, options) {
        super(options, `[oci-archive] ${target}`);
        this.file = file;
        this.temp = temp;
        this.target = target;
    }
    /** Writes `oci-layout`, the first entry. */
    async start() {
        await this.append(fileEntry(index_json/* OCI_LAYOUT_FILE */.u2, index_json/* OCI_LAYOUT_CONTENT */.vS, this.mtime));
    }
    async writeBlob(desc, content) {
        const header = fileHeader(blobEntryName(desc.digest), desc.size, this.mtime);
        const start = this.reserve(header.length + desc.size + paddingFor(desc.size));
        const written = this.writeRegion(start, header, desc, content);
        this.writing.add(written);
        try {
            await written;
        }
        catch (err) {
            // The region is left half written: the tar is no longer whole, so the export cannot succeed.
            this.failure ??= err;
            throw err;
        }
        finally {
            this.writing.delete(written);
        }
    }
    async writeRegion(start, header, desc, content) {
        await this.writeAt([header], start);
        let position = start + header.length;
        // Chunks are gathered into batches written with one call each (fewer system calls, no copying),
        // and a few batches in flight overlap the disk with the download; the window bounds the memory.
        const pending = new Set();
        let pendingBytes = 0;
        let writeError;
        let batch = [];
        let batchBytes = 0;
        const flush = () => {
            const [buffers, length, at] = [batch, batchBytes, position];
            position += length;
            pendingBytes += length;
            batch = [];
            batchBytes = 0;
            const write = this.writeAt(buffers, at)
                .catch((err) => void (writeError ??= err))
                .finally(() => {
                pendingBytes -= length;
                pending.delete(write);
            });
            pending.add(write);
        };
        try {
            for await (const chunk of countedChunks(content, desc)) {
                if (writeError !== undefined)
                    throw writeError;
                if (this.failure)
                    throw this.failure;
                batch.push(chunk);
                batchBytes += chunk.length;
                if (batchBytes >= WRITE_BATCH)
                    flush();
                while (pendingBytes > WRITE_WINDOW)
                    await Promise.race(pending);
            }
            const padding = paddingFor(desc.size);
            if (padding) {
                batch.push(Buffer.alloc(padding));
                batchBytes += padding;
            }
            if (batchBytes)
                flush();
        }
        finally {
            // Every started write settles before the region is called done or the file is closed.
            await Promise.all([...pending]);
        }
        if (writeError !== undefined)
            throw writeError;
    }
    /** Writes `buffers` one after another from `position`, however many calls the system needs. */
    async writeAt(buffers, position) {
        let rest = buffers;
        let at = position;
        while (rest.length) {
            const { bytesWritten } = await this.file.writev(rest, at);
            at += bytesWritten;
            let skip = bytesWritten;
            while (rest.length && skip >= rest[0].length) {
                skip -= rest[0].length;
                rest = rest.slice(1);
            }
            if (skip)
                rest = [rest[0].subarray(skip), ...rest.slice(1)];
        }
    }
    reserve(length) {
        const start = this.end;
        this.end += length;
        return start;
    }
    append(bytes) {
        return this.writeAt([bytes], this.reserve(bytes.length));
    }
    async close(outcome) {
        if (this.closed)
            return;
        try {
            if (outcome === 'success') {
                await this.settleWrites();
                if (this.failure)
                    throw this.failure;
                await this.carryOverBase();
                this.closed = true;
                for (const [name, content] of await this.closingFiles())
                    await this.append(fileEntry(name, content, this.mtime));
                await this.append(END_OF_ARCHIVE);
                await this.file.close();
                await (0,promises_.rename)(this.temp, this.target);
            }
            else {
                this.closed = true;
                this.failure ??= new errors/* ContentError */.yg(`export to ${this.description} failed`);
                await this.settleWrites();
                await this.file.close();
                await (0,promises_.rm)(this.temp, { force: true });
            }
        }
        catch (err) {
            this.closed = true;
            this.failure ??= err;
            await this.settleWrites();
            await this.file.close().catch(() => undefined);
            await (0,promises_.rm)(this.temp, { force: true });
            throw err instanceof errors/* OciCopyError */.vW ? err : new errors/* ContentError */.yg(`writing ${this.description}: ${err.message}`);
        }
        finally {
            (0,partial_files/* untrackPartial */.Cb)(this.temp);
            await this.base?.close(outcome);
        }
    }
    async settleWrites() {
        while (this.writing.size)
            await Promise.allSettled([...this.writing]);
    }
}
/**
 * Exports to a file. The archive is written to a temporary file beside `path` and renamed over it
 * only when the export succeeds, so a failed export leaves no half-written archive under that name.
 * When `path` already holds an archive (OCI or docker), the new one keeps its blobs and tags and
 * adds the new ones.
 */
async function openArchiveFileWriter(path, options = {}) {
    const target = (0,external_node_path_.resolve)(path);
    const description = options.description ?? `[oci-archive] ${(0,oci_text/* printable */.g$)(path)}`;
    const existing = await (0,promises_.stat)(target).catch(() => undefined);
    if (existing?.isDirectory())
        throw new errors/* ContentError */.yg(`${description} is a directory: use oci:${(0,oci_text/* printable */.g$)(path)} to export into an OCI layout directory`);
    const base = existing?.isFile() && existing.size > 0 ? await openArchiveFile(path, { description }) : undefined;
    // What an earlier, interrupted export of this archive left goes; then this one's own partial file.
    await (0,partial_files/* sweepPartials */.tK)((0,external_node_path_.dirname)(target), (0,external_node_path_.basename)(target));
    const temp = (0,partial_files/* partialPath */.Dn)((0,external_node_path_.dirname)(target), (0,external_node_path_.basename)(target));
    let file;
    try {
        (0,partial_files/* trackPartial */.Pf)(temp);
        file = await (0,promises_.open)(temp, 'wx');
        const writer = new OciArchiveFileWriter(file, temp, target, { ...options, description, base });
        await writer.start();
        return writer;
    }
    catch (err) {
        await file?.close().catch(() => undefined);
        if (file)
            await (0,promises_.rm)(temp, { force: true });
        (0,partial_files/* untrackPartial */.Cb)(temp);
        await base?.close('failure');
        throw err instanceof errors/* OciCopyError */.vW ? err : new errors/* ContentError */.yg(`writing ${description}: ${err.message}`);
    }
}

;// CONCATENATED MODULE: ./lib/src/targets/archive/writer.js















/** Bytes of blobs that may be queued for the tar before a new push is spooled to disk instead. */
const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** How much of the tar is buffered ahead of its consumer. */
const STREAM_BUFFER = 1024 * 1024;
/**
 * Exports to an OCI image-layout archive, written as one sequential tar stream (a pipe, stdout):
 * `oci-layout`, then each blob as it is pushed, then `index.json` (and `manifest.json` for a docker
 * archive) when the export succeeds. Nothing else goes in. Exporting to a file writes blobs side by side instead (`openArchiveFileWriter`).
 *
 * Pushes come concurrently but a stream is sequential. A push queues for the tar while the bytes
 * ahead of it are few (a config behind a layer); one that would wait behind many is spooled to a
 * temporary file and appended when the tar is free. Spooling rather than holding pushes back keeps
 * fetches concurrent (a source connection left waiting minutes for its turn may be dropped) and never
 * holds a blob in memory; it costs disk only for blobs that arrive faster than the tar is consumed.
 *
 * A failed export (`close('failure')`, or a bad blob written straight in) ends `stream` with an
 * error, so no consumer can take a half-written archive for a whole one.
 */
class OciArchiveWriter extends ArchiveWriterBase {
    /** The archive's bytes. Read it (or give a `sink`): pushes wait while it is not consumed. */
    stream;
    out;
    spoolParent;
    maxQueuedBytes;
    delivered;
    tail = Promise.resolve();
    /** Bytes of queued and in-progress entries not yet handed to the stream. */
    queuedBytes = 0;
    spoolDir;
    constructor(options = {}) {
        super(options, '[oci-archive] stream');
        this.spoolParent = options.spoolParent ?? (0,external_node_os_.tmpdir)();
        this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
        this.out = new external_node_stream_.PassThrough({ highWaterMark: STREAM_BUFFER });
        this.stream = this.out;
        this.delivered = options.sink ? (0,external_node_stream_promises_.pipeline)(this.out, options.sink) : (0,external_node_stream_promises_.finished)(this.out);
        this.delivered.catch(() => undefined);
        this.out.write(fileEntry(index_json/* OCI_LAYOUT_FILE */.u2, index_json/* OCI_LAYOUT_CONTENT */.vS, this.mtime));
    }
    async writeBlob(desc, content) {
        if (this.queuedBytes <= this.maxQueuedBytes) {
            // Written straight in. A failure here leaves a partial entry, so it ends the export.
            await this.enqueue(desc, () => content).catch((err) => {
                content.destroy();
                throw err;
            });
            return;
        }
        const spooled = await this.spool(desc, content);
        void this.enqueue(desc, () => (0,external_node_fs_.createReadStream)(spooled), () => (0,promises_.rm)(spooled, { force: true })).catch(() => undefined);
    }
    async close(outcome) {
        if (this.closed)
            return;
        try {
            if (outcome === 'success') {
                await this.tail;
                if (this.failure)
                    throw this.failure;
                await this.carryOverBase();
                if (this.failure)
                    throw this.failure;
                this.closed = true;
                for (const [name, content] of await this.closingFiles())
                    await this.write(fileEntry(name, content, this.mtime));
                await this.write(END_OF_ARCHIVE);
                this.out.end();
                await this.delivered;
            }
            else {
                this.closed = true;
                this.abort(new errors/* ContentError */.yg(`export to ${this.description} failed`));
                await this.delivered.catch(() => undefined);
            }
        }
        catch (err) {
            this.closed = true;
            this.abort(err);
            throw err;
        }
        finally {
            if (this.spoolDir) {
                const dir = await this.spoolDir;
                await (0,promises_.rm)(dir, { recursive: true, force: true });
                (0,partial_files/* untrackPartial */.Cb)(dir);
            }
        }
    }
    abort(err) {
        this.failure ??= err;
        if (!this.out.destroyed)
            this.out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
    /** Appends blob entries one after another, with back-pressure from the tar's consumer; the first failure ends the export. */
    enqueue(desc, open, cleanUp) {
        this.queuedBytes += desc.size;
        let left = desc.size;
        const run = this.tail.then(async () => {
            try {
                if (this.failure)
                    throw this.failure;
                await this.write(fileHeader(blobEntryName(desc.digest), desc.size, this.mtime));
                for await (const chunk of countedChunks(open(), desc)) {
                    await this.write(chunk);
                    left -= chunk.length;
                    this.queuedBytes -= chunk.length;
                }
                const padding = paddingFor(desc.size);
                if (padding)
                    await this.write(Buffer.alloc(padding));
            }
            finally {
                this.queuedBytes -= left;
                await cleanUp?.();
            }
        });
        this.tail = run.catch((err) => this.abort(err));
        return run;
    }
    /** Hands bytes to the stream, waiting while its consumer is behind. */
    async write(bytes) {
        if (this.out.destroyed)
            throw this.failure ?? new errors/* ContentError */.yg(`${this.description} was closed while being written`);
        if (this.out.write(bytes))
            return;
        await new Promise((resolve, reject) => {
            const onDrain = () => {
                this.out.off('close', onClose);
                resolve();
            };
            const onClose = () => {
                this.out.off('drain', onDrain);
                reject(this.failure ?? new errors/* ContentError */.yg(`${this.description} was closed while being written`));
            };
            this.out.once('drain', onDrain);
            this.out.once('close', onClose);
        });
    }
    async spool(desc, content) {
        this.spoolDir ??= (0,promises_.mkdtemp)((0,external_node_path_.join)(this.spoolParent, '.oci-copy-spool-')).then((dir) => {
            (0,partial_files/* trackPartial */.Pf)(dir);
            return dir;
        });
        const path = (0,external_node_path_.join)(await this.spoolDir, `${(0,oci_digest/* parseDigest */.m)(desc.digest).hex}.${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
        try {
            await (0,external_node_stream_promises_.pipeline)(countedChunks(content, desc), (0,external_node_fs_.createWriteStream)(path, { flags: 'wx' }));
        }
        catch (err) {
            await (0,promises_.rm)(path, { force: true });
            throw err;
        }
        return path;
    }
}
/** Exports to any writable (a socket, stdout): `close('success')` resolves once it has taken every byte. */
function createArchiveWriter(sink, options = {}) {
    return new OciArchiveWriter({ ...options, sink });
}

// EXTERNAL MODULE: ./lib/src/targets/layout/layout.js + 1 modules
var layout = __webpack_require__(2198);
;// CONCATENATED MODULE: ./lib/src/targets/open-file-target.js





async function openFileTarget(ref, role, streams = { stdin: process.stdin, stdout: process.stdout }) {
    if (ref.transport === 'oci') {
        if (ref.path === '-')
            throw new errors/* InputError */.dz(`oci:- is not a directory: use oci-archive:- to read or write an archive on standard streams`);
        return (0,layout.openLayout)(ref.path, { create: role === 'destination' });
    }
    const description = `[${ref.transport}] ${(0,oci_text/* printable */.g$)(ref.path)}`;
    if (ref.path === '-')
        refuseTerminal(role === 'source' ? streams.stdin : streams.stdout, role, ref.transport);
    if (role === 'source') {
        if (ref.path === '-')
            return openArchiveStream(streams.stdin, { description });
        return openArchiveFile(ref.path, { description });
    }
    if (ref.image?.startsWith('@')) {
        const path = (0,oci_text/* printable */.g$)(ref.path);
        throw new errors/* InputError */.dz(`${ref.transport}:${path}:${ref.image} picks an image to read: a destination is named NAME:TAG (docker-archive:${path}:example.com/app:1.2)`);
    }
    const docker = ref.transport === 'docker-archive' ? { dockerManifest: true, image: ref.image } : {};
    if (ref.path === '-')
        return createArchiveWriter(streams.stdout, { description, ...docker });
    return openArchiveFileWriter(ref.path, { description, ...docker });
}
/**
 * An archive is bytes: written to a terminal it would fill the screen with them, and read from one
 * it would wait for an archive nobody is going to type.
 */
function refuseTerminal(stream, role, transport) {
    if (!stream.isTTY)
        return;
    if (role === 'source') {
        throw new errors/* InputError */.dz(`${transport}:- reads an archive from standard input, which is a terminal: pipe or redirect one in (< app.tar), or give a file path`);
    }
    throw new errors/* InputError */.dz(`${transport}:- writes the archive to standard output, which is a terminal: redirect it (> app.tar), pipe it on, or give a file path`);
}


/***/ })

};
