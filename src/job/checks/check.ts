import type { ResolvedRoot } from '../../copy/resolve-root.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { OciCopyError } from '../../oci/errors.js';
import type { SyncEntry } from '../../plan/entries.js';
import type { PlanItem } from '../../plan/plan.js';
import type { ReadOnlyTarget, Target } from '../../targets/target.js';
import type { ItemChecks } from './item-checks.js';
import type { CheckPresenter } from './presenter.js';
import type { ImageOptions } from '../settings.js';

/** What a check or stage leaves in the outcome under its name (say, who signed the image): plain data. */
export type CheckRecord = Readonly<Record<string, unknown>>;

/**
 * The record type of each check that names its own, by the name it records under: a check adds
 * itself by declaration merging (`declare module … { interface KnownCheckRecords { sign: ImageSigning } }`),
 * so `outcome.checks.sign` reads as that type.
 */
// biome-ignore lint/suspicious/noEmptyInterface: each check adds its record type by declaration merging
export interface KnownCheckRecords {}

/** What the checks and stages recorded for an image, by name: plain data, typed for the checks that say their type. */
export type CheckRecords = { readonly [K in keyof KnownCheckRecords]?: KnownCheckRecords[K] } & Readonly<Record<string, unknown>>;

/**
 * What a check knows of one image on its way to one destination, once the source is resolved and
 * the destination read, before any byte moves.
 */
export interface ImageCheckContext {
  readonly item: PlanItem;
  /** The sync entry the image came from (its per-entry settings), if it came from one. */
  readonly entry?: SyncEntry;
  /** What the image is copied with: the job's settings, the entry's own fields over them. */
  readonly options: ImageOptions;
  readonly dryRun: boolean;
  readonly source: ReadOnlyTarget;
  readonly destination: Target;
  /** What the source reference names, what is copied, and its platform manifests when known. */
  readonly resolved: ResolvedRoot;
  /** The references the destination gets: its tags, or the root's digest. */
  readonly references: readonly string[];
  /** What each of them names there now (undefined: nothing). */
  readonly current: ReadonlyMap<string, string | undefined>;
  /** Whether the destination already has the image under every reference (`differs` otherwise). */
  readonly state: 'unchanged' | 'differs';
  /** Fires when the job is cancelled. */
  readonly signal: AbortSignal;
  /**
   * The job checks its destinations and writes nothing (`check`): a gate such as a signature
   * policy judges what the destination holds, where users pull from, rather than the source.
   */
  readonly checking?: boolean;
  /**
   * Adds a line to the image's log and outcome; `warning` when something asked for is not done.
   * `check`: the line is told in the log as it happens, and left to that check's record elsewhere.
   */
  notice(message: string, check?: string): void;
  warning(message: string): void;
}

/**
 * A check that may refuse an image before any byte moves (no-clobber, a signature policy, a pull
 * budget). It refuses by throwing a `CheckRefusal`, whose message is the image's one error line;
 * any other error fails the image as a failed copy does. What it returns is kept in the outcome.
 */
export interface ImageCheck<R extends object = object> {
  readonly name: string;
  /** How its record is shown in the log, the summary and JSON; none: kept in the outcome, shown nowhere. */
  readonly presenter?: CheckPresenter<R>;
  /**
   * Runs for an image the destination already has too (a gate on every run, such as a signature
   * policy); without it, only for an image that differs (or whose referrers are copied).
   */
  readonly everyRun?: boolean;
  run(ctx: ImageCheckContext): Promise<R | void>;
}

/** What a stage after tagging knows besides: the root is in the destination under these references. */
export interface AfterTagContext extends ImageCheckContext {
  readonly root: Descriptor;
  /** What the checks, and the stages before this one, recorded for the image (say, its verification). */
  readonly checks: CheckRecords;
}

/** Runs the stages after tagging in order, each recording under its name; `all` false: only those that run on every run. */
export async function runAfterTag(
  stages: readonly AfterTagStage[],
  ctx: Omit<AfterTagContext, 'checks'>,
  records: ItemChecks,
  all: boolean,
): Promise<void> {
  for (const stage of stages) {
    if (!all && !stage.everyRun) continue;
    const result = await stage.run({ ...ctx, checks: records.records });
    if (result) records.add(stage, result);
  }
}

/** A stage run once an image is copied and tagged (signing, pruning); its error fails the image. */
export interface AfterTagStage<R extends object = object> {
  readonly name: string;
  /** How its record is shown; none: kept in the outcome, shown nowhere. */
  readonly presenter?: CheckPresenter<R>;
  /**
   * Runs for an image the destination already had, and in a dry run, too (`ctx.state` and
   * `ctx.dryRun` tell which): signing makes sure the digest ends up signed, and a dry run says what
   * it would sign. Without it, only for an image this job copied (or walked in a dry run).
   */
  readonly everyRun?: boolean;
  run(ctx: AfterTagContext): Promise<R | void>;
}

/** An image a check would not let through: not a failure of the copy, a decision, said in one line. */
export class CheckRefusal<R extends object = object> extends OciCopyError {
  override name = 'CheckRefusal';
  constructor(
    message: string,
    /** The check that refused. */
    readonly check: string,
    /** What it found, kept in the outcome. */
    readonly record?: R,
  ) {
    super(message);
  }
}

/**
 * Runs `checks` in order, each recording under its name; the first refusal (or error) is thrown.
 * An image that stays as it is moves nothing a check could object to: only the checks that gate
 * every run see it.
 */
export async function runChecks(checks: readonly ImageCheck[], ctx: ImageCheckContext, records: ItemChecks): Promise<void> {
  const moves = ctx.state === 'differs' || ctx.options.referrers;
  for (const check of checks) {
    if (!moves && !check.everyRun) continue;
    try {
      const record = await check.run(ctx);
      if (record) records.add(check, record);
    } catch (err) {
      // What a check throws carries no type: its refusal's record is taken as the check's own.
      if (err instanceof CheckRefusal && err.record) records.add(check, err.record);
      throw err;
    }
  }
}
