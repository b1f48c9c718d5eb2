export const id = 198;
export const ids = [198];
export const modules = {

/***/ 12901:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DK: () => (/* binding */ readManifestBytes),
/* harmony export */   Ze: () => (/* binding */ drain),
/* harmony export */   nD: () => (/* binding */ blobPath),
/* harmony export */   t1: () => (/* binding */ writeVerifiedBlob)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(46466);
/* harmony import */ var _oci_digest_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(36618);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(29949);
/* harmony import */ var _partial_files_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6696);






/** `ROOT/blobs/<alg>/<hex>`: the digest is checked to be well formed, so it cannot leave `ROOT`. */
function blobPath(root, digest) {
    const { algorithm, hex } = (0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_3__/* .parseDigest */ .m)(digest);
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(root, 'blobs', algorithm, hex);
}
/**
 * Writes `content` under `ROOT/blobs/<alg>/<hex>`, through a temporary file beside it that is
 * renamed into place only once the bytes match the descriptor: a reader never sees a partial or
 * wrong blob. `inFlight` holds the temporary paths so an aborted run can remove them.
 */
async function writeVerifiedBlob(root, desc, content, inFlight) {
    const { algorithm, hex } = (0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_3__/* .parseDigest */ .m)(desc.digest);
    const dir = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(root, 'blobs', algorithm);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdir)(dir, { recursive: true });
    const temp = (0,_partial_files_js__WEBPACK_IMPORTED_MODULE_5__/* .partialPath */ .Dn)(dir, hex);
    inFlight?.add(temp);
    (0,_partial_files_js__WEBPACK_IMPORTED_MODULE_5__/* .trackPartial */ .Pf)(temp);
    let file;
    try {
        // Opened before any byte flows: a stream that opens its file lazily could create it after a
        // failed push had already removed it, leaving a temporary file behind.
        file = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.open)(temp, 'wx');
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_2__.pipeline)(content, new _oci_digest_js__WEBPACK_IMPORTED_MODULE_3__/* .VerifyingStream */ .SC(desc), file.createWriteStream());
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rename)(temp, (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, hex));
    }
    catch (err) {
        if (!file)
            content.destroy();
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(temp, { force: true });
        throw err;
    }
    finally {
        inFlight?.delete(temp);
        (0,_partial_files_js__WEBPACK_IMPORTED_MODULE_5__/* .untrackPartial */ .Cb)(temp);
    }
}
/** Consumes a stream the caller verifies, when its bytes are already stored. */
async function drain(content) {
    for await (const _ of content) {
        // nothing to keep
    }
}
/** Reads a manifest's stream whole, refusing more bytes than its descriptor says. */
async function readManifestBytes(content, desc) {
    const limit = desc.size;
    const chunks = [];
    let total = 0;
    for await (const chunk of content) {
        total += chunk.length;
        if (total > limit) {
            content.destroy();
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ContentError */ .yg(`manifest ${desc.digest} is more than the ${limit} bytes its descriptor says`);
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}


/***/ }),

/***/ 67409:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gh: () => (/* binding */ checkOciLayout),
/* harmony export */   Jt: () => (/* binding */ serializeIndex),
/* harmony export */   K$: () => (/* binding */ INDEX_FILE),
/* harmony export */   ON: () => (/* binding */ withReference),
/* harmony export */   Q2: () => (/* binding */ sniffManifest),
/* harmony export */   SP: () => (/* binding */ parseLayoutIndex),
/* harmony export */   _4: () => (/* binding */ refNameOf),
/* harmony export */   _r: () => (/* binding */ indexTags),
/* harmony export */   gW: () => (/* binding */ emptyIndex),
/* harmony export */   lX: () => (/* binding */ taggedEntry),
/* harmony export */   nb: () => (/* binding */ withoutTag),
/* harmony export */   qc: () => (/* binding */ imageNameFor),
/* harmony export */   u2: () => (/* binding */ OCI_LAYOUT_FILE),
/* harmony export */   vS: () => (/* binding */ OCI_LAYOUT_CONTENT),
/* harmony export */   wg: () => (/* binding */ findRoot)
/* harmony export */ });
/* harmony import */ var _oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(59995);
/* harmony import */ var _oci_digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36618);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_manifest_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98775);
/* harmony import */ var _oci_image_name_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(365);
/* harmony import */ var _oci_media_types_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7964);
/* harmony import */ var _oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(36055);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(91839);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(4277);
/* harmony import */ var _oci_json_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(83300);










/**
 * The `index.json` of an OCI image layout, shared by layout directories and archives: which roots
 * there are, their tags (the `org.opencontainers.image.ref.name` annotation), and how a tag is set.
 */
