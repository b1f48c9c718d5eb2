import { checkInPlace } from '../job/in-place.js';
import { failureLine, type JobOutcome } from '../job/outcome/outcome.js';
import { copyAccount } from '../job/render/records.js';
import { runJob } from '../job/run-job.js';
import { OperationError } from '../oci/errors.js';
import { parseReference } from '../oci/reference.js';
import type { InPlaceOperation } from '../plan/operation.js';
import { SignSetting, VerifySetting } from '../signatures/settings.js';
import type { CommandIO } from './copy-command.js';
import { copyReporter } from './copy-report.js';
import { ExitCode, EXIT_CODE_HELP } from './exit-codes.js';
import { parseFlags, UsageError, type Flag } from './flags.js';
import { flagRows, formatHelp, type Help } from './help.js';
import { credentialFlags, credentialVariables, readCredentials, readStdinPassword } from './passwords.js';
import { flagSettings } from './settings.js';
import { SIGNATURE_FLAGS, signatureFlagSettings } from './signing.js';
import { printPullLimits, terminalSession } from './terminal.js';

const VERIFY_FLAGS = SIGNATURE_FLAGS.filter((f) => f.name.startsWith('verify-'));

/** The flags of `verify` and `sign`: the copy's words for what applies to an image where it is. */
function inPlaceFlags(operation: InPlaceOperation): Flag[] {
  const signing = operation === 'sign';
  return [
    {
      name: 'platform',
      kind: 'string',
      value: 'OS/ARCH[/VARIANT]',
      help: signing
        ? "sign this platform's manifest of an index (a policy checks the index that names it)"
        : "verify this platform's manifest as named by the signed index (with --verify-platforms, its own signature too)",
    },
    {
      name: 'dry-run',
      kind: 'boolean',
      help: signing ? 'say whether it would sign, write nothing' : 'the same as without: verify writes nothing',
    },
    { name: 'plain-http', kind: 'boolean', help: 'plain HTTP to a registry not on loopback' },
    { name: 'tls-verify', kind: 'switch', value: 'false', help: 'false: accept any registry certificate (a warning says so)' },
    { name: 'ca-file', kind: 'string', value: 'FILE', help: 'trust the PEM CA certificates in FILE too' },
    ...(signing ? SIGNATURE_FLAGS : VERIFY_FLAGS).map((f) => inPlaceHelp(f, signing)),
    { name: 'json', kind: 'boolean', help: 'print the result as JSON on standard output (its verification, its signing)' },
    { name: 'debug', kind: 'boolean', help: 'log every HTTP request and its status, credentials hidden' },
    { name: 'quiet', kind: 'boolean', short: 'q', help: 'print errors and the final line only' },
    ...credentialFlags('src').map((f) => ({ ...f, help: f.help.replace('the source registry', "REF's registry") })),
    { name: 'version', kind: 'boolean', help: 'print the version and exit' },
    { name: 'help', kind: 'boolean', short: 'h', help: 'print this help and exit' },
  ];
}

/** A signature flag's help as it reads for an image acted on in place. */
function inPlaceHelp(flag: Flag, signing: boolean): Flag {
  const help: Record<string, string> = {
    [VerifySetting.Key]: signing
      ? 'sign only an image already signed with this public key (cosign.pub)'
      : 'the public key (cosign.pub) it must be signed with',
    [VerifySetting.CertificateIdentity]: 'the identity it must be signed keyless by (a workflow URL, an e-mail)',
    [VerifySetting.Mode]: 'enforce (default): an image that fails the policy is refused (exit 1); warn: a warning, exit 0',
    [SignSetting.Sign]: 'keyless (default without --sign-key) or key (default with it); an image this signer signed already is left alone',
  };
  return help[flag.name] ? { ...flag, help: help[flag.name] } : flag;
}

const src = credentialVariables('src');

