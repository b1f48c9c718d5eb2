import { defaultCacheFile, FileBlobInfoCache } from '../blob-cache/file-cache.js';
import type { CopyListener } from '../copy/events.js';
import { eventLine, logLines } from '../copy/log-lines.js';
import type { CopyOptions } from '../copy/options.js';
import { parseInputs, type CommonInputs, type Inputs } from '../inputs/inputs.js';
import { loadNetwork } from '../inputs/network.js';
import { OperationError } from '../oci/errors.js';
import { formatReference } from '../oci/reference.js';
import { printable } from '../oci/text.js';
import type { PlanItem } from '../plan/plan.js';
import { failureSummary } from '../run/run-log.js';
import { itemError, runPlan } from '../run/run.js';
import { TargetPool } from '../run/target-pool.js';
import { onInterrupt } from '../runtime/interrupt.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import { pullsLeft } from '../targets/registry/index.js';
import { httpEventLine, type HttpEvent } from '../targets/registry/network/observer.js';
import type { Console } from './console.js';
import { printCopyResult } from './copy-report.js';
import { ExitCode, EXIT_CODE_HELP } from './exit-codes.js';
import { parseFlags, UsageError, type Flag } from './flags.js';
import { flagRows, formatHelp, type Help } from './help.js';
import { credentialFlags, credentialVariables, readCredentials, readStdinPassword } from './passwords.js';
import { TerminalProgress } from './progress.js';
import { FLAG_VOICE } from './voice.js';

/** The streams and environment a command runs with (the process's, or a test's). */
export interface CommandIO {
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  console: Console;
}

export const COPY_FLAGS: Flag[] = [
  { name: 'to', kind: 'list', value: 'DESTINATION', help: 'a destination (repeat for several; the same as more DESTINATION arguments)' },
  { name: 'platform', kind: 'string', value: 'OS/ARCH[/VARIANT]', help: 'copy only this platform of an index; several, comma-separated: a new index of just those' },
  { name: 'referrers', kind: 'boolean', help: 'also copy signatures, SBOMs and attestations of the copied manifests' },
  { name: 'dry-run', kind: 'boolean', help: 'report what would happen, write nothing' },
  { name: 'no-clobber', kind: 'boolean', help: 'fail rather than move a destination tag that names another digest' },
  { name: 'fail-fast', kind: 'boolean', help: 'with several destinations, stop at the first that fails (by default each is tried)' },
  { name: 'concurrency', kind: 'string', value: 'N', help: 'blobs in flight, 1 to 64 (default 8)' },
  { name: 'no-mount', kind: 'boolean', help: 'never mount blobs across repositories' },
  { name: 'no-blob-cache', kind: 'boolean', help: 'neither read nor update the blob-info cache' },
  { name: 'plain-http', kind: 'boolean', help: 'plain HTTP to registries not on loopback' },
  { name: 'tls-verify', kind: 'switch', value: 'false', help: 'false: accept any registry certificate (a warning says so)' },
  { name: 'ca-file', kind: 'string', value: 'FILE', help: 'trust the PEM CA certificates in FILE too' },
  { name: 'operation', kind: 'string', value: 'auto|copy|import|export', help: 'say what the copy is; an operation that does not fit is an error' },
  { name: 'json', kind: 'boolean', help: 'print the per-node account as JSON on standard output' },
  { name: 'debug', kind: 'boolean', help: 'log every HTTP request and its status, credentials hidden' },
  ...credentialFlags('src'),
  ...credentialFlags('dest'),
  { name: 'version', kind: 'boolean', help: 'print the version and exit' },
  { name: 'help', kind: 'boolean', short: 'h', help: 'print this help and exit' },
];

const src = credentialVariables('src');
const dest = credentialVariables('dest');

