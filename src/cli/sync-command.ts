import { readFile, stat } from 'node:fs/promises';
import { formatBytes, formatDuration } from '../job/outcome/copy-report.js';
import { MAX_LIST_BYTES } from '../settings/values.js';
import type { JobOutcome } from '../job/outcome/outcome.js';
import { planLine, syncLog } from '../job/render/log.js';
import { notDoneCounts, STATUS_WORDS } from '../job/render/status-words.js';
import { imageRecords, integrityRecords, pruneRecords } from '../job/render/records.js';
import { runJob } from '../job/run-job.js';
import type { JobReporter } from '../job/settings.js';
import { OperationError } from '../oci/errors.js';
import { printable, quoted } from '../oci/text.js';
import { entryFromValues, parseSyncEntries, type SyncEntry } from '../plan/entries.js';
import { parseShard } from '../plan/plan.js';
import { COPY_FLAGS, readBothCredentials, type CommandIO } from './copy-command.js';
import { ExitCode, EXIT_CODE_HELP } from './exit-codes.js';
import { parseFlags, UsageError, type Flag } from './flags.js';
import { flagRows, formatHelp, type Help } from './help.js';
import { fileCacheStore, flagSettings } from './settings.js';
import { SIGNATURE_FLAG_NAMES, signatureFlagSettings } from './signing.js';
import { consoleSink, printPullLimits, terminalSession, withProgress } from './terminal.js';

/** The copy's flags that mean the same for many images, and the sync's own. */
const SHARED = new Set([
  ...SIGNATURE_FLAG_NAMES,
  'requests-per-second',
  'min-pulls-left',
  'lock-file',
  'locked',
  'platform',
  'referrers',
  'dry-run',
  'repair',
  'no-clobber',
  'fail-fast',
  'concurrency',
  'no-mount',
  'no-blob-cache',
  'plain-http',
  'tls-verify',
  'ca-file',
  'json',
  'debug',
  'quiet',
  'version',
  'help',
]);

/** What a shared flag means for many images, where the copy's words would say otherwise. */
const SYNC_MEANING: Record<string, string> = {
  json: 'print the images array (one object per image: source, destination, digest, status, ...) on standard output; with prune, {"images": [...], "pruned": [...]}; with --check or --repair, {"images": [...], "check": [...]}',
  'fail-fast': 'stop starting images after the first that fails (by default every image is tried)',
  'no-clobber': 'fail an image rather than move a destination tag that names another digest',
};

export const SYNC_FLAGS: Flag[] = [
  {
    name: 'tags',
    kind: 'list',
    value: 'REGEX',
    help: 'with SRC-REPO DST-REPO: take the tags this regex matches whole (repeat: any of them)',
  },
  { name: 'exclude-tags', kind: 'list', value: 'REGEX', help: 'with SRC-REPO DST-REPO: drop the tags this regex matches whole' },
  {
    name: 'semver',
    kind: 'string',
    value: 'RANGE',
    help: 'with SRC-REPO DST-REPO: the tags that read as versions in this npm semver range',
  },
  { name: 'latest', kind: 'string', value: 'N', help: 'with SRC-REPO DST-REPO: of what is left, the tags of the N highest versions' },
  {
    name: 'prune',
    kind: 'boolean',
    help: 'with SRC-REPO DST-REPO: remove destination tags the filters select that the source no longer has',
  },
  {
    name: 'protect',
    kind: 'list',
    value: 'REGEX',
    help: 'with --prune: never remove the tags this regex matches whole (repeat: any of them)',
  },
  {
    name: 'immutable-tags',
    kind: 'list',
    value: 'GLOB',
    help: "with SRC-REPO DST-REPO: tags that never move ('v*'): one the destination has is not compared",
  },
  {
    name: 'check',
    kind: 'switch',
    value: 'deep',
    help: 'write nothing: check every image in the destination (tags, every manifest and blob; deep: every blob hashed), fail on any problem',
  },
  { name: 'shard', kind: 'string', value: 'K/N', help: 'take the K-th of N stable shares of the images (N jobs cover every image once)' },
  ...COPY_FLAGS.filter((f) => SHARED.has(f.name) || /^(src|dest)-/.test(f.name)).map((f) => ({
    ...f,
    help: SYNC_MEANING[f.name] ?? f.help,
  })),
];

export const SYNC_HELP: Help = {
  usage: [
    'oci-copy sync [options] FILE',
    'oci-copy sync [options] SRC-REPO DST-REPO [--tags REGEX]... [--exclude-tags REGEX]... [--semver RANGE] [--latest N]',
  ],
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
        "  verify-certificate-identity: https://…  # an entry's own signature policy (verify-* keys)",
        "  sign: keyless                            # an entry's own signing (sign* keys); sign: false for none",
        '  prune: true                              # remove tags the source deleted; protect: [REGEX]',
        "  immutable-tags: ['v*']                   # tags that never move: not compared once there",
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
        "oci-copy sync --prune --protect 'nightly' --immutable-tags 'v*' ghcr.io/acme/app registry.example.com/acme/app",
        'oci-copy sync --min-pulls-left 20 --requests-per-second 30 mirror.yml',
        'oci-copy sync --lock-file mirror.lock.json mirror.yml && oci-copy sync --locked --lock-file mirror.lock.json mirror.yml',
        'oci-copy sync --check=deep --referrers mirror.yml',
        'oci-copy sync --repair mirror.yml',
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
  const terminal = terminalSession(io.console, io.env, values);
  const settings = flagSettings(values, terminal.open);
  const entries = await syncEntries(values, positionals, io.env);
  Object.assign(
    settings,
    await signatureFlagSettings(values, io.env, entries, positionals.length === 1 ? printable(positionals[0]) : undefined),
  );
  const shard = typeof values.shard === 'string' ? parseShard(values.shard, '--shard') : undefined;
  const credentials = await readBothCredentials(values, io);
  const { console } = io;
  terminal.progress?.start();
  let outcome: JobOutcome;
  try {
    outcome = await runJob(
      {
        ...settings,
        work: { kind: 'sync', entries, ...(shard ? { shard } : {}) },
        source: { ...settings.source, credentials: credentials.source },
        destination: { ...settings.destination, credentials: credentials.destination },
      },
      {
        reporter: syncReporter(io, terminal.progress, entries.length),
        ...(settings.blobCache ? { cacheStore: fileCacheStore(io.env, (m) => console.line(`warning: ${m}`)) } : {}),
      },
    );
  } finally {
    terminal.progress?.stop();
  }
  console.final(settings.integrity?.mode === 'check' ? checkTotalsLine(outcome) : totalsLine(outcome));
  printPullLimits(console, outcome);
  if (values.json) io.stdout.write(`${JSON.stringify(syncJson(outcome, settings.integrity !== undefined))}\n`);
  if (outcome.failure) throw new OperationError(outcome.failure);
  return ExitCode.Done;
}

