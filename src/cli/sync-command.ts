import { readFile, stat } from 'node:fs/promises';
import { MAX_LIST_BYTES, parseCommonInputs, type CommonInputs } from '../inputs/inputs.js';
import { OperationError } from '../oci/errors.js';
import { printable, quoted } from '../oci/text.js';
import { entryFromValues, parseSyncEntries, type SyncEntry } from '../plan/entries.js';
import { parseShard } from '../plan/plan.js';
import { failureSummary, imageRecords, runTotals, syncLog, type LineSink } from '../run/run-log.js';
import { runPlan, type ItemResult, type RunReporter } from '../run/run.js';
import { planSync } from '../run/sync.js';
import { formatBytes, formatDuration } from '../copy/report.js';
import { COPY_FLAGS, commonFlagInputs, copyOptions, openSession, printPullLimits, readBothCredentials, type CommandIO } from './copy-command.js';
import { ExitCode, EXIT_CODE_HELP } from './exit-codes.js';
import { parseFlags, UsageError, type Flag } from './flags.js';
import { flagRows, formatHelp, type Help } from './help.js';
import { FLAG_VOICE } from './voice.js';
import type { TerminalProgress } from './progress.js';

/** The copy's flags that mean the same for many images, and the sync's own. */
const SHARED = new Set(['platform', 'referrers', 'dry-run', 'no-clobber', 'fail-fast', 'concurrency', 'no-mount', 'no-blob-cache', 'plain-http', 'tls-verify', 'ca-file', 'json', 'debug', 'version', 'help']);

export const SYNC_FLAGS: Flag[] = [
  { name: 'tags', kind: 'list', value: 'REGEX', help: 'with SRC-REPO DST-REPO: take the tags this regex matches whole (repeat: any of them)' },
  { name: 'exclude-tags', kind: 'list', value: 'REGEX', help: 'with SRC-REPO DST-REPO: drop the tags this regex matches whole' },
  { name: 'semver', kind: 'string', value: 'RANGE', help: 'with SRC-REPO DST-REPO: the tags that read as versions in this npm semver range' },
  { name: 'latest', kind: 'string', value: 'N', help: 'with SRC-REPO DST-REPO: of what is left, the tags of the N highest versions' },
  { name: 'shard', kind: 'string', value: 'K/N', help: 'take the K-th of N stable shares of the images (N jobs cover every image once)' },
  ...COPY_FLAGS.filter((f) => SHARED.has(f.name) || /^(src|dest)-/.test(f.name)),
];

export const SYNC_HELP: Help = {
  usage: ['oci-copy sync [options] FILE', 'oci-copy sync [options] SRC-REPO DST-REPO [--tags REGEX]... [--exclude-tags REGEX]... [--semver RANGE] [--latest N]'],
  summary:
    'Mirrors many images in one run: the entries of FILE (the YAML list the action takes as images), or the tags of one repository. Each tag is compared by HEAD on both sides first: an unchanged one costs no GET. Images copy several at a time under one transfer budget; a failed image does not stop the others.',
  sections: [
    {
      title: 'FILE',
      lines: [
        '- source: docker.io/library/alpine        # a repository: its tags, filtered below',
        '  destination: mirror.example.com/hub/    # a prefix: + library/alpine; or a repository',
        "  tags: ['3\\.[0-9]+']                      # regexes matching whole tags; exclude-tags likewise",
        "  semver: '>=3.18'                         # and latest: N, platform, referrers",
        '- source: ghcr.io/acme/app:1.2            # one image',
        '  destination: registry.example.com/acme/app',
      ],
    },
    { title: 'options', rows: flagRows(SYNC_FLAGS) },
    {
      title: 'examples',
      lines: [
        'oci-copy sync .github/mirror.yml',
        'oci-copy sync --shard 2/4 --json mirror.yml > shard-2.json',
        "oci-copy sync docker.io/library/alpine mirror.example.com/hub/alpine --semver '>=3.19' --latest 3",
        "oci-copy sync --dry-run ghcr.io/acme/app registry.example.com/acme/app --tags '1\\.4\\..*'",
      ],
    },
    { title: 'exit status', rows: EXIT_CODE_HELP },
  ],
};