export const COPY_HELP: Help = {
  usage: [
    'oci-copy [copy] [options] SOURCE DESTINATION [DESTINATION...]',
    'oci-copy [copy] [options] SOURCE --to DESTINATION [--to DESTINATION...]',
    'oci-copy sync [options] FILE | SRC-REPO DST-REPO     (many images: see oci-copy sync --help)',
  ],
  summary: 'Copies an image or artifact, and everything under it, from SOURCE to each DESTINATION (resolved once: every destination gets the same digest).',
  sections: [
    {
      title: 'references',
      rows: [
        ['[docker://]HOST[:PORT]/REPO[:TAG,...][@DIGEST]', 'a registry repository; alpine is docker.io/library/alpine'],
        ['oci:PATH[:TAG|@DIGEST]', 'an OCI image-layout directory'],
        ['oci-archive:PATH[:TAG|@DIGEST]', 'an OCI layout in a tar file; PATH - is standard input or output'],
        ['docker-archive:PATH[:NAME:TAG]', 'what docker save writes and docker load reads; PATH - as above'],
      ],
    },
    { title: 'options', rows: flagRows(COPY_FLAGS) },
    {
      title: 'environment',
      rows: [
        [`${src.username}, ${src.password}`, 'credentials for the source registry'],
        [`${dest.username}, ${dest.password}`, 'credentials for the destination registry'],
        ['DOCKER_CONFIG', 'where config.json is (docker login, credential helpers); default ~/.docker'],
        ['HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'proxies, as the Go tools read them; loopback is never proxied'],
        ['OCI_COPY_TIMEOUT_SECONDS', 'the longest a registry may stay silent (default 60)'],
        ['XDG_CACHE_HOME', 'where the blob-info cache lives (default ~/.cache/oci-copy)'],
      ],
    },
    {
      title: 'examples',
      lines: [
        'oci-copy ghcr.io/acme/app-dev:1.2 ghcr.io/acme/app:1.2,1,latest',
        'oci-copy --platform linux/arm64 alpine:3.20 registry.internal:5000/base/alpine:3.20',
        'oci-copy --referrers registry.example.com/app:1.4 oci-archive:app.tar:1.4',
        'oci-copy oci-archive:app.tar:1.4 --to eu.example.com/app:1.4 --to us.example.com/app:1.4',
        'printf %s "$TOKEN" | oci-copy --dest-username ci --dest-password-stdin oci:out ghcr.io/acme/app:1',
        'oci-copy --ca-file corp-ca.pem --debug registry.corp.example/app:1 oci:./app:1',
      ],
    },
    { title: 'exit status', rows: EXIT_CODE_HELP },
  ],
};

/**
 * `oci-copy [copy] SOURCE DESTINATION...`: the same inputs as the action, parsed by the same code,
 * run down the same path (a plan of one item per destination: HEAD first, every destination tried).
 */
export async function copyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags('oci-copy', COPY_FLAGS, argv);
  if (values.help) {
    io.stdout.write(formatHelp(COPY_HELP));
    return ExitCode.Done;
  }
  const inputs = parseCopyInputs(values, positionals);
  await readBothCredentials(inputs, values, io, inputs.source.transport !== 'registry' && inputs.source.path === '-');
  const { console } = io;
  const session = await openSession(inputs, values.debug === true, io);
  try {
    const several = inputs.destinations.length > 1;
    const items: PlanItem[] = inputs.destinations.map((destination) => ({ entry: 0, source: inputs.source, destination }));
    session.progress?.start();
    const results = await runPlan(items, session.pool, {
      copy: copyOptions(inputs, session.cache),
      failFast: inputs.failFast,
      walkInDryRun: true,
      reporter: {
        itemStarted(item, index) {
          if (several) console.line(`${inputs.dryRun ? 'Dry run' : 'Copying'} ${formatReference(item.source)} => ${formatReference(item.destination)}`);
          return all(session.progress?.listener(index), eventLines(console, session.progress));
        },
        itemDone(result) {
          if (result.status === 'failed' && several) console.line(`Failed: ${itemError(result)}`);
        },
      },
    });
    session.progress?.stop();
    await session.finish(results.some((r) => r.status !== 'failed' && r.status !== 'skipped'));
    const failure = failureSummary(results, 'destinations');
    // One destination that failed fails as the copy always did: its own error, its own status.
    if (!several && results[0].status === 'failed') throw results[0].error;
    printCopyResult(console, io.stdout, { source: results[0].sourceDescription ?? formatReference(inputs.source), results, dryRun: inputs.dryRun }, values.json === true);
    printPullLimits(console, session.pool);
    if (failure) throw new OperationError(failure);
    return ExitCode.Done;
  } finally {
    await session.close();
  }
}

/** `docker.io: 76 of 100 pulls left per 6 h`, a line for each registry that said, after the result. */
export function printPullLimits(console: Console, pool: TargetPool): void {
  for (const note of pool.rateLimits()) console.line(`${printable(note.registry)}: ${pullsLeft(note)}`);
}

/** What a command's run shares: the targets (closed on an interrupt), the blob-info cache, the terminal's status line. */
export interface Session {
  pool: TargetPool;
  cache?: FileBlobInfoCache;
  progress?: TerminalProgress;
  /** Closes the targets and saves the cache when the run wrote something. */
  finish(wrote: boolean): Promise<void>;
  /** Closes whatever `finish` did not (after a failure). */
  close(): Promise<void>;
}

/** Opens what a copy or a sync needs: trust settings, the blob-info cache, and a pool of targets. */
export async function openSession(inputs: CommonInputs, debug: boolean, io: CommandIO): Promise<Session> {
  const { console } = io;
  const progress = console.isTerminal ? new TerminalProgress(console) : undefined;
  const network = await loadNetwork(inputs, FLAG_VOICE, (line) => console.line(`warning: ${line}`));
  const cacheFile = defaultCacheFile(io.env);
  const cache = inputs.blobCache && inputs.mount ? new FileBlobInfoCache({ warn: (m) => console.line(`warning: ${m}`) }) : undefined;
  await cache?.load(cacheFile);
  const onHttp = debug || progress ? (event: HttpEvent) => (debug && console.line(`debug: ${httpEventLine(event)}`), progress?.onHttp(event)) : undefined;
  const open: OpenTargetOptions = { plainHttp: inputs.plainHttp, env: io.env, network, voice: FLAG_VOICE, ...(onHttp ? { onHttp } : {}) };
  const pool = new TargetPool({ ...open, credentials: inputs.sourceCredentials }, { ...open, credentials: inputs.destinationCredentials, dryRun: inputs.dryRun });
  // An interrupt removes what is half written: every target closes as failed.
  const dropCleanup = onInterrupt(() => pool.close('failure'));
  let closed = false;
  return {
    pool,
    ...(cache ? { cache } : {}),
    ...(progress ? { progress } : {}),
    async finish(wrote) {
      closed = true;
      dropCleanup();
      await pool.close();
      if (wrote && cache?.changed && !inputs.dryRun) await cache.save(cacheFile);
    },
    async close() {
      progress?.stop();
      dropCleanup();
      if (!closed) await pool.close('failure').catch(() => undefined);
    },
  };
}