const OCI_LAYOUT_FILE = 'oci-layout';
const INDEX_FILE = 'index.json';
const OCI_LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';
function emptyIndex() {
    return { schemaVersion: 2, mediaType: _oci_media_types_js__WEBPACK_IMPORTED_MODULE_4__/* .MediaType */ .zu.OciIndex, manifests: [] };
}
/** Parses `oci-layout` and refuses a layout version this code does not know. */
function checkOciLayout(content, where) {
    let version;
    try {
        version = (0,_oci_json_js__WEBPACK_IMPORTED_MODULE_7__/* .parseBoundedJson */ .Rj)(Buffer.from(content).toString('utf8'))?.imageLayoutVersion;
    }
    catch {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${OCI_LAYOUT_FILE} in ${where} is not valid JSON`);
    }
    if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`${where} has OCI layout version ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .printable */ .g$)(JSON.stringify(version) ?? 'none')}: only 1.x is supported`);
    }
}
function parseLayoutIndex(content, where) {
    // Every entry's digest, size and media type are checked as the index is parsed.
    return (0,_oci_manifest_js__WEBPACK_IMPORTED_MODULE_2__/* .parseIndex */ .A1)(content, `${INDEX_FILE} in ${where}`);
}
/** Written with the fields skopeo omits, so any reader knows what it is. */
function serializeIndex(index) {
    const { schemaVersion: _s, mediaType: _m, manifests, ...rest } = index;
    return Buffer.from(`${JSON.stringify({ schemaVersion: 2, mediaType: _oci_media_types_js__WEBPACK_IMPORTED_MODULE_4__/* .MediaType */ .zu.OciIndex, manifests, ...rest })}\n`);
}
function refNameOf(desc) {
    return desc.annotations?.[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_REF_NAME */ ._0];
}
/** Every tag in the index, in index order, each once. */
function indexTags(index) {
    const tags = index.manifests.map(refNameOf).filter((t) => typeof t === 'string');
    return [...new Set(tags)];
}
/** The image tags, for a message: attachment tags (`sha256-<hex>.sig`) are not images to name. */
function tagList(index) {
    const tags = indexTags(index).filter((t) => !(0,_oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_5__/* .isAttachmentTag */ .uE)(t));
    return tags.length ? tags.map((t) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .printable */ .g$)(t)).join(', ') : 'none';
}
/**
 * The root a selector names: a tag (exact ref name, else a full name ending in `:tag`), a digest
 * (listed in the index, or a manifest blob that `sniff` recognises), or nothing (the only root,
 * not counting the entries `attached` says are referrers).
 */
async function findRoot(index, selector, where, sniff, attached) {
    if (selector === undefined) {
        let roots = index.manifests;
        if (new Set(roots.map((d) => d.digest)).size > 1)
            roots = roots.filter((d) => !(0,_oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_5__/* .isAttachmentTag */ .uE)(refNameOf(d)));
        if (attached && new Set(roots.map((d) => d.digest)).size > 1) {
            const flags = await Promise.all(roots.map((d) => attached(d)));
            roots = roots.filter((_, i) => !flags[i]);
        }
        const digests = new Set(roots.map((d) => d.digest));
        if (digests.size === 1)
            return roots[0];
        if (digests.size === 0)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`${where} holds no image`);
        const names = [...new Set(roots.map(_oci_image_name_js__WEBPACK_IMPORTED_MODULE_3__/* .imageNameOf */ .mi).filter((n) => n !== undefined))].map((n) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .printable */ .g$)(n));
        const byName = names.length ? `, one of its images as docker-archive:PATH:NAME:TAG (${names.join(', ')})` : '';
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`${where} holds ${digests.size} images and no tag was given: name one of its tags (${tagList({ ...index, manifests: roots })})${byName} or a digest`);
    }
    if ((0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .isDigest */ .Bc)(selector)) {
        const listed = index.manifests.find((d) => d.digest === selector);
        if (listed)
            return listed;
        const sniffed = await sniff?.(selector);
        if (sniffed)
            return sniffed;
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .printable */ .g$)(selector)} is not in ${where}`);
    }
    if (!(0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_6__/* .isTag */ .dz)(selector))
        return findNamed(index, selector, where);
    let matches = index.manifests.filter((d) => refNameOf(d) === selector);
    if (matches.length === 0) {
        // containerd before 1.5 and `ctr export` wrote the full name (`docker.io/library/alpine:3.19`).
        matches = index.manifests.filter((d) => {
            const name = refNameOf(d) ?? d.annotations?.[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_IMAGE_NAME */ .uq];
            return name?.endsWith(`:${selector}`);
        });
    }
    const digests = new Set(matches.map((d) => d.digest));
    if (digests.size === 1)
        return matches[0];
    if (digests.size === 0)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`tag ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .quoted */ .TL)(selector)} is not in ${where}: its tags are ${tagList(index)}`);
    const names = matches.map((d) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .printable */ .g$)(d.annotations?.[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_IMAGE_NAME */ .uq] ?? d.digest));
    throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`tag ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .quoted */ .TL)(selector)} names ${digests.size} images in ${where} (${names.join(', ')}): name one by digest, or read it as docker-archive:PATH:NAME:TAG`);
}
/**
 * What a tag names in the index (its ref name exactly), or undefined. With `imageName`, the entry
 * of that tag for that image: the one tagging it would replace (see `withReference`).
 */
