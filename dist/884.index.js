export const id = 884;
export const ids = [884];
export const modules = {

/***/ 91884:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseSyncEntries: () => (/* binding */ parseSyncEntries)
/* harmony export */ });
/* unused harmony exports ENTRY_FIELDS, entryFromValues */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38815);
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29949);
/* harmony import */ var _oci_platform_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(56993);
/* harmony import */ var _oci_reference_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(91839);
/* harmony import */ var _oci_spelling_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(21120);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(4277);
/* harmony import */ var _settings_voice_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(54340);
/* harmony import */ var _signatures_parse_settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(19541);
/* harmony import */ var _signatures_policy_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(34568);
/* harmony import */ var _signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(28323);
/* harmony import */ var _entry_name_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(28638);
/* harmony import */ var _tag_filter_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(96031);












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
    ...Object.values(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw),
    ...Object.values(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .SignSetting */ .gp),
    ...Object.values(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .SignServiceSetting */ .BA),
    ...Object.values(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .AttestSetting */ .op),
];
/** An entry's signing keys: the step's words. */
const SIGN_FIELDS = [...Object.values(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .SignSetting */ .gp), ...Object.values(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .SignServiceSetting */ .BA)];
/** Parses a sync list (YAML): a list of entries, each a mapping of the fields above. */
function parseSyncEntries(text, origin, sources = {}) {
    const lines = new yaml__WEBPACK_IMPORTED_MODULE_0__/* .LineCounter */ .HN();
    const doc = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parseDocument */ .Tp)(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const yamlError = doc.errors[0];
    if (yamlError) {
        const at = yamlError.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : 'somewhere';
        const why = yamlError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${origin} is not valid YAML: ${where}: ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .printable */ .g$)(why, 200)}`);
    }
    const root = doc.contents;
    const usage = 'a list of entries, each with source and destination (see README, "Mirror many images")';
    if (!root || ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(root) && (root.value === null || root.value === '')))
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${origin} is empty: give ${usage}`);
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(root))
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${origin} is not a YAML list: give ${usage}`);
    if (root.items.length === 0)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${origin} lists no entries: give ${usage}`);
    return root.items.map((item, i) => parseEntry(item, i + 1, origin, lines, sources));
}
function parseEntry(node, number, origin, lines, sources) {
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    const entry = (0,_entry_name_js__WEBPACK_IMPORTED_MODULE_10__/* .entryName */ .M)(origin, { number, ...(line ? { line } : {}) });
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(node))
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${entry} is not a mapping: give source: and destination: fields`);
    return entryFromFields(readFields(node, entry), number, { entry, field: (name) => `${entry}, field "${name}"` }, sources, line);
}
/**
 * One entry from values given some other way than a list (a command line): the same checks, the
 * same errors, in `names`' words. Values are strings, lists of strings, numbers or booleans.
 */
function entryFromValues(values, names, sources = {}) {
    const doc = new Document();
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
    const source = (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_3__/* .parseReference */ .F2)(sourceText, field('source'));
    refuseStandardStream(source, sourceText, field('source'), 'input');
    const wholeRepository = source.transport === 'registry' && !source.tags.length && !source.digest;
    const destinationText = requiredText(fields, 'destination', entry, field);
    const destination = parseDestination(destinationText, field('destination'), source, wholeRepository);
    const include = regexList(fields.get('tags'), field('tags'));
    const exclude = regexList(fields.get('exclude-tags'), field('exclude-tags'));
    const range = optionalText(fields.get('semver'), field('semver'));
    if (range !== undefined && !(0,_tag_filter_js__WEBPACK_IMPORTED_MODULE_8__/* .isSemverRange */ .q1)(range)) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${field('semver')} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(range)}, not a semver range: use npm semver syntax, e.g. ">=3.18 <4" or "^1.2"`);
    }
    const latest = positiveInteger(fields.get('latest'), field('latest'));
    const filtered = include.length || exclude.length || range !== undefined || latest !== undefined;
    if (filtered && !wholeRepository) {
        const named = ['tags', 'exclude-tags', 'semver', 'latest'].filter((f) => fields.has(f)).join(', ');
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${entry} filters tags (${named}) but its source ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(sourceText)} names one image: drop the tag or digest from the source to take the repository's tags`);
    }
    const platformText = optionalText(fields.get('platform'), field('platform'));
    const referrers = optionalBoolean(fields.get('referrers'), field('referrers'));
    const prune = optionalBoolean(fields.get('prune'), field('prune'));
    const protect = regexList(fields.get('protect'), field('protect'));
    const immutableTags = globList(fields.get('immutable-tags'), field('immutable-tags'));
    const attestVerification = optionalBoolean(fields.get(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .AttestSetting */ .op.Verification), field(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .AttestSetting */ .op.Verification));
    if (prune && !wholeRepository) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${entry} prunes but its source ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(sourceText)} names one image: prune applies to a whole repository's tags; drop the tag or digest from the source, or drop prune`);
    }
    if (protect.length && !prune) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${field('protect')} keeps tags from prune, but the entry does not prune: add prune: true, or drop protect`);
    }
    return {
        number,
        ...(line ? { line } : {}),
        source,
        wholeRepository,
        destination,
        filter: { include, exclude, ...(range !== undefined ? { semver: range } : {}), ...(latest !== undefined ? { latest } : {}) },
        ...(platformText ? { platform: (0,_oci_platform_js__WEBPACK_IMPORTED_MODULE_2__/* .parsePlatform */ .FL)(platformText, field('platform')) } : {}),
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
        const value = name === _signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .SignSetting */ .gp.KeyPassword ? literalText(node, field(name)) : optionalText(node, field(name));
        if (value)
            values.set(name, value);
    }
    if (!values.size)
        return undefined;
    const sign = (0,_signatures_parse_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .parseSignInputs */ .a)((name) => values.get(name) ?? '', { ..._settings_voice_js__WEBPACK_IMPORTED_MODULE_4__/* .ACTION_VOICE */ .w, input: field }, sources.env ?? process.env, sources.readFile ?? _signatures_policy_js__WEBPACK_IMPORTED_MODULE_6__/* .readSmallFile */ .EW);
    return sign ?? false;
}
/** The entry's `verify-*` keys, checked as the step's inputs are, errors naming the entry's field. */
function entryPolicy(fields, field, sources) {
    const text = (name) => optionalText(fields.get(name), field(name));
    const typesNode = fields.get(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.AttestationType);
    const types = typesNode && (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(typesNode)
        ? typesNode.items.map((n, i) => scalarText(n, `${field(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.AttestationType)} (item ${i + 1})`) ?? '')
        : text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.AttestationType);
    const platforms = optionalBoolean(fields.get(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.Platforms), field(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.Platforms));
    return (0,_signatures_policy_js__WEBPACK_IMPORTED_MODULE_6__/* .parseVerifyPolicy */ .j8)({
        key: text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.Key),
        certificateIdentity: text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.CertificateIdentity),
        certificateIdentityRegexp: text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.CertificateIdentityRegexp),
        certificateOidcIssuer: text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.CertificateOidcIssuer),
        attestationTypes: types,
        trustedRoot: text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.TrustedRoot),
        platforms: platforms === true,
        mode: text(_signatures_settings_js__WEBPACK_IMPORTED_MODULE_7__/* .VerifySetting */ .mw.Mode),
    }, { ..._settings_voice_js__WEBPACK_IMPORTED_MODULE_4__/* .ACTION_VOICE */ .w, input: field }, sources.readFile ?? _signatures_policy_js__WEBPACK_IMPORTED_MODULE_6__/* .readSmallFile */ .EW);
}
/** The entry's fields by name; an unknown one is an error naming the nearest and listing every field. */
function readFields(map, entry) {
    const out = new Map();
    for (const pair of map.items) {
        const key = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(pair.key) ? String(pair.key.value) : '';
        if (!ENTRY_FIELDS.includes(key)) {
            const near = (0,_oci_spelling_js__WEBPACK_IMPORTED_MODULE_11__/* .nearestWord */ .z)(key, ENTRY_FIELDS);
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${entry} has an unknown field ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(key)}: ${near ? `did you mean ${near}? ` : ''}the fields are ${ENTRY_FIELDS.join(', ')}`);
        }
        out.set(key, pair.value ?? null);
    }
    return out;
}
function scalarText(node, what) {
    if (node === undefined || node === null)
        return undefined;
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node))
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} must be a single value, not a list or mapping`);
    if (node.value === null)
        return undefined;
    return String(node.value).trim();
}
/** A scalar as the user wrote it (a plain `0123` stays `0123`), for a secret the YAML types must not change. */
function literalText(node, what) {
    const v = scalarText(node, what);
    if (!v)
        return undefined;
    const source = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node) && typeof node.source === 'string' ? node.source.trim() : '';
    return source || v;
}
function requiredText(fields, name, entry, field) {
    const v = scalarText(fields.get(name), field(name));
    if (!v)
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${entry} has no ${name}: give ${name}: with a ${name === 'source' ? 'repository or image reference' : 'repository, or a prefix ending in /'}`);
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
    const items = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(node) ? node.items : [node];
    return items.map((item, i) => {
        const shown = items.length > 1 ? `${what} (item ${i + 1})` : what;
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(item) || item.value === null || String(item.value) === '')
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${shown} must be a regular expression`);
        const source = String(item.value);
        try {
            return (0,_tag_filter_js__WEBPACK_IMPORTED_MODULE_8__/* .wholeTagRegex */ .L6)(source);
        }
        catch (err) {
            // V8 says `Invalid regular expression: /^(?:3.()$/: Unterminated group`: the last part is the news.
            const why = err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${shown}: ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(source)} is not a regular expression (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .printable */ .g$)(why, 200)})`);
        }
    });
}
/** One glob or a list of them (`v*`, `1.?`), each matching a whole tag. */
function globList(node, what) {
    if (node === undefined || node === null)
        return [];
    const items = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(node) ? node.items : [node];
    return items.map((item, i) => {
        const shown = items.length > 1 ? `${what} (item ${i + 1})` : what;
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(item) || item.value === null || String(item.value) === '')
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${shown} must be a tag pattern such as 'v*'`);
        const pattern = String(item.value);
        const compiled = (0,_tag_filter_js__WEBPACK_IMPORTED_MODULE_8__/* .tagGlob */ .ZM)(pattern);
        if (!compiled) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${shown} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(pattern)}, not a tag pattern: immutable-tags are globs, * for any characters and ? for one (e.g. 'v*' or '1.*'), over the characters of tags (letters, digits, _ . -), not regular expressions`);
        }
        return compiled;
    });
}
function positiveInteger(node, what) {
    if (node === undefined || node === null)
        return undefined;
    const value = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node) ? node.value : undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node) ? String(node.value) : 'a list or mapping')}: use a positive whole number, the count of highest versions to keep`);
    }
    return n;
}
function optionalBoolean(node, what) {
    if (node === undefined || node === null)
        return undefined;
    const value = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node) ? node.value : undefined;
    if (typeof value === 'boolean')
        return value;
    if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase()))
        return value.trim().toLowerCase() === 'true';
    throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(node) ? String(node.value) : 'a list or mapping')}: use true or false`);
}
/**
 * A destination: `HOST/PATH/` (a prefix: the source's repository path is appended) or a reference.
 * A whole repository goes to a repository (it keeps its tag names), never to a tag or a file.
 */