/** The engine's options from the inputs. */
export function copyOptions(inputs: CommonInputs, cache: FileBlobInfoCache | undefined): CopyOptions {
  return {
    concurrency: inputs.concurrency,
    mount: inputs.mount,
    blobCache: cache,
    platform: inputs.platform,
    referrers: inputs.referrers,
    dryRun: inputs.dryRun,
    noClobber: inputs.noClobber,
  };
}

/** The flags every copy takes, as the action's inputs of the same meaning. */
export function commonFlagInputs(values: Record<string, unknown>): Record<string, string | undefined> {
  const flag = (name: string) => (values[name] === true ? 'true' : undefined);
  return {
    platform: values.platform as string | undefined,
    referrers: flag('referrers'),
    'dry-run': flag('dry-run'),
    'no-clobber': flag('no-clobber'),
    'fail-fast': flag('fail-fast'),
    concurrency: values.concurrency as string | undefined,
    mount: values['no-mount'] ? 'false' : undefined,
    'blob-cache': values['no-blob-cache'] ? 'false' : undefined,
    'plain-http': flag('plain-http'),
    'tls-verify': values['tls-verify'] as string | undefined,
    'ca-file': values['ca-file'] as string | undefined,
  };
}

/** The flags as the action's inputs, checked by the same code; messages speak of flags. */
function parseCopyInputs(values: Record<string, unknown>, positionals: string[]): Inputs {
  const [sourceArg, ...rest] = positionals;
  const destinationArgs = [...rest, ...((values.to as string[] | undefined) ?? [])];
  if (sourceArg === undefined) throw new UsageError('expected SOURCE and DESTINATION: see oci-copy --help');
  if (destinationArgs.length === 0) throw new UsageError(`expected a DESTINATION after ${FLAG_VOICE.value(sourceArg)} (or --to DESTINATION): see oci-copy --help`);
  const given: Record<string, string | undefined> = {
    source: sourceArg,
    destination: destinationArgs.join('\n'),
    operation: values.operation as string | undefined,
    ...commonFlagInputs(values),
  };
  const inputs = parseInputs((name) => given[name] ?? '', FLAG_VOICE);
  const toStdout = inputs.destinations.some((d) => d.transport !== 'registry' && d.path === '-');
  if (values.json && toStdout && !inputs.dryRun) {
    throw new UsageError('--json prints on standard output, which oci-archive:- fills with the archive: drop --json or give a file path');
  }
  if (inputs.destinations.filter((d) => d.transport !== 'registry' && d.path === '-').length > 1) {
    throw new UsageError('oci-archive:- is given twice as a destination: standard output takes one archive');
  }
  return inputs;
}

/** Both sides' credentials; standard input can give one password, and none when it carries the archive. */
export async function readBothCredentials(inputs: CommonInputs, values: Record<string, unknown>, io: CommandIO, stdinCarriesArchive = false): Promise<void> {
  const stdinFlags = ['src-password-stdin', 'dest-password-stdin'].filter((f) => values[f] === true);
  if (stdinFlags.length > 1) {
    throw new UsageError(`--src-password-stdin and --dest-password-stdin both read standard input: give one, and the other password in ${dest.password} or ${src.password}`);
  }
  if (stdinFlags.length && stdinCarriesArchive) {
    throw new UsageError(`--${stdinFlags[0]} reads standard input, which oci-archive:- reads the archive from: give the password in ${stdinFlags[0].startsWith('src') ? src.password : dest.password}`);
  }
  const stdin = (flag: string) => () => readStdinPassword(io.stdin, `--${flag}`);
  inputs.sourceCredentials = await readCredentials('src', values, io.env, stdin('src-password-stdin'));
  inputs.destinationCredentials = await readCredentials('dest', values, io.env, stdin('dest-password-stdin'));
}

/**
 * The lines a copy prints as it goes. On a terminal one per event, under the status line; elsewhere
 * (a CI log, `| tee`) also a progress line every few seconds for a blob that takes long.
 */
function eventLines(console: Console, progress: TerminalProgress | undefined): CopyListener {
  if (!progress) return logLines((line) => console.line(line));
  return (event) => {
    const line = eventLine(event);
    if (line) console.line(line);
  };
}

function all(...listeners: Array<CopyListener | undefined>): CopyListener {
  return (event) => {
    for (const l of listeners) l?.(event);
  };
}
