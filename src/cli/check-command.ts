import type { ItemOutcome, JobOutcome } from '../job/outcome/outcome.js';
import { checkLines } from '../job/render/checks.js';
import { integrityRecords } from '../job/render/records.js';
import { runJob } from '../job/run-job.js';
import { OperationError } from '../oci/errors.js';
import { parseReference } from '../oci/reference.js';
import { COPY_FLAGS, readBothCredentials, type CommandIO } from './copy-command.js';
import { ExitCode, EXIT_CODE_HELP } from './exit-codes.js';
import { parseFlags, UsageError, type Flag } from './flags.js';
import { flagRows, formatHelp, type Help } from './help.js';
import { flagSettings } from './settings.js';
import { signatureFlagSettings } from './signing.js';
import { terminalSession } from './terminal.js';
import { FLAG_VOICE } from './voice.js';

/** The copy's flags a check takes: what to read and how, and the verify-* policy (checked against the destination). */
const SHARED = new Set([
  'platform',
  'referrers',
  'concurrency',
  'plain-http',
  'tls-verify',
  'ca-file',
  'requests-per-second',
  'lock-file',
  'locked',
  'json',
  'debug',
  'quiet',
  'version',
  'help',
]);

/** What a shared flag means for a check, where the copy's words would say otherwise. */
const CHECK_MEANING: Record<string, string> = {
  platform: 'the destination holds only this platform of the source index (as a copy with --platform left it)',
  'lock-file': 'with --locked: the lock a copy or sync wrote (--lock-file); a check writes none',
  locked:
    'compare the destination with the digests --lock-file names instead of the source, which is not read (an air-gapped mirror against the lock it was built from)',
  'verify-mode': 'enforce (default): a destination digest that fails the policy fails the check; warn: a warning says so',
};

export const CHECK_FLAGS: Flag[] = [
  { name: 'deep', kind: 'boolean', help: 'download and hash every blob too (by default each is asked for, with its size)' },
  ...COPY_FLAGS.filter((f) => SHARED.has(f.name) || f.name.startsWith('verify-') || /^(src|dest)-/.test(f.name)).map((f) => ({
    ...f,
    help:
      CHECK_MEANING[f.name] ??
      (f.name === 'referrers'
        ? "every signature, attestation and SBOM the source has for the image's manifests must be in the destination too"
        : f.name === 'json'
          ? 'print the check records on standard output: [{source, destination, digest, status, problems: [{kind, digest, where, detail}]}]'
          : f.name.startsWith('verify-')
            ? f.help.replace(/^copy only an image/, 'the destination digest must be')
            : f.help),
  })),
];

export const CHECK_HELP: Help = {
  usage: ['oci-copy check [options] SOURCE DESTINATION', 'oci-copy check [options] DESTINATION'],
  summary:
    "Checks what a destination really holds, and writes nothing. Against SOURCE: the destination's tags must name the source's digest (else drift), and the graph under it must be whole in the destination: every manifest fetched and its digest checked, every blob there with its size (with --deep, downloaded and hashed). DESTINATION alone: the integrity of what its tag names. Each problem is one line naming the digest, its place in the graph and the repository; any problem exits 1.",
  sections: [
    { title: 'options', rows: flagRows(CHECK_FLAGS) },
    {
      title: 'examples',
      lines: [
        'oci-copy check ghcr.io/acme/app:1.2 registry.example.com/acme/app:1.2',
        'oci-copy check --deep --referrers ghcr.io/acme/app:1.2 registry.example.com/acme/app:1.2',
        'oci-copy check --deep registry.example.com/acme/app:1.2',
        'oci-copy sync --check mirror.yml          (every image of a sync list)',
      ],
    },
    {
      title: 'exit status',
      rows: EXIT_CODE_HELP.map(([code, text]) => [
        code,
        code === '1' ? 'a problem was found, or the check failed (the last line says why)' : text,
      ]),
    },
  ],
};

/**
 * `oci-copy check [SOURCE] DESTINATION`: a one-image job in check mode. Against a source, drift
 * and the destination's graph; alone, the destination is its own source, so only its graph can be
 * wrong. Each image's problems are printed a line each; any problem exits 1.
 */
export async function checkCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags('oci-copy check', CHECK_FLAGS, argv);
  if (values.help) {
    io.stdout.write(formatHelp(CHECK_HELP));
    return ExitCode.Done;
  }
  if (positionals.length < 1 || positionals.length > 2)
    throw new UsageError(
      `expected SOURCE DESTINATION, or DESTINATION alone, got ${positionals.length} arguments: see oci-copy check --help`,
    );
  const destinationArg = positionals[positionals.length - 1];
  const destination = parseReference(destinationArg, FLAG_VOICE.input('destination'));
  const source = positionals.length === 2 ? parseReference(positionals[0], FLAG_VOICE.input('source')) : destination;
  if (destination.transport !== 'registry' && destination.path === '-')
    throw new UsageError(
      `${FLAG_VOICE.value(destinationArg)} is standard input or output: a check reads a registry, a layout or an archive file`,
    );
  const terminal = terminalSession(io.console, io.env, values);
  const flags = flagSettings(values, terminal.open);
  const settings = { ...flags, ...(await signatureFlagSettings(values, io.env)) };
  const credentials = await readBothCredentials(values, io);
  const { console } = io;
  const outcome: JobOutcome = await runJob(
    {
      ...settings,
      work: { kind: 'copy', source, destinations: [destination] },
      integrity: { mode: 'check', deep: values.deep === true },
      source: { ...settings.source, credentials: positionals.length === 2 ? credentials.source : credentials.destination },
      destination: { ...settings.destination, credentials: credentials.destination },
    },
    {
      reporter: {
        warning: (line) => console.line(`warning: ${line}`),
        itemDone: (r) => printCheck(io, r),
        lockNote: (line) => console.line(line),
      },
    },
  );
  if (values.json) io.stdout.write(`${JSON.stringify(integrityRecords(outcome))}\n`);
  const [r] = outcome.results;
  if (r.status === 'failed') throw new OperationError(`${r.destination}: ${r.error}`);
  return ExitCode.Done;
}

/** The image's verdict and each problem (or what was checked), on standard error. */
function printCheck(io: CommandIO, r: ItemOutcome): void {
  const found = r.checks.check;
  if (!found) return;
  const title = found.status === 'intact' ? 'Intact' : found.status === 'drifted' ? 'Drifted' : 'Damaged';
  io.console.line(`${title} ${r.destination} (${found.digest})`);
  for (const line of checkLines(r)) io.console.line(line);
}