function taggedEntry(index, tag, imageName) {
    const entry = index.manifests.find((d) => refNameOf(d) === tag && sameImageSlot(d, imageName));
    return entry && { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
}
/** The image of a full name (`example.com/app:1.2`, as docker-archive: references pick one). */
function findNamed(index, name, where) {
    const matches = index.manifests.filter((d) => {
        const named = (0,_oci_image_name_js__WEBPACK_IMPORTED_MODULE_3__/* .imageNameOf */ .mi)(d);
        return named !== undefined && (0,_oci_image_name_js__WEBPACK_IMPORTED_MODULE_3__/* .sameImageName */ .ph)(named, name);
    });
    if (matches.length > 0 && matches.every((d) => d.digest === matches[0].digest))
        return matches[0];
    const shown = (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .quoted */ .TL)(name);
    if (matches.length > 0)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`image ${shown} names ${new Set(matches.map((d) => d.digest)).size} different images in ${where}: name one by digest`);
    const names = [...new Set(index.manifests.map(_oci_image_name_js__WEBPACK_IMPORTED_MODULE_3__/* .imageNameOf */ .mi).filter((n) => n !== undefined))];
    throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .NotFoundError */ .m_(`image ${shown} is not in ${where}: its images are ${names.length ? names.map((n) => (0,_oci_text_js__WEBPACK_IMPORTED_MODULE_8__/* .printable */ .g$)(n)).join(', ') : 'unnamed'}`);
}
/**
 * The index with `reference` pointing at `desc`. A tag replaces any entry of that tag for the same
 * image name (or where either has none) and keeps the others, so `a/x:latest` and `b/y:latest`
 * live side by side; `imageName` is kept beside the tag for loaders. A digest adds an untagged
 * entry unless the index already lists that digest.
 */