function parseDestination(text, what, source, wholeRepository) {
    if (text.endsWith('/')) {
        const trimmed = text.replace(/\/+$/, '');
        if (source.transport !== 'registry') {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is a prefix (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(text)}), which appends the source's repository path, but the source is a file: give a repository`);
        }
        if (/[:@]/.test(trimmed.split('/').slice(1).join('/'))) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is a prefix (${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(text)}) with a tag or digest: a prefix ends in / and takes none (the source's tags are kept)`);
        }
        // The first component is a host when it looks like one, as in any reference; else Docker Hub.
        const [first, ...rest] = trimmed.split('/');
        const isHost = /[.:]/.test(first) || first === 'localhost' || first.startsWith('[');
        const registry = isHost ? first : 'docker.io';
        const path = (isHost ? rest : [first, ...rest]).join('/');
        // Checked as a reference would be: a valid host and valid repository components.
        const probe = (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_3__/* .parseReference */ .F2)(`${isHost ? registry : 'docker.io'}/${path ? `${path}/` : ''}x`, what);
        // The prefix and the source's path make one name, which must fit a registry too.
        (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_3__/* .refuseLongNames */ .dq)(path ? `${path}/${source.repository}` : source.repository, [], what);
        return { kind: 'prefix', registry: probe.registry, path };
    }
    const ref = (0,_oci_reference_js__WEBPACK_IMPORTED_MODULE_3__/* .parseReference */ .F2)(text, what);
    refuseStandardStream(ref, text, what, 'output');
    if (wholeRepository) {
        if (ref.transport !== 'registry') {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(text)}, a file, but the source is a whole repository: give a registry repository (or sync one image by giving the source a tag)`);
        }
        if (ref.tags.length || ref.digest) {
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(text)}, with a tag or digest, but the source is a whole repository: give the repository alone, which gets the same tag names`);
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
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`${what} is ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_9__/* .quoted */ .TL)(text)}, standard ${stream}, which a list of images cannot stream through: give a file path`);
    }
}


/***/ })

};
