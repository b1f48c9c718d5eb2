import type { CheckPresenter } from '../presenter.js';
import { platformCounts, platformSigningLines, signingLine, summaryLine, verifiedLine } from '../../render/signature-lines.js';
import { signingFields, summaryFields, VERIFICATION_KEY, verificationFields } from '../../render/verification.js';
import type { ImageSigning, ImageSummary, ImageVerification } from './names.js';

/** Where the summary lists what was verified and signed, and its mark. */
const HEADING = 'Signatures';
const MARK = '🔏';

/**
 * What the signature policy found: a pass is a `Verified …` line (told in the log as the check ran,
 * before the copy); a refusal says nothing here, its error line names what was found and required,
 * and an image let through unverified in warn mode is marked so in its row, the warning (in the log
 * and the summary's lines) naming what was missing.
 */
export const verificationPresenter: CheckPresenter<ImageVerification> = {
  heading: HEADING,
  mark: MARK,
  logLines: (v, item, told) => (v.verified && !told ? [verifiedLine(v, item.chosenFrom?.digest === v.digest)] : []),
  summaryCells: (v) => (v.verified ? ['signature verified (below)'] : v.mode === 'warn' ? ['unverified, verify-mode warn'] : []),
  json: (v) => ({ key: VERIFICATION_KEY, fields: verificationFields(v) }),
};

/** What signing wrote, found there already, or would write: a line each, and the one write of an image already there. */
export const signingPresenter: CheckPresenter<ImageSigning> = {
  heading: HEADING,
  mark: MARK,
  logLines: (s) => [signingLine(s), ...platformSigningLines(s)],
  summaryCells: (s) => [
    `${s.state === 'already-signed' ? 'already signed' : s.state === 'would-sign' ? 'would be signed' : 'signed'}, ${s.mode}${s.platforms?.length ? platformCounts(s.platforms) : ''} (below)`,
  ],
  json: (s) => ({ key: VERIFICATION_KEY, fields: signingFields(s) }),
  wrote: (s) => {
    const written = (s.state === 'signed' ? 1 : 0) + (s.platforms ?? []).filter((p) => p.state === 'signed').length;
    return written > 1 ? 'the signatures above' : written ? 'the signature above' : undefined;
  },
};

/**
 * What the verification-summary stage attached, found there already, or would attach: a line each.
 * An image that got none says so in a warning as the stage runs (the log and the summary's lines
 * carry it); its row is marked here.
 */
export const summaryPresenter: CheckPresenter<ImageSummary> = {
  heading: HEADING,
  mark: MARK,
  logLines: (s) => (s.state === 'not-attested' ? [] : [summaryLine(s)]),
  summaryCells: (s) => [
    s.state === 'attested'
      ? 'verification attested (below)'
      : s.state === 'already-attested'
        ? 'verification already attested'
        : s.state === 'would-attest'
          ? 'verification would be attested'
          : 'no verification summary',
  ],
  json: (s) => ({ key: VERIFICATION_KEY, fields: summaryFields(s) }),
  wrote: (s) => (s.state === 'attested' ? 'the verification summary above' : undefined),
};