function withReference(index, desc, reference, imageName) {
    const manifests = [...index.manifests];
    if ((0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .isDigest */ .Bc)(reference)) {
        if (reference !== desc.digest)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`cannot name ${desc.digest} by another digest ${reference}`);
        if (!manifests.some((d) => d.digest === desc.digest))
            manifests.push(indexEntry(desc, undefined, undefined));
        return { ...index, manifests };
    }
    const kept = manifests.filter((d) => refNameOf(d) !== reference || !sameImageSlot(d, imageName));
    kept.push(indexEntry(desc, reference, imageName));
    return { ...index, manifests: kept };
}
/** The index without `tag`'s entry for the image `imageName` names (see `withReference`). */
function withoutTag(index, tag, imageName) {
    return { ...index, manifests: index.manifests.filter((d) => refNameOf(d) !== tag || !sameImageSlot(d, imageName)) };
}
/** Whether a tag's entry belongs to the image `imageName` names: it does when either has no name. */
function sameImageSlot(entry, imageName) {
    const named = entry.annotations?.[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_IMAGE_NAME */ .uq];
    return named === undefined || imageName === undefined || (0,_oci_image_name_js__WEBPACK_IMPORTED_MODULE_3__/* .sameImageName */ .ph)(named, imageName);
}
/** The entry for a root: its own fields, no naming annotation inherited from where it came from. */
function indexEntry(desc, tag, imageName) {
    const entry = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
    if (desc.platform)
        entry.platform = desc.platform;
    if (desc.artifactType)
        entry.artifactType = desc.artifactType;
    const annotations = { ...(desc.annotations ?? {}) };
    delete annotations[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_REF_NAME */ ._0];
    delete annotations[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_IMAGE_NAME */ .uq];
    if (imageName !== undefined && tag !== undefined)
        annotations[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_IMAGE_NAME */ .uq] = imageName;
    if (tag !== undefined)
        annotations[_oci_descriptor_js__WEBPACK_IMPORTED_MODULE_9__/* .ANNOTATION_REF_NAME */ ._0] = tag;
    if (Object.keys(annotations).length)
        entry.annotations = annotations;
    return entry;
}
/** The full name a tag gives an image from `repository` (`host/repo`), when the repository is known. */
function imageNameFor(reference, repository) {
    return repository !== undefined && !(0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .isDigest */ .Bc)(reference) ? `${repository}:${reference}` : undefined;
}
/** Recognises a manifest or index from its own `mediaType` field (what a layout blob can tell). */
function sniffManifest(content, digest) {
    try {
        const parsed = (0,_oci_json_js__WEBPACK_IMPORTED_MODULE_7__/* .parseBoundedJson */ .Rj)(Buffer.from(content).toString('utf8'));
        let mediaType = typeof parsed?.mediaType === 'string' ? parsed.mediaType : undefined;
        if (!mediaType && Array.isArray(parsed?.manifests))
            mediaType = _oci_media_types_js__WEBPACK_IMPORTED_MODULE_4__/* .MediaType */ .zu.OciIndex;
        if (!mediaType && parsed?.config)
            mediaType = _oci_media_types_js__WEBPACK_IMPORTED_MODULE_4__/* .MediaType */ .zu.OciManifest;
        if (!mediaType || !(0,_oci_media_types_js__WEBPACK_IMPORTED_MODULE_4__/* .isManifest */ .Yh)(mediaType))
            return undefined;
        return { mediaType, digest, size: content.byteLength };
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 2198:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  MAX_INDEX_BYTES: () => (/* binding */ MAX_INDEX_BYTES),
  OciLayoutTarget: () => (/* binding */ OciLayoutTarget),
  openLayout: () => (/* binding */ openLayout)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./lib/src/oci/errors.js
var errors = __webpack_require__(29949);
// EXTERNAL MODULE: ./lib/src/oci/media-types.js
var media_types = __webpack_require__(7964);
// EXTERNAL MODULE: ./lib/src/oci/digest.js
var digest = __webpack_require__(36618);
// EXTERNAL MODULE: ./lib/src/targets/layout/blob-files.js
var blob_files = __webpack_require__(12901);
// EXTERNAL MODULE: ./lib/src/targets/layout/index-json.js
var index_json = __webpack_require__(67409);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./lib/src/oci/text.js
var oci_text = __webpack_require__(4277);
;// CONCATENATED MODULE: ./lib/src/targets/layout/layout-files.js





/**
 * Reading the files of an OCI layout someone else wrote (an artifact, a bundle from another
 * network), where any name may be a FIFO, a device or a symbolic link to anywhere. Each file must be
 * a regular file inside the layout: a link is followed only when it stays inside, and a file is
 * opened without blocking (a FIFO opened for reading would otherwise wait forever for a writer),
 * then checked with fstat on what was opened.
 */
class LayoutFiles {
    root;
    where;
    realRoot;
    constructor(root, where) {
        this.root = root;
        this.where = where;
    }
    /** The layout's own directory with its links resolved, once. */
    rootPath() {
        this.realRoot ??= (0,promises_.realpath)(this.root);
        return this.realRoot;
    }
    /**
     * Opens `path` (`what` names it in errors: `blob sha256:…`, `index.json`) for reading. A missing
     * file is a NotFoundError; a link out of the layout or anything but a regular file is refused.
     */
    async open(path, what) {
        const real = await this.inside(path, what);
        let handle;
        try {
            handle = await (0,promises_.open)(real, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NONBLOCK | external_node_fs_.constants.O_NOFOLLOW);
        }
        catch (err) {
            throw this.openError(err, what);
        }
        try {
            const info = await handle.stat();
            if (!info.isFile())
                throw new errors/* ContentError */.yg(`${what} in ${this.where} is ${fileKind(info)}, not a regular file: refusing it`);
            return { handle, size: info.size };
        }
        catch (err) {
            await handle.close();
            throw err;
        }
    }
    /** Reads a small file whole (an index, a manifest), refusing one over `limit` bytes before reading it. */
    async read(path, what, limit) {
        const { handle, size } = await this.open(path, what);
        try {
            if (size > limit)
                throw new errors/* ContentError */.yg(`${what} in ${this.where} is ${size} bytes, over the ${limit}-byte limit`);
            // Read one byte more than allowed: a file that grew since fstat is refused too.
            const buffer = Buffer.alloc(size + 1);
            let filled = 0;
            for (;;) {
                const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
                if (bytesRead === 0)
                    break;
                filled += bytesRead;
                if (filled > limit)
                    throw new errors/* ContentError */.yg(`${what} in ${this.where} grew past the ${limit}-byte limit while being read`);
                if (filled === buffer.length)
                    break;
            }
            if (filled > size)
                throw new errors/* ContentError */.yg(`${what} in ${this.where} changed while being read`);
            return buffer.subarray(0, filled);
        }
        finally {
            await handle.close();
        }
    }
    /**
     * The size of a regular file inside the layout at `path`, or undefined when there is none there:
     * missing, not a regular file, or a link out of the layout (a destination writes it anew, and the
     * rename of the new file replaces the link itself, never what it points at).
     */
    async storedSize(path) {
        try {
            const real = await this.inside(path, 'file');
            const info = await (0,promises_.stat)(real);
            return info.isFile() ? info.size : undefined;
        }
        catch (err) {
            if (err instanceof errors/* ContentError */.yg || err instanceof errors/* NotFoundError */.m_)
                return undefined;
            throw err;
        }
    }
    /** Checks that `dir`, where a destination is about to write, is not a link out of the layout (missing is fine). */
    async checkWritable(dir, what) {
        try {
            await this.inside(dir, what);
        }
        catch (err) {
            if (!(err instanceof errors/* NotFoundError */.m_))
                throw err;
        }
    }
    /** Where `path` really is, when that is inside the layout. */
    async inside(path, what) {
        let real;
        try {
            real = await (0,promises_.realpath)(path);
        }
        catch (err) {
            throw this.openError(err, what);
        }
        const root = await this.rootPath();
        const rel = (0,external_node_path_.relative)(root, real);
        if (rel === '..' || rel.startsWith(`..${external_node_path_.sep}`) || rel.startsWith(external_node_path_.sep)) {
            throw new errors/* ContentError */.yg(`${what} in ${this.where} is a symbolic link that leads out of the layout (to ${(0,oci_text/* printable */.g$)(real)}): refusing it`);
        }
        return real;
    }
    openError(err, what) {
        const code = err.code;
        if (code === 'ENOENT')
            return new errors/* NotFoundError */.m_(`${what} is not in ${this.where}`);
        if (code === 'ELOOP')
            return new errors/* ContentError */.yg(`${what} in ${this.where} is a symbolic link that loops: refusing it`);
        return err;
    }
}
function fileKind(info) {
    if (info.isFIFO())
        return 'a named pipe (FIFO)';
    if (info.isDirectory())
        return 'a directory';
    if (info.isSocket())
        return 'a socket';
    if (info.isCharacterDevice() || info.isBlockDevice())
        return 'a device';
    return 'not a file';
}

// EXTERNAL MODULE: ./lib/src/targets/layout/referrer-entries.js
var referrer_entries = __webpack_require__(79574);
// EXTERNAL MODULE: ./lib/src/targets/partial-files.js
var partial_files = __webpack_require__(6696);
;// CONCATENATED MODULE: ./lib/src/targets/layout/layout.js












/** `index.json` is read whole: capped like an archive's, and like a manifest. */
const MAX_INDEX_BYTES = media_types/* MAX_MANIFEST_BYTES */.ZJ;
/** `oci-layout` holds one short JSON object. */
const MAX_LAYOUT_FILE_BYTES = 64 * 1024;
/** Opens an OCI image-layout directory. A source must exist; a destination may be created. */
async function openLayout(path, options = {}) {
    const root = (0,external_node_path_.resolve)(path);
    const where = `OCI layout ${(0,oci_text/* printable */.g$)(path)}`;
    const info = await (0,promises_.stat)(root).catch((err) => {
        if (err.code === 'ENOENT')
            return undefined;
        throw err;
    });
    if (info && !info.isDirectory())
        throw new errors/* InputError */.dz(`${where} is not a directory`);
    const files = new LayoutFiles(root, where);
    const layoutFile = info
        ? await files.read((0,external_node_path_.join)(root, index_json/* OCI_LAYOUT_FILE */.u2), index_json/* OCI_LAYOUT_FILE */.u2, MAX_LAYOUT_FILE_BYTES).catch((err) => {
            if (err instanceof errors/* NotFoundError */.m_)
                return undefined;
            throw err;
        })
        : undefined;
    if (layoutFile) {
        (0,index_json/* checkOciLayout */.Gh)(layoutFile, where);
        const index = await files.read((0,external_node_path_.join)(root, index_json/* INDEX_FILE */.K$), index_json/* INDEX_FILE */.K$, MAX_INDEX_BYTES).catch((err) => {
            if (err instanceof errors/* NotFoundError */.m_)
                throw new errors/* ContentError */.yg(`${where} has no ${index_json/* INDEX_FILE */.K$}: it is not a complete OCI layout`);
            throw err;
        });
        (0,index_json/* parseLayoutIndex */.SP)(index, where);
        if (options.create)
            await sweepLayout(root);
        return new OciLayoutTarget(root, path);
    }
    if (!options.create) {
        throw new errors/* NotFoundError */.m_(`${where} does not exist or has no ${index_json/* OCI_LAYOUT_FILE */.u2} file: point at an OCI image-layout directory`);
    }
    // Never scribble a layout into a directory that already holds something else.
    if (info && (await (0,promises_.readdir)(root)).length > 0) {
        throw new errors/* InputError */.dz(`${where} is a directory with other content and no ${index_json/* OCI_LAYOUT_FILE */.u2} file: use an empty or new directory`);
    }
    // What is made here stays only if a copy into it succeeds: a failed or interrupted one (a source
    // that does not exist, say) leaves the directory as it found it, or no directory at all.
    const made = info
        ? [(0,external_node_path_.join)(root, 'blobs'), (0,external_node_path_.join)(root, index_json/* OCI_LAYOUT_FILE */.u2), (0,external_node_path_.join)(root, index_json/* INDEX_FILE */.K$)]
        : [(await (0,promises_.mkdir)(root, { recursive: true })) ?? root];
    for (const path of made)
        (0,partial_files/* trackPartial */.Pf)(path);
    try {
        await (0,promises_.mkdir)((0,external_node_path_.join)(root, 'blobs'), { recursive: true });
        await (0,promises_.writeFile)((0,external_node_path_.join)(root, index_json/* OCI_LAYOUT_FILE */.u2), index_json/* OCI_LAYOUT_CONTENT */.vS);
        await (0,promises_.writeFile)((0,external_node_path_.join)(root, index_json/* INDEX_FILE */.K$), (0,index_json/* serializeIndex */.Jt)((0,index_json/* emptyIndex */.gW)()));
    }
    catch (err) {
        await removeMade(made);
        throw err;
    }
    return new OciLayoutTarget(root, path, made);
}
/** Removes what a new layout's opening made (it was never finished), and forgets it. */
async function removeMade(made) {
    for (const path of made) {
        await (0,promises_.rm)(path, { recursive: true, force: true }).catch(() => undefined);
        (0,partial_files/* untrackPartial */.Cb)(path);
    }
}
/**
 * Removes the partial blobs and index files an earlier run into this layout left when it crashed
 * or was killed (see `sweepPartials`: another live process's are kept). A `blobs` directory that
 * is a link is left alone, as the layout's writes leave it.
 */
async function sweepLayout(root) {
    await (0,partial_files/* sweepPartials */.tK)(root, index_json/* INDEX_FILE */.K$);
    const blobs = (0,external_node_path_.join)(root, 'blobs');
    if (!(await (0,promises_.lstat)(blobs).catch(() => undefined))?.isDirectory())
        return;
    for (const algorithm of await (0,promises_.readdir)(blobs)) {
        const dir = (0,external_node_path_.join)(blobs, algorithm);
        if ((await (0,promises_.lstat)(dir).catch(() => undefined))?.isDirectory())
            await (0,partial_files/* sweepPartials */.tK)(dir);
    }
}
/**
 * An OCI image-layout directory. Blobs land through verified temporary files; `index.json` changes
 * only when a tag is set (the last step of a copy) or the layout is closed after a successful copy,
 * by writing a new file and renaming it over the old, so a failed copy leaves no new entry and a
 * reader never sees half an index. A layout it created is removed again when the copy fails before
 * tagging anything, or is interrupted. Pushed referrers (manifests with a `subject`) are listed there
 * as untagged entries, which keeps them reachable and lets `referrers()` find them.
 */
class OciLayoutTarget {
    root;
    made;
    description;
    inFlight = new Set();
    indexUpdate = Promise.resolve();
    /** Referrers pushed and not yet listed in index.json. */
    unlisted = new Map();
    finder;
    /** Every read goes through it: regular files inside the layout only, opened without blocking. */
    files;
    constructor(root, displayPath = root, 
    /** What opening it made (a new layout): removed when it closes as failed before anything was tagged. */
    made = []) {
        this.root = root;
        this.made = made;
        this.description = `[oci-layout] ${(0,oci_text/* printable */.g$)(displayPath)}`;
        this.finder = new referrer_entries/* ReferrerFinder */.Q((desc) => this.readManifest(desc), this.description);
        this.files = new LayoutFiles(root, this.description);
    }
    async readIndex() {
        return (0,index_json/* parseLayoutIndex */.SP)(await this.files.read((0,external_node_path_.join)(this.root, index_json/* INDEX_FILE */.K$), index_json/* INDEX_FILE */.K$, MAX_INDEX_BYTES), this.description);
    }
    async resolve(selector) {
        return (0,index_json/* findRoot */.wg)(await this.readIndex(), selector, this.description, (digest) => this.sniff(digest), (entry) => this.finder.isAttached(entry));
    }
    async referrers(subject, artifactType) {
        return this.finder.referrers(await this.readIndex(), subject, artifactType);
    }
    async tags() {
        return (0,index_json/* indexTags */._r)(await this.readIndex());
    }
    async readTag(tag, context) {
        return (0,index_json/* taggedEntry */.lX)(await this.readIndex(), tag, (0,index_json/* imageNameFor */.qc)(tag, context?.repository));
    }
    async fetch(desc) {
        const { handle } = await this.files.open((0,blob_files/* blobPath */.nD)(this.root, desc.digest), `blob ${desc.digest}`);
        return handle.createReadStream();
    }
    /** A blob's bytes from `offset` on: the file read from that position. */
    async fetchFrom(desc, offset) {
        const { handle } = await this.files.open((0,blob_files/* blobPath */.nD)(this.root, desc.digest), `blob ${desc.digest}`);
        return handle.createReadStream({ start: offset });
    }
    async exists(desc) {
        const size = await this.storedSize(desc.digest);
        return size === desc.size;
    }
    /** The size of the blob's file, or undefined when there is none. */
    async blobSize(desc) {
        return this.storedSize(desc.digest);
    }
    async push(desc, content) {
        if ((0,media_types/* isManifest */.Yh)(desc.mediaType) && desc.size <= media_types/* MAX_MANIFEST_BYTES */.ZJ) {
            await this.pushManifest(desc, await (0,blob_files/* readManifestBytes */.DK)(content, desc));
            return;
        }
        if ((await this.storedSize(desc.digest)) === desc.size) {
            await (0,blob_files/* drain */.Ze)(content);
            return;
        }
        await this.writeBlob(desc, content);
    }
    async tag(desc, reference, context) {
        if ((await this.storedSize(desc.digest)) === undefined) {
            throw new errors/* NotFoundError */.m_(`cannot tag ${desc.digest} in ${this.description}: the manifest is not stored there`);
        }
        const imageName = (0,index_json/* imageNameFor */.qc)(reference, context?.repository);
        await this.updateIndex((index) => (0,index_json/* withReference */.ON)(index, desc, reference, imageName));
        // A tagged image is finished: the new layout holding it stays, whatever fails after.
        this.keepMade();
    }
    /**
     * Drops the tag's entry from index.json (the entry of this image name, as `readTag` finds it).
     * The blobs stay: a layout has no garbage collector, and another entry may still need them.
     */
    async removeTag(tag, options = {}) {
        const imageName = (0,index_json/* imageNameFor */.qc)(tag, options.context?.repository);
        if (!(0,index_json/* taggedEntry */.lX)(await this.readIndex(), tag, imageName))
            return 'absent';
        let outcome = 'absent';
        await this.updateIndex((index) => {
            const entry = (0,index_json/* taggedEntry */.lX)(index, tag, imageName);
            if (!entry)
                return index;
            if (options.expected !== undefined && entry.digest !== options.expected) {
                outcome = 'moved';
                return index;
            }
            outcome = 'removed';
            return (0,index_json/* withoutTag */.nb)(index, tag, imageName);
        });
        return outcome;
    }
    async close(outcome) {
        if (outcome === 'success' && this.unlisted.size)
            await this.updateIndex((index) => index);
        await this.indexUpdate.catch(() => undefined);
        if (outcome === 'failure') {
            this.unlisted.clear();
            await Promise.all([...this.inFlight].map((p) => (0,promises_.rm)(p, { force: true })));
            await removeMade(this.made);
            this.made = [];
        }
        else {
            this.keepMade();
        }
    }
    keepMade() {
        for (const path of this.made)
            (0,partial_files/* untrackPartial */.Cb)(path);
        this.made = [];
    }
    /** A manifest is small: it is held whole, so a referrer among them can be listed in the index. */
    async pushManifest(desc, bytes) {
        (0,digest/* verifyBytes */.RV)(bytes, desc);
        if ((await this.storedSize(desc.digest)) !== desc.size)
            await this.writeBlob(desc, external_node_stream_.Readable.from([bytes]));
        const entry = (0,referrer_entries/* referrerEntry */.o)(desc, bytes);
        if (entry)
            this.unlisted.set(entry.digest, entry);
    }
    /**
     * Reads, changes and replaces index.json one change at a time, re-reading it so entries set by
     * others survive. Referrers pushed so far are listed with the change.
     */
    async updateIndex(change) {
        const next = this.indexUpdate.then(async () => {
            const listing = [...this.unlisted.values()];
            let index = await this.readIndex();
            for (const entry of listing)
                index = (0,index_json/* withReference */.ON)(index, entry, entry.digest);
            index = change(index);
            const temp = (0,partial_files/* partialPath */.Dn)(this.root, index_json/* INDEX_FILE */.K$);
            this.inFlight.add(temp);
            (0,partial_files/* trackPartial */.Pf)(temp);
            try {
                await (0,promises_.writeFile)(temp, (0,index_json/* serializeIndex */.Jt)(index), { flag: 'wx' });
                await (0,promises_.rename)(temp, (0,external_node_path_.join)(this.root, index_json/* INDEX_FILE */.K$));
            }
            finally {
                this.inFlight.delete(temp);
                (0,partial_files/* untrackPartial */.Cb)(temp);
                await (0,promises_.rm)(temp, { force: true });
            }
            for (const entry of listing)
                this.unlisted.delete(entry.digest);
        });
        this.indexUpdate = next.catch(() => undefined);
        await next;
    }
    /** Into `blobs/<alg>/`, once that is known to be a directory of this layout, not a link out of it. */
    async writeBlob(desc, content) {
        const dir = (0,external_node_path_.dirname)((0,blob_files/* blobPath */.nD)(this.root, desc.digest));
        // mkdir follows links: `blobs` must be checked before anything is made under it.
        await this.files.checkWritable((0,external_node_path_.dirname)(dir), 'blobs');
        await (0,promises_.mkdir)(dir, { recursive: true });
        await this.files.checkWritable(dir, (0,external_node_path_.relative)(this.root, dir));
        await (0,blob_files/* writeVerifiedBlob */.t1)(this.root, desc, content, this.inFlight);
    }
    async readManifest(desc) {
        const what = `manifest ${desc.digest}`;
        const bytes = await this.files.read((0,blob_files/* blobPath */.nD)(this.root, desc.digest), what, media_types/* MAX_MANIFEST_BYTES */.ZJ).catch((err) => {
            if (err instanceof errors/* NotFoundError */.m_)
                return undefined;
            throw err;
        });
        if (bytes && bytes.length !== desc.size) {
            throw new errors/* ContentError */.yg(`${what} in ${this.description} is ${bytes.length} bytes, not the ${desc.size} its index entry says`);
        }
        return bytes;
    }
    /** The size of the regular file a blob is stored in, if it is stored in this layout. */
    storedSize(digest) {
        return this.files.storedSize((0,blob_files/* blobPath */.nD)(this.root, digest));
    }
    async sniff(digest) {
        const size = await this.storedSize(digest);
        if (size === undefined || size > media_types/* MAX_MANIFEST_BYTES */.ZJ)
            return undefined;
        return (0,index_json/* sniffManifest */.Q2)(await this.files.read((0,blob_files/* blobPath */.nD)(this.root, digest), `blob ${digest}`, media_types/* MAX_MANIFEST_BYTES */.ZJ), digest);
    }
}


/***/ }),

