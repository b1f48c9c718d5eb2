/**
 * The library: copy OCI content between registries, OCI layouts, OCI archives and streams. It
 * knows nothing of GitHub; the action (`src/action/`) and the CLI (`src/cli/`) are shells over it.
 */
export { copy, copyToMany, type Destination } from './api/copy.js';
export { copyResolved, type ResolvedDestination } from './copy/copy-resolved.js';
export { resolveRoot, type ResolvedRoot } from './copy/resolve-root.js';
export type { Selector } from './copy/selector.js';
export { exportToStream, importFromStream } from './api/streams.js';
export type { CopyOptions, SuccessorFn } from './copy/options.js';
export type { CopyEvent, CopyListener, NodeAction } from './copy/events.js';
export { CopyReport, type CopyTotals, type NodeRecord } from './job/outcome/copy-report.js';
export { eventLine } from './job/render/event-lines.js';
export type { Descriptor, Platform } from './oci/descriptor.js';
export { digestOf, VerifyingStream, type Digest } from './oci/digest.js';
export {
  ContentError,
  CopyError,
  DigestMismatchError,
  InputError,
  NotFoundError,
  OciCopyError,
  OperationError,
  messageOf,
} from './oci/errors.js';
export { defaultSuccessors } from './oci/manifest.js';
export { MediaType } from './oci/media-types.js';
export { parsePlatform } from './oci/platform.js';
export { formatReference, parseReference, type Reference } from './oci/reference.js';
export type { BlobLocation, Mounter, ReadOnlyTarget, ReferrerLister, Target, TagLister } from './targets/target.js';
export { openDestination, openSource, type FallbackCredentials, type OpenTargetOptions } from './targets/open-target.js';
export { openRegistryRepository, RegistryRepository } from './targets/registry/index.js';
export type { NetworkOptions } from './targets/registry/network/dispatcher.js';
export { httpEventLine, type HttpEvent, type HttpObserver } from './targets/registry/network/observer.js';
export { readCaFile } from './targets/registry/network/tls.js';
export { openLayout, OciLayoutTarget } from './targets/layout/layout.js';
export { openArchiveFile, openArchiveStream, OciArchiveReader } from './targets/archive/reader.js';
export { createArchiveWriter, openArchiveFileWriter, OciArchiveWriter } from './targets/archive/writer.js';
export { MemoryTarget } from './targets/memory.js';
export type { BlobInfoCache } from './blob-cache/types.js';
export { defaultCacheFile, FileBlobInfoCache } from './blob-cache/file-cache.js';
export { runJob, BUILT_IN_CHECKS } from './job/run-job.js';
export type {
  JobSettings,
  JobWork,
  JobHooks,
  JobReporter,
  JobPlan,
  ItemStart,
  ImageOptions,
  BlobCacheStore,
  IntegritySettings,
  LockSettings,
} from './job/settings.js';
export { DestinationCheck, type DestinationCheckOptions, type GraphCheck } from './integrity/destination-check.js';
export { problemLine, IntegrityError, type IntegrityProblem, type ProblemKind } from './integrity/problems.js';
export type { ImageIntegrity } from './job/checks/integrity/names.js';
export type {
  JobOutcome,
  ItemOutcome,
  ItemStatus,
  TagOutcome,
  PlatformOutcome,
  ReferrerOutcome,
  NodeGroup,
  LockOutcome,
} from './job/outcome/outcome.js';
export {
  CheckRefusal,
  type ImageCheck,
  type ImageCheckContext,
  type AfterTagStage,
  type AfterTagContext,
  type CheckRecord,
  type CheckRecords,
  type KnownCheckRecords,
} from './job/checks/check.js';
export type { CheckPresenter, PresentedRecord, JsonPart } from './job/checks/presenter.js';
export { noClobberCheck } from './job/checks/no-clobber.js';
export { signatureCheck, type SignatureCheckOptions } from './job/checks/signature-gates/signature-check.js';
export { signStage, signStageOptions, type SignStageOptions, type EntrySigningOptions } from './job/checks/signature-gates/sign-stage.js';
export { SigningKeys } from './job/checks/signature-gates/signing-keys.js';
export { signatureStages, type SignatureStages, type SignatureStageOptions } from './job/checks/signature-gates/stages.js';
export {
  SIGNATURE_POLICY_CHECK,
  SIGN_STAGE,
  VERIFICATION_SUMMARY_STAGE,
  type ImageVerification,
  type ImageSigning,
  type ImageSummary,
} from './job/checks/signature-gates/names.js';
export { signingPresenter, summaryPresenter, verificationPresenter } from './job/checks/signature-gates/presenter.js';
export { verificationSummaryStage, type SummaryStageOptions } from './job/checks/signature-gates/summary-stage.js';
export { checkAttestVerification } from './job/checks/signature-gates/load.js';
export { verificationRecords } from './job/render/verification.js';
export { parseSignatureInputs, parseSignInputs, type SignatureInputs, type SignInputs } from './signatures/parse-settings.js';
export { copyLog, syncLog, eventLines, resultLine, planLine, type LineSink } from './job/render/log.js';
export { STATUS_WORDS } from './job/render/status-words.js';
export { imageRecords, blobRecords, copyAccount, integrityRecords } from './job/render/records.js';
export { sync, type SyncOptions, type SyncResult } from './api/sync.js';
export { planSync } from './job/plan-work.js';
export { expectedDigest, type LockedDigest } from './plan/plan.js';
export { formatLock, parseLock, readLock, writeLock, type Lock, type LockEntry, type LockedEntry } from './lock/lock-file.js';
export { LockIndex } from './lock/match.js';
export { driftCheck, LOCK_CHECK, type LockDrift } from './job/features/lock/drift-check.js';
export { TargetPool, type RunTargets } from './job/target-pool.js';
export type { Voice } from './settings/voice.js';
export { parseSyncEntries, type SyncEntry, type EntryDestination, type EntrySources } from './plan/entries.js';
export { expandEntries, shardItems, parseShard, type PlanItem, type Shard } from './plan/plan.js';
export { inferOperation, type Operation, type CopyOperation, type InPlaceOperation } from './plan/operation.js';
export { checkInPlace } from './job/in-place.js';
export { selectTags, tagVersion, type TagFilter, type TagVersion } from './plan/tag-filter.js';
export {
  parseVerifyPolicy,
  parseVerifyMode,
  verifyImage,
  signImage,
  attestImage,
  readCosignKeyFile,
  writeCosignKeyFile,
  parseTrustedRoot,
  publicGoodTrustRoot,
  SignatureDiscovery,
  SignatureRefusedError,
  SigningError,
  VerifySetting,
  SignSetting,
  AttestSetting,
  VSA_PREDICATE,
  policyDescriptor,
  summaryStatement,
  type VerificationSummary,
  type VerifyPolicy,
  type VerifyPolicySettings,
  type VerifyMode,
  type VerifyOptions,
  type SignOptions,
  type VerificationRecord,
  type SignRecord,
  type FoundSignature,
  type SignerIdentity,
} from './signatures/index.js';
export { ACTION_VOICE } from './settings/voice.js';
