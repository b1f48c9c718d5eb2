export const id = 610;
export const ids = [610];
export const modules = {

/***/ 71610:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DryRunFileDestination: () => (/* binding */ DryRunFileDestination),
/* harmony export */   openDryRunFileDestination: () => (/* binding */ openDryRunFileDestination)
/* harmony export */ });
/* harmony import */ var _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29949);
/* harmony import */ var _open_file_target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(44366);
/* harmony import */ var _target_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(87586);
/* harmony import */ var _oci_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4277);




/**
 * A file destination as a dry run sees it: what is already there (an existing layout or archive,
 * opened read-only), or nothing. Opening a layout or archive for writing would create a directory
 * or a file, so a dry run never does; pushing or tagging here is refused.
 */
class DryRunFileDestination {
    description;
    existing;
    constructor(description, existing) {
        this.description = description;
        this.existing = existing;
    }
    async resolve(selector) {
        if (!this.existing)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .NotFoundError */ .m_(`${this.description} does not exist yet`);
        return this.existing.resolve(selector);
    }
    async fetch(desc) {
        if (!this.existing)
            throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .NotFoundError */ .m_(`${desc.digest} is not in ${this.description}`);
        return this.existing.fetch(desc);
    }
    async exists(desc) {
        return this.existing ? this.existing.exists(desc) : false;
    }
    /** What the existing layout stores for a blob (its file's size), for a check. */
    async blobSize(desc) {
        if ((0,_target_js__WEBPACK_IMPORTED_MODULE_2__/* .isBlobSizer */ .DI)(this.existing))
            return this.existing.blobSize(desc);
        return (await this.exists(desc)) ? desc.size : undefined;
    }
    async readTag(tag, context) {
        return (0,_target_js__WEBPACK_IMPORTED_MODULE_2__/* .isTagReader */ .ei)(this.existing) ? this.existing.readTag(tag, context) : undefined;
    }
    async push(desc) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .OperationError */ .OK(`pushing ${desc.digest} to ${this.description}: a dry run writes nothing`);
    }
    async tag(desc, reference) {
        throw new _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .OperationError */ .OK(`tagging ${desc.digest} as ${reference} in ${this.description}: a dry run writes nothing`);
    }
    async close() {
        await this.existing?.close('failure');
    }
}
/** Opens what a file destination already holds, for a dry run; a missing layout or archive holds nothing. */
async function openDryRunFileDestination(ref) {
    const description = `${ref.transport === 'oci' ? '[oci-layout]' : `[${ref.transport}]`} ${(0,_oci_text_js__WEBPACK_IMPORTED_MODULE_3__/* .printable */ .g$)(ref.path)}`;
    if (ref.path === '-')
        return new DryRunFileDestination(description);
    try {
        const existing = await (0,_open_file_target_js__WEBPACK_IMPORTED_MODULE_1__.openFileTarget)(ref, 'source');
        return new DryRunFileDestination(existing.description, existing);
    }
    catch (err) {
        if (err instanceof _oci_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .NotFoundError */ .m_)
            return new DryRunFileDestination(description);
        throw err;
    }
}


/***/ })

};
