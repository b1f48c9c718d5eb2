import { parseArgs } from 'node:util';
import { defaultCacheFile, FileBlobInfoCache } from '../blob-cache/file-cache.js';
import { copy } from '../copy/copy.js';
import type { CopyEvent } from '../copy/events.js';
import { eventLine } from '../copy/log-lines.js';
import { CopyReport, formatBytes, formatDuration } from '../copy/report.js';
import { parseInputs } from '../inputs/inputs.js';
import { InputError, messageOf } from '../oci/errors.js';
import { safeLine } from '../oci/text.js';
import { openDestination, openSource } from '../targets/open-target.js';
import type { ReadOnlyTarget } from '../targets/target.js';

const USAGE = `usage: oci-copy SOURCE DESTINATION [options]

SOURCE and DESTINATION: [docker://]HOST/REPO[:TAG][@DIGEST], oci:PATH[:TAG|@DIGEST],
oci-archive:PATH[:TAG|@DIGEST], docker-archive:PATH[:NAME:TAG] (PATH "-" is stdin or stdout).

options:
  --platform OS/ARCH[/VARIANT]   copy only this platform of an index; several, comma-separated:
                                 a new index of just those (its digest differs from the source's)
  --referrers                    also copy signatures, SBOMs and attestations of the copied manifests
  --dry-run                      report what would happen, write nothing
  --no-clobber                   fail rather than move a destination tag that names another digest
  --concurrency N                blobs in flight (default 8)
  --no-mount                     never mount blobs across repositories
  --no-blob-cache                neither read nor update the blob-info cache
  --plain-http                   plain HTTP to registries not on loopback
  --src-creds USER:PASSWORD      credentials for the source registry
  --dest-creds USER:PASSWORD     credentials for the destination registry
  --operation auto|copy|import|export
  --json                         print the per-node account as JSON on stdout
  -h, --help`;