/** The list's size once it is expanded, then a line per unchanged image and a block per image copied or failed. */
function syncReporter(io: CommandIO, progress: Parameters<typeof withProgress>[1], entries: number): JobReporter {
  const reporter = syncLog(consoleSink(io.console));
  return withProgress(
    {
      ...reporter,
      planned(plan) {
        reporter.planned?.(plan);
        io.console.line(planLine(plan, entries));
      },
    },
    progress,
  );
}

const FILTERS = ['tags', 'exclude-tags', 'semver', 'latest', 'prune', 'protect', 'immutable-tags'] as const;

async function syncEntries(values: Record<string, unknown>, positionals: string[], env: NodeJS.ProcessEnv): Promise<SyncEntry[]> {
  const filters = FILTERS.filter(
    (f) => values[f] !== undefined && values[f] !== false && !(Array.isArray(values[f]) && !(values[f] as unknown[]).length),
  );
  if (positionals.length === 1) {
    if (filters.length) throw new UsageError(`--${filters[0]} goes with SRC-REPO DST-REPO; in FILE, give ${filters[0]}: in the entry`);
    const path = positionals[0];
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`FILE ${quoted(path)} does not exist: give the sync list (YAML), or SRC-REPO DST-REPO`);
    if (!info.isFile()) throw new UsageError(`FILE ${quoted(path)} is not a file: give the sync list (YAML), or SRC-REPO DST-REPO`);
    if (info.size > MAX_LIST_BYTES) throw new UsageError(`FILE ${quoted(path)} is ${info.size} bytes: a sync list is a small YAML file`);
    return parseSyncEntries(await readFile(path, 'utf8'), printable(path), { env });
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
          prune: values.prune === true ? true : undefined,
          protect: values.protect as string[] | undefined,
          'immutable-tags': values['immutable-tags'] as string[] | undefined,
        },
        { entry: 'oci-copy sync', field: (name) => names[name] ?? `--${name}` },
      ),
    ];
  }
  throw new UsageError(`expected FILE, or SRC-REPO and DST-REPO, got ${positionals.length} arguments: see oci-copy sync --help`);
}

/**
 * `--json`: the action's `images` output; when an entry prunes, `{images, pruned}` with its
 * `pruned` output beside it; with `--check` or `--repair`, `{images, check}` with its `check` output.
 */
function syncJson(outcome: JobOutcome, checked: boolean): unknown {
  const images = imageRecords(outcome);
  if (!outcome.pruned && !checked) return images;
  return { images, ...(outcome.pruned ? { pruned: pruneRecords(outcome) } : {}), ...(checked ? { check: integrityRecords(outcome) } : {}) };
}

/** `60 of 62 images intact, 2 failed; checked in 4 s`: what a check of every image found. */
function checkTotalsLine(outcome: JobOutcome): string {
  const records = integrityRecords(outcome);
  const intact = records.filter((r) => r.status === 'intact').length;
  const others = ['drifted', 'damaged', 'unchecked']
    .map((s) => [s, records.filter((r) => r.status === s).length] as const)
    .filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s}`);
  return `${intact} of ${records.length} images intact${others.length ? `, ${others.join(', ')}` : ''}; checked in ${formatDuration(outcome.durationMs)}`;
}

/** `12 copied, 50 unchanged, 0 failed; 1.2 GiB copied, 300 MiB mounted; in 2 min 3 s`. */
function totalsLine(outcome: JobOutcome): string {
  const { counts, results } = outcome;
  const rest = [
    `${counts.unchanged} ${STATUS_WORDS.unchanged.word}`,
    `${counts.failed} ${STATUS_WORDS.failed.word}`,
    ...notDoneCounts(counts),
  ].join(', ');
  const took = formatDuration(outcome.durationMs);
  if (counts.repaired)
    return `${counts.copied} of ${results.length} images ${STATUS_WORDS.copied.word}, ${counts.repaired} ${STATUS_WORDS.repaired.word}, ${rest}; ${formatBytes(outcome.bytes.copied)} copied, ${formatBytes(outcome.bytes.mounted)} mounted; in ${took}`;
  if (outcome.dryRun) return `${STATUS_WORDS.copy.title} ${counts.copy} of ${results.length} images; ${rest}; checked in ${took}`;
  return `${counts.copied} of ${results.length} images ${STATUS_WORDS.copied.word}, ${rest}; ${formatBytes(outcome.bytes.copied)} copied, ${formatBytes(outcome.bytes.mounted)} mounted; in ${took}`;
}
