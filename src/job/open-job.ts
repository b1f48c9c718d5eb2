import { DEFAULT_CONCURRENCY } from '../copy/options.js';
import { CancelledError } from '../oci/errors.js';
import { onInterrupt } from '../runtime/interrupt.js';
import { RequestRate } from '../targets/registry/network/request-rate.js';
import { loadNetwork } from './network.js';
import type { JobReporter, JobSettings } from './settings.js';
import { TargetPool } from './target-pool.js';

/** A job once opened: what every phase after it shares. */
export interface OpenJob {
  settings: JobSettings;
  reporter: JobReporter;
  startedAt: number;
  dryRun: boolean;
  concurrency: number;
  /** One pool of targets and connections for the whole job. */
  pool: TargetPool;
  /** Aborted by the caller's signal or an interrupt. */
  signal: AbortSignal;
  /** Said about the settings and what was asked for and not done. */
  warnings: string[];
  /** Something asked for and not done: in the outcome, and told as it happens. */
  warn(line: string): void;
  /** Closes every target (once): those that served a successful item commit. */
  closeTargets(): Promise<void>;
  /** Unhooks the signal and the interrupt, and closes the targets as failed if nothing closed them. */
  release(): Promise<void>;
}

/**
 * Opens a job: trust loaded once for both sides, one pool (one request schedule, one set of
 * connections per registry), the caller's signal and interrupts wired to one abort. An interrupt
 * removes what is half written: every target closes as failed.
 */
export async function openJob(settings: JobSettings, reporter: JobReporter): Promise<OpenJob> {
  const startedAt = Date.now();
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    reporter.warning?.(line);
  };
  // Trust given as settings is loaded once for both sides; without it, each side's own stands.
  const network = settings.trust ? { network: await loadNetwork(settings.trust, settings.voice, warn) } : {};
  // A check writes nothing: every side is opened as a dry run opens it.
  const dryRun = settings.dryRun === true || settings.integrity?.mode === 'check';
  const voice = settings.voice ? { voice: settings.voice } : {};
  // One request schedule for the whole job: both sides' requests to a host count together.
  const rate = settings.requestsPerSecond !== undefined ? { requestRate: new RequestRate(settings.requestsPerSecond) } : {};
  const pool = new TargetPool(
    { ...voice, ...settings.source, ...network, ...rate },
    { ...voice, ...settings.destination, ...network, ...rate, dryRun },
  );
  const controller = new AbortController();
  const onAbort = () => controller.abort(settings.signal?.reason);
  if (settings.signal?.aborted) onAbort();
  else settings.signal?.addEventListener('abort', onAbort, { once: true });
  const dropCleanup = onInterrupt(() => {
    controller.abort(new CancelledError('interrupted'));
    return pool.close('failure');
  });
  let closed = false;
  return {
    settings,
    reporter,
    startedAt,
    dryRun,
    concurrency: settings.concurrency ?? DEFAULT_CONCURRENCY,
    pool,
    signal: controller.signal,
    warnings,
    warn,
    closeTargets() {
      closed = true;
      return pool.close();
    },
    async release() {
      dropCleanup();
      settings.signal?.removeEventListener('abort', onAbort);
      if (!closed) await pool.close().catch(() => undefined);
    },
  };
}