/** The command line: the same inputs as the action, parsed by the same code, over the same core. */
export async function main(argv: string[]): Promise<number> {
  const opened: ReadOnlyTarget[] = [];
  let outcome: 'success' | 'failure' = 'failure';
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        platform: { type: 'string' },
        referrers: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'no-clobber': { type: 'boolean' },
        concurrency: { type: 'string' },
        'no-mount': { type: 'boolean' },
        'no-blob-cache': { type: 'boolean' },
        'plain-http': { type: 'boolean' },
        'src-creds': { type: 'string' },
        'dest-creds': { type: 'string' },
        operation: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 2) throw new InputError(`expected SOURCE and DESTINATION, got ${positionals.length} argument(s); see oci-copy --help`);
    const [srcUser, srcPass] = splitCreds(values['src-creds'], '--src-creds');
    const [dstUser, dstPass] = splitCreds(values['dest-creds'], '--dest-creds');
    const given: Record<string, string | undefined> = {
      source: positionals[0],
      destination: positionals[1],
      operation: values.operation,
      platform: values.platform,
      referrers: values.referrers ? 'true' : undefined,
      'dry-run': values['dry-run'] ? 'true' : undefined,
      'no-clobber': values['no-clobber'] ? 'true' : undefined,
      concurrency: values.concurrency,
      mount: values['no-mount'] ? 'false' : undefined,
      'blob-cache': values['no-blob-cache'] ? 'false' : undefined,
      'plain-http': values['plain-http'] ? 'true' : undefined,
      'source-username': srcUser,
      'source-password': srcPass,
      'destination-username': dstUser,
      'destination-password': dstPass,
    };
    const inputs = parseInputs((name) => given[name] ?? '');
    const toStdout = inputs.destinations[0].transport !== 'registry' && inputs.destinations[0].path === '-';
    if (values.json && toStdout && !inputs.dryRun) {
      throw new InputError('--json prints on standard output, which oci-archive:- fills with the archive: drop --json or give a file path');
    }
    // Logs go to stderr: stdout may be the archive itself.
    const log = (line: string) => process.stderr.write(`${safeLine(line)}\n`);
    const cacheFile = defaultCacheFile();
    const cache = inputs.blobCache && inputs.mount ? new FileBlobInfoCache({ warn: (m) => log(`warning: ${m}`) }) : undefined;
    await cache?.load(cacheFile);

    const src = await openSource(inputs.source, { plainHttp: inputs.plainHttp, credentials: inputs.sourceCredentials });
    opened.push(src);
    const dst = await openDestination(inputs.destinations[0], { plainHttp: inputs.plainHttp, credentials: inputs.destinationCredentials, dryRun: inputs.dryRun });
    opened.push(dst);
    const report = new CopyReport();
    const progress = process.stderr.isTTY ? terminalProgress() : () => {};
    const root = await copy(src, inputs.source, dst, inputs.destinations[0], {
      concurrency: inputs.concurrency,
      mount: inputs.mount,
      blobCache: cache,
      platform: inputs.platform,
      referrers: inputs.referrers,
      dryRun: inputs.dryRun,
      noClobber: inputs.noClobber,
      onEvent: (event) => {
        report.listener(event);
        progress(event);
        const line = eventLine(event);
        if (line) log(line);
      },
    });
    report.finish();
    outcome = 'success';
    await Promise.all(opened.splice(0).map((t) => t.close('success')));
    if (cache?.changed && !inputs.dryRun) await cache.save(cacheFile);
    const t = report.totals();
    log(`${inputs.dryRun ? 'Would copy' : 'Copied'} ${src.description} => ${dst.description}`);
    log(`Digest: ${root.digest}`);
    log(
      inputs.dryRun
        ? `Would copy ${t.copied} (${formatBytes(t.bytesCopied)}) and mount ${t.mounted} (${formatBytes(t.bytesMounted)}); ${t.existing} already there; checked in ${formatDuration(report.durationMs)}`
        : `${t.copied} copied (${formatBytes(t.bytesCopied)}), ${t.mounted} mounted (${formatBytes(t.bytesMounted)}), ${t.existing} already there, in ${formatDuration(report.durationMs)}`,
    );
    if (values.json) {
      const account = { digest: root.digest, mediaType: root.mediaType, size: root.size, dryRun: inputs.dryRun, tags: report.tags, blobs: report.nodes };
      process.stdout.write(`${JSON.stringify(account)}\n`);
    }
    return 0;
  } catch (err) {
    await Promise.allSettled(opened.splice(0).map((t) => t.close(outcome)));
    process.stderr.write(`${safeLine(`oci-copy: ${messageOf(err)}`)}\n`);
    return err instanceof InputError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

function splitCreds(value: string | undefined, flag: string): [string | undefined, string | undefined] {
  if (value === undefined) return [undefined, undefined];
  const i = value.indexOf(':');
  if (i <= 0) throw new InputError(`${flag} must be USER:PASSWORD`);
  return [value.slice(0, i), value.slice(i + 1)];
}

/** One redrawn status line on a terminal: bytes moved so far across the blobs in flight. */
function terminalProgress(): (event: CopyEvent) => void {
  const inFlight = new Map<string, { bytes: number; size: number }>();
  let lastDraw = 0;
  return (event) => {
    if (event.type === 'progress') inFlight.set(event.node.digest, { bytes: event.bytes, size: event.node.size });
    else if (event.type === 'done') inFlight.delete(event.node.digest);
    const now = Date.now();
    if (event.type === 'progress' && now - lastDraw < 200) return;
    lastDraw = now;
    let bytes = 0;
    let size = 0;
    for (const f of inFlight.values()) {
      bytes += f.bytes;
      size += f.size;
    }
    process.stderr.write(`\r\x1b[K${inFlight.size ? `${inFlight.size} in flight: ${formatBytes(bytes)} / ${formatBytes(size)}` : ''}`);
    if (event.type !== 'progress') process.stderr.write('\r\x1b[K');
  };
}