/***/ 79574:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ ReferrerFinder),
/* harmony export */   o: () => (/* binding */ referrerEntry)
/* harmony export */ });
/* harmony import */ var _oci_digest_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(36618);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_manifest_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98775);
/* harmony import */ var _oci_media_types_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7964);
/* harmony import */ var _oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(36055);
/* harmony import */ var _oci_referrers_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(61576);
/* harmony import */ var _index_json_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(67409);







/** The untagged index entry a pushed manifest gets when it refers to a subject; undefined when it does not. */
function referrerEntry(desc, bytes) {
    return (0,_oci_referrers_js__WEBPACK_IMPORTED_MODULE_5__/* .referrerOf */ .N)(desc, bytes)?.descriptor;
}
/**
 * Finds referrers among what an index lists. Each listed manifest is read once (verified, at most
 * 4 MiB) and what it refers to is remembered: content is addressed by digest, so it never changes.
 */
class ReferrerFinder {
    read;
    where;
    parsed = new Map();
    constructor(read, where) {
        this.read = read;
        this.where = where;
    }
    /**
     * The referrers of `subject`: listed manifests whose `subject` is it, and the entries of its
     * `sha256-<hex>` index when the layout tags one, each once; only `artifactType` when given.
     */
    async referrers(index, subject, artifactType) {
        const found = new Map();
        for (const entry of uniqueManifests(index)) {
            const referrer = await this.referrerOf(entry);
            if (referrer?.subject.digest === subject.digest)
                found.set(entry.digest, referrer.descriptor);
        }
        const tag = (0,_oci_referrers_js__WEBPACK_IMPORTED_MODULE_5__/* .referrersTag */ .L)(subject.digest);
        const tagged = index.manifests.find((d) => (0,_index_json_js__WEBPACK_IMPORTED_MODULE_6__/* .refNameOf */ ._4)(d) === tag && (0,_oci_media_types_js__WEBPACK_IMPORTED_MODULE_3__/* .isIndex */ .nw)(d.mediaType));
        if (tagged) {
            const bytes = await this.readVerified(tagged);
            if (bytes) {
                for (const d of (0,_oci_manifest_js__WEBPACK_IMPORTED_MODULE_2__/* .parseIndex */ .A1)(bytes, `referrers index ${tag} in ${this.where}`).manifests) {
                    if (!found.has(d.digest))
                        found.set(d.digest, d);
                }
            }
        }
        const list = [...found.values()];
        return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
    }
    /**
     * Whether an index entry is there for another image's sake rather than as an image of its own:
     * an untagged referrer, a tag-schema index, or a cosign attachment (`sha256-<hex>.sig`).
     * Unreadable entries count as images.
     */
    async isAttached(entry) {
        const tag = (0,_index_json_js__WEBPACK_IMPORTED_MODULE_6__/* .refNameOf */ ._4)(entry);
        if (tag !== undefined)
            return (0,_oci_referrer_kinds_js__WEBPACK_IMPORTED_MODULE_4__/* .isAttachmentTag */ .uE)(tag);
        try {
            return (await this.referrerOf(entry)) !== undefined;
        }
        catch {
            return false;
        }
    }
    referrerOf(entry) {
        if (!(0,_oci_media_types_js__WEBPACK_IMPORTED_MODULE_3__/* .isImageManifest */ .pJ)(entry.mediaType) && !(0,_oci_media_types_js__WEBPACK_IMPORTED_MODULE_3__/* .isIndex */ .nw)(entry.mediaType))
            return Promise.resolve(undefined);
        let known = this.parsed.get(entry.digest);
        if (!known) {
            const plain = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
            known = this.readVerified(plain).then((bytes) => (bytes ? (0,_oci_referrers_js__WEBPACK_IMPORTED_MODULE_5__/* .referrerOf */ .N)(plain, bytes) : undefined));
            // A failed read is not remembered: it may be a passing fault.
            known.catch(() => this.parsed.delete(entry.digest));
            this.parsed.set(entry.digest, known);
        }
        return known;
    }
    async readVerified(desc) {
        if (desc.size > _oci_media_types_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_MANIFEST_BYTES */ .ZJ)
            return undefined;
        const bytes = await this.read(desc);
        if (!bytes)
            return undefined;
        try {
            (0,_oci_digest_js__WEBPACK_IMPORTED_MODULE_0__/* .verifyBytes */ .RV)(bytes, desc);
        }
        catch (err) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ContentError */ .yg(`manifest ${desc.digest} in ${this.where} does not match its index entry: ${err.message}`);
        }
        return bytes;
    }
}
/** Each manifest the index lists, once. */
function uniqueManifests(index) {
    const seen = new Map();
    for (const d of index.manifests)
        if (!seen.has(d.digest))
            seen.set(d.digest, d);
    return [...seen.values()];
}


/***/ })

};
