import { Input } from '../settings/names.js';
import type { Voice } from '../settings/voice.js';
import { printable, quoted } from '../oci/text.js';
import type { NetworkSetting } from '../targets/registry/network/failures.js';

/** The flag (or argument) that sets each input on the command line. */
const FLAG_OF: Record<string, string> = {
  [Input.Source]: 'SOURCE',
  [Input.Destination]: 'DESTINATION',
  [Input.Mount]: '--no-mount',
  [Input.BlobCache]: '--no-blob-cache',
  [Input.SourceUsername]: '--src-creds',
  [Input.DestinationUsername]: '--dest-creds',
  [Input.Username]: '--src-creds or --dest-creds',
};

function setting(name: NetworkSetting, value: string): string {
  if (name === 'plain-http') return '--plain-http';
  if (name === 'tls-verify') return `--tls-verify=${value}`;
  return `--ca-file ${value}`;
}

/** Messages in the words of the command line: `--concurrency is 0`, `add --plain-http`. */
export const FLAG_VOICE: Voice = {
  input: (name) => FLAG_OF[name] ?? `--${name}`,
  value: (text) => (text && !/\s|"/.test(text) ? printable(text) : quoted(text)),
  setting,
  set: (name, value) => `add ${setting(name, value)}`,
  drop: (name) => `drop --${name}`,
};
