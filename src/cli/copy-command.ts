import { defaultCacheFile, FileBlobInfoCache } from '../blob-cache/file-cache.js';
import { copyToMany, type Destination } from '../copy/copy.js';
import type { CopyListener } from '../copy/events.js';
import { eventLine, logLines } from '../copy/log-lines.js';
import { CopyReport } from '../copy/report.js';
import { parseInputs, type Inputs } from '../inputs/inputs.js';
import { loadNetwork } from '../inputs/network.js';
import { formatReference } from '../oci/reference.js';
import { onInterrupt } from '../runtime/interrupt.js';
import { openDestination, openSource, type OpenTargetOptions } from '../targets/open-target.js';
import { httpEventLine, type HttpEvent } from '../targets/registry/network/observer.js';
import type { ReadOnlyTarget } from '../targets/target.js';
import type { Console } from './console.js';
import { printCopyResult, type DestinationResult } from './copy-report.js';
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
  usage: ['oci-copy [copy] [options] SOURCE DESTINATION [DESTINATION...]', 'oci-copy [copy] [options] SOURCE --to DESTINATION [--to DESTINATION...]'],
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

/** `oci-copy [copy] SOURCE DESTINATION...`: the same inputs as the action, parsed by the same code, over the same core. */
export async function copyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags('oci-copy', COPY_FLAGS, argv);
  if (values.help) {
    io.stdout.write(formatHelp(COPY_HELP));
    return ExitCode.Done;
  }
  const inputs = parseCopyInputs(values, positionals);
  await readBothCredentials(inputs, values, io);
  const { console } = io;
  const opened: ReadOnlyTarget[] = [];
  const dropCleanup = onInterrupt(() => closeAll(opened, 'failure'));
  let outcome: 'success' | 'failure' = 'failure';
  const progress = console.isTerminal ? new TerminalProgress(console) : undefined;
  try {
    const network = await loadNetwork(inputs, FLAG_VOICE, (line) => console.line(`warning: ${line}`));
    const cacheFile = defaultCacheFile();
    const cache = inputs.blobCache && inputs.mount ? new FileBlobInfoCache({ warn: (m) => console.line(`warning: ${m}`) }) : undefined;
    await cache?.load(cacheFile);
    const debug = values.debug === true;
    const onHttp = debug || progress ? (event: HttpEvent) => (debug && console.line(`debug: ${httpEventLine(event)}`), progress?.onHttp(event)) : undefined;
    const open: OpenTargetOptions = { plainHttp: inputs.plainHttp, env: io.env, network, voice: FLAG_VOICE, ...(onHttp ? { onHttp } : {}) };

    const source = await openSource(inputs.source, { ...open, credentials: inputs.sourceCredentials });
    opened.push(source);
    const results: DestinationResult[] = [];
    const destinations: Destination[] = [];
    for (const [i, ref] of inputs.destinations.entries()) {
      const target = await openDestination(ref, { ...open, credentials: inputs.destinationCredentials, dryRun: inputs.dryRun });
      opened.push(target);
      results.push({ reference: formatReference(ref), description: target.description, report: new CopyReport() });
      const first = once(() => {
        // Destinations are copied in turn (each told its root first): one's first other event ends the one before, and starts its clock.
        results[i - 1]?.report.finish();
        results[i].report = new CopyReport();
        if (inputs.destinations.length > 1) console.line(`${inputs.dryRun ? 'Dry run' : 'Copying'} ${source.description} => ${target.description}`);
      });
      const onEvent = all(first, (event) => results[i].report.listener(event), progress?.listener(i), eventLines(console, progress));
      destinations.push({ target, ref, onEvent });
    }
    progress?.start();
    const root = await copyToMany(source, inputs.source, destinations, {
      concurrency: inputs.concurrency,
      mount: inputs.mount,
      blobCache: cache,
      platform: inputs.platform,
      referrers: inputs.referrers,
      dryRun: inputs.dryRun,
      noClobber: inputs.noClobber,
    });
    progress?.stop();
    for (const r of results) r.report.finish();
    outcome = 'success';
    await closeAll(opened, outcome);
    if (cache?.changed && !inputs.dryRun) await cache.save(cacheFile);
    printCopyResult(console, io.stdout, { source: source.description, root, destinations: results, dryRun: inputs.dryRun }, values.json === true);
    return ExitCode.Done;
  } finally {
    progress?.stop();
    dropCleanup();
    await closeAll(opened, outcome).catch(() => undefined);
  }
}

/** The flags as the action's inputs, checked by the same code; messages speak of flags. */
function parseCopyInputs(values: Record<string, unknown>, positionals: string[]): Inputs {
  const [sourceArg, ...rest] = positionals;
  const destinationArgs = [...rest, ...((values.to as string[] | undefined) ?? [])];
  if (sourceArg === undefined) throw new UsageError('expected SOURCE and DESTINATION: see oci-copy --help');
  if (destinationArgs.length === 0) throw new UsageError(`expected a DESTINATION after ${FLAG_VOICE.value(sourceArg)} (or --to DESTINATION): see oci-copy --help`);
  const flag = (name: string) => (values[name] === true ? 'true' : undefined);
  const given: Record<string, string | undefined> = {
    source: sourceArg,
    destination: destinationArgs.join('\n'),
    operation: values.operation as string | undefined,
    platform: values.platform as string | undefined,
    referrers: flag('referrers'),
    'dry-run': flag('dry-run'),
    'no-clobber': flag('no-clobber'),
    concurrency: values.concurrency as string | undefined,
    mount: values['no-mount'] ? 'false' : undefined,
    'blob-cache': values['no-blob-cache'] ? 'false' : undefined,
    'plain-http': flag('plain-http'),
    'tls-verify': values['tls-verify'] as string | undefined,
    'ca-file': values['ca-file'] as string | undefined,
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
async function readBothCredentials(inputs: Inputs, values: Record<string, unknown>, io: CommandIO): Promise<void> {
  const stdinFlags = ['src-password-stdin', 'dest-password-stdin'].filter((f) => values[f] === true);
  if (stdinFlags.length > 1) {
    throw new UsageError(`--src-password-stdin and --dest-password-stdin both read standard input: give one, and the other password in ${dest.password} or ${src.password}`);
  }
  if (stdinFlags.length && inputs.source.transport !== 'registry' && inputs.source.path === '-') {
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

/** Runs `work` at the first event past `resolved` (which every destination is told before any is copied). */
function once(work: () => void): CopyListener {
  let done = false;
  return (event) => {
    if (done || event.type === 'resolved') return;
    done = true;
    work();
  };
}

function all(...listeners: Array<CopyListener | undefined>): CopyListener {
  return (event) => {
    for (const l of listeners) l?.(event);
  };
}

async function closeAll(targets: ReadOnlyTarget[], outcome: 'success' | 'failure'): Promise<void> {
  const results = await Promise.allSettled(targets.splice(0).map((t) => t.close(outcome)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed && outcome === 'success') throw failed.reason;
}
