import { parseArgs } from 'node:util';
import { InputError } from '../oci/errors.js';
import { nearestWord } from '../oci/spelling.js';
import { printable } from '../oci/text.js';

/** Bad arguments: exit status 2, and a message in the words of the command line. */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/**
 * One flag of a command. `switch` is a boolean that may also be given a value, as skopeo's
 * `--tls-verify=false`: bare it means true.
 */
export interface Flag {
  name: string;
  kind: 'boolean' | 'string' | 'list' | 'switch';
  short?: string;
  /** What its value is called in help: `N`, `OS/ARCH`, `FILE`. */
  value?: string;
  help: string;
}

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` with Node's parser, in its strict mode, and turns its errors into sentences about
 * the flag at fault: `--bogus is not an option of oci-copy: did you mean --debug?`.
 */
export function parseFlags(command: string, flags: Flag[], argv: string[]): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const f of flags) {
    options[f.name] = {
      type: f.kind === 'boolean' ? 'boolean' : 'string',
      ...(f.kind === 'list' ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: withSwitchValues(flags, argv), options, allowPositionals: true, strict: true });
    return { values: values as ParsedFlags['values'], positionals };
  } catch (err) {
    throw rewordParseError(command, flags, err);
  }
}

/**
 * `--tls-verify` alone is `--tls-verify=true`; `--tls-verify false` is `--tls-verify=false`; a
 * switch whose other value is a word (`--check[=deep]`) takes that word apart too (`--check deep`).
 */
function withSwitchValues(flags: Flag[], argv: string[]): string[] {
  const switchFlags = flags.filter((f) => f.kind === 'switch');
  const switches = new Set(switchFlags.map((f) => `--${f.name}`));
  const words = new Map(switchFlags.map((f) => [`--${f.name}`, f.value]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!switches.has(arg)) {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next === 'true' || next === 'false' || (next !== undefined && next === words.get(arg))) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(`${arg}=true`);
    }
  }
  return out;
}

function rewordParseError(command: string, flags: Flag[], err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  const message = (err as Error)?.message ?? '';
  const flag = printable(/'(-[^' ]*)/.exec(message)?.[1] ?? '');
  const see = `see ${command} --help`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = nearestFlag(flag, flags);
    return new UsageError(`${flag} is not an option of ${command}: ${near ? `did you mean ${near}? (${see})` : see}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const spec = flags.find((f) => `--${f.name}` === flag || `-${f.short}` === flag);
    if (spec && spec.kind === 'boolean') return new UsageError(`${flag} takes no value: give it alone, or leave it out`);
    return new UsageError(`${flag} needs a value (${flag} ${spec?.value ?? 'VALUE'}): ${see}`);
  }
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return new UsageError(`${printable(message.split('\n')[0])}: ${see}`);
  return err;
}

/** The flag a mistyped one was most likely meant to be. */
function nearestFlag(given: string, flags: Flag[]): string | undefined {
  const near = nearestWord(
    given.replace(/^-+/, '').replace(/=.*$/, ''),
    flags.map((f) => f.name),
  );
  return near && `--${near}`;
}