/** `oci-copy sync FILE` or `oci-copy sync SRC-REPO DST-REPO [filters]`: the action's `images`, from a terminal. */
export async function syncCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags('oci-copy sync', SYNC_FLAGS, argv);
  if (values.help) {
    io.stdout.write(formatHelp(SYNC_HELP));
    return ExitCode.Done;
  }
  const inputs = parseSyncFlags(values);
  const entries = await syncEntries(values, positionals);
  const shard = typeof values.shard === 'string' ? parseShard(values.shard, '--shard') : undefined;
  await readBothCredentials(inputs, values, io);
  const { console } = io;
  const session = await openSession(inputs, values.debug === true, io);
  const startedAt = Date.now();
  try {
    const { all, items } = await planSync(entries, session.pool, shard);
    const share = shard ? `, shard ${shard.index}/${shard.count} takes ${items.length}` : '';
    console.line(`${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, ${all.length} ${all.length === 1 ? 'image' : 'images'}${share}`);
    const sink: LineSink = { line: (l) => console.line(l), startGroup: (t) => console.line(t), endGroup: () => {} };
    session.progress?.start();
    const results = await runPlan(items, session.pool, {
      copy: copyOptions(inputs, session.cache),
      parallel: inputs.concurrency,
      failFast: inputs.failFast,
      reporter: withProgress(syncLog(sink, items.length, inputs.dryRun), session.progress),
    });
    session.progress?.stop();
    await session.finish(results.some((r) => r.status === 'copied'));
    console.line(totalsLine(results, inputs.dryRun, Date.now() - startedAt));
    printPullLimits(console, session.pool);
    if (values.json) io.stdout.write(`${JSON.stringify(imageRecords(results))}\n`);
    const failure = failureSummary(results, 'images');
    if (failure) throw new OperationError(failure);
    return ExitCode.Done;
  } finally {
    await session.close();
  }
}

/** The flags every image takes, checked by the code that checks the action's inputs. */
function parseSyncFlags(values: Record<string, unknown>): CommonInputs {
  const given = commonFlagInputs(values);
  return parseCommonInputs((name) => given[name] ?? '', FLAG_VOICE);
}

const FILTERS = ['tags', 'exclude-tags', 'semver', 'latest'] as const;

async function syncEntries(values: Record<string, unknown>, positionals: string[]): Promise<SyncEntry[]> {
  const filters = FILTERS.filter((f) => values[f] !== undefined && !(Array.isArray(values[f]) && !(values[f] as unknown[]).length));
  if (positionals.length === 1) {
    if (filters.length) throw new UsageError(`--${filters[0]} goes with SRC-REPO DST-REPO; in FILE, give ${filters[0]}: in the entry`);
    const path = positionals[0];
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`FILE ${quoted(path)} does not exist: give the sync list (YAML), or SRC-REPO DST-REPO`);
    if (!info.isFile()) throw new UsageError(`FILE ${quoted(path)} is not a file: give the sync list (YAML), or SRC-REPO DST-REPO`);
    if (info.size > MAX_LIST_BYTES) throw new UsageError(`FILE ${quoted(path)} is ${info.size} bytes: a sync list is a small YAML file`);
    return parseSyncEntries(await readFile(path, 'utf8'), printable(path));
  }
  if (positionals.length === 2) {
    const [source, destination] = positionals;
    const names: Record<string, string> = { source: 'SRC-REPO', destination: 'DST-REPO' };
    return [
      entryFromValues(
        {
          source,
          destination,
          tags: values.tags as string[] | undefined,
          'exclude-tags': values['exclude-tags'] as string[] | undefined,
          semver: values.semver as string | undefined,
          latest: values.latest as string | undefined,
        },
        { entry: 'oci-copy sync', field: (name) => names[name] ?? `--${name}` },
      ),
    ];
  }
  throw new UsageError(`expected FILE, or SRC-REPO and DST-REPO, got ${positionals.length} arguments: see oci-copy sync --help`);
}

/** `12 copied, 50 unchanged, 0 failed; 1.2 GiB copied, 300 MiB mounted; in 2 min 3 s`. */
function totalsLine(results: ItemResult[], dryRun: boolean, ms: number): string {
  const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
  const { bytesCopied: copied, bytesMounted: mounted } = runTotals(results);
  const skipped = count('skipped') ? `, ${count('skipped')} not attempted` : '';
  if (dryRun) return `Would copy ${count('copy')} of ${results.length} images; ${count('unchanged')} unchanged, ${count('failed')} failed${skipped}; checked in ${formatDuration(ms)}`;
  return `${count('copied')} of ${results.length} images copied, ${count('unchanged')} unchanged, ${count('failed')} failed${skipped}; ${formatBytes(copied)} copied, ${formatBytes(mounted)} mounted; in ${formatDuration(ms)}`;
}

/** The terminal's status line counts every image's bytes, beside the log's lines. */
function withProgress(reporter: RunReporter, progress: TerminalProgress | undefined): RunReporter {
  if (!progress) return reporter;
  return {
    ...reporter,
    itemStarted(item, index) {
      const log = reporter.itemStarted?.(item, index);
      const bytes = progress.listener(index);
      return (event) => {
        bytes(event);
        log?.(event);
      };
    },
  };
}