function inPlaceHelpText(operation: InPlaceOperation): Help {
  const signing = operation === 'sign';
  return {
    usage: signing
      ? ['oci-copy sign [--sign keyless|key] [--sign-key FILE] [options] REF']
      : [
          'oci-copy verify --verify-key FILE [options] REF',
          'oci-copy verify --verify-certificate-identity ID --verify-certificate-oidc-issuer URL REF',
        ],
    summary: signing
      ? 'Signs the digest REF names where it is (a registry repository, or an oci: layout), as cosign sign does, unless this signer has signed it already; nothing is copied. With --verify-* it is verified first, and signed only when it passes.'
      : 'Verifies that the digest REF names (a registry repository, or an oci: layout) carries a signature, or each attestation asked for, that satisfies the policy, as cosign verify does; nothing is copied or written.',
    sections: [
      { title: 'options', rows: flagRows(inPlaceFlags(operation)) },
      {
        title: 'environment',
        rows: [
          [`${src.username}, ${src.password}`, "credentials for REF's registry"],
          ...(signing
            ? ([
                ['COSIGN_PASSWORD', 'the password of the --sign-key file'],
                [
                  'SIGSTORE_ID_TOKEN',
                  "the OIDC identity token for keyless signing (else the GitHub runner's, when the job may ask for one)",
                ],
              ] as Array<[string, string]>)
            : []),
          ['DOCKER_CONFIG', 'where config.json is (docker login, credential helpers); default ~/.docker'],
          ['HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'proxies, as the Go tools read them; loopback is never proxied'],
        ],
      },
      {
        title: 'examples',
        lines: signing
          ? [
              'oci-copy sign --sign-key cosign.key ghcr.io/acme/app:1.2',
              'oci-copy sign --sign key --sign-key cosign.key --signature-format legacy oci:./out:1.2',
              'oci-copy sign --platform linux/arm64 --sign-key cosign.key ghcr.io/acme/app:1.2',
            ]
          : [
              'oci-copy verify --verify-key cosign.pub ghcr.io/acme/app:1.2',
              'oci-copy verify --verify-certificate-oidc-issuer https://token.actions.githubusercontent.com \\',
              '    --verify-certificate-identity \\',
              '    https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2 \\',
              '    --json ghcr.io/acme/app:1.2',
              'oci-copy verify --verify-key cosign.pub --verify-mode warn oci:./out:1.2',
            ],
      },
      {
        title: 'exit status',
        rows: EXIT_CODE_HELP.map(([code, what]): [string, string] =>
          code === String(ExitCode.Done)
            ? [
                code,
                signing ? 'signed, or signed already by this signer' : 'verified (or, with --verify-mode warn, not: a warning says so)',
              ]
            : code === String(ExitCode.Failed)
              ? [
                  code,
                  signing
                    ? 'not signed, or refused by the policy (the last line says why)'
                    : 'refused: no signature satisfies the policy (the last line says why)',
                ]
              : [code, what],
        ),
      },
    ],
  };
}

/** `oci-copy verify … REF`: the image verified where it is, as cosign verify does; nothing written. */
export function verifyCommand(argv: string[], io: CommandIO): Promise<number> {
  return inPlaceCommand('verify', argv, io);
}

/** `oci-copy sign … REF`: the digest signed where it is, as cosign sign does; a re-run signs nothing. */
export function signCommand(argv: string[], io: CommandIO): Promise<number> {
  return inPlaceCommand('sign', argv, io);
}

/**
 * One image acted on in place: the flags made into a job of kind `in-place` (the signature check
 * and the signing stage of a copy, and no copy), its outcome printed as a copy's: the log lines,
 * `--json` the copy's account with `"operation"`. Exit 0 verified or signed, 1 refused or failed,
 * 2 bad arguments.
 */
async function inPlaceCommand(operation: InPlaceOperation, argv: string[], io: CommandIO): Promise<number> {
  const command = `oci-copy ${operation}`;
  const flags = inPlaceFlags(operation);
  const { values, positionals } = parseFlags(command, flags, argv);
  if (values.help) {
    io.stdout.write(formatHelp(inPlaceHelpText(operation)));
    return ExitCode.Done;
  }
  const [refArg, ...extra] = positionals;
  if (refArg === undefined) throw new UsageError(`${command} expects REF, the image to ${operation}: see ${command} --help`);
  if (extra.length)
    throw new UsageError(
      `${command} takes one REF and acts on it in place; ${extra[0]} is one more: to copy and ${operation}, use oci-copy SOURCE DESTINATION with the same flags`,
    );
  const reference = parseReference(refArg, 'REF');
  const terminal = terminalSession(io.console, io.env, values);
  const settings = flagSettings(values, terminal.open);
  checkInPlace(reference, operation, settings.image?.platform, 'REF');
  if (operation === 'sign' && values.sign === undefined) {
    values.sign = values['sign-key'] !== undefined ? 'key' : 'keyless';
    const token = io.env.SIGSTORE_ID_TOKEN?.trim() || io.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    if (values.sign === 'keyless' && !token && values['dry-run'] !== true)
      throw new UsageError(
        `${command} signs keyless without --sign-key, which needs an OIDC identity token: set SIGSTORE_ID_TOKEN (as cosign reads it), run in a GitHub Actions job with "permissions: id-token: write", or give --sign-key FILE`,
      );
  }
  const stages = await signatureFlagSettings(values, io.env);
  if (operation === 'verify' && !stages.checks?.length)
    throw new UsageError(
      `${command} needs a policy: give --verify-key FILE, or --verify-certificate-identity ID (or -regexp) with --verify-certificate-oidc-issuer URL`,
    );
  const credentials = await readCredentials('src', values, io.env, () => readStdinPassword(io.stdin, '--src-password-stdin'));
  const { console } = io;
  terminal.progress?.start();
  let outcome: JobOutcome;
  try {
    outcome = await runJob(
      {
        ...settings,
        ...stages,
        work: { kind: 'in-place', operation, reference },
        source: { ...settings.source, credentials },
      },
      { reporter: copyReporter(console, terminal.progress, 1) },
    );
  } finally {
    terminal.progress?.stop();
  }
  if (values.json) io.stdout.write(`${JSON.stringify(copyAccount(outcome))}\n`);
  const [result] = outcome.results;
  if (result.status === 'failed') throw result.cause;
  printPullLimits(console, outcome);
  const failure = failureLine(outcome.results, { what: 'destinations', errorsTold: true });
  if (failure) throw new OperationError(failure);
  return ExitCode.Done;
}
