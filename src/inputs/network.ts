import type { NetworkOptions } from '../targets/registry/network/dispatcher.js';
import { readCaFile } from '../targets/registry/network/tls.js';
import type { Inputs } from './inputs.js';
import { Input } from './names.js';
import type { Voice } from './voice.js';

/**
 * The trust settings the inputs ask for: the CA file read and checked once, before any connection,
 * and a warning line when verification is off, since nothing else would say so.
 */
export async function loadNetwork(
  inputs: Pick<Inputs, 'caFile' | 'tlsVerify'>,
  voice: Voice,
  warn: (line: string) => void,
): Promise<Pick<NetworkOptions, 'ca' | 'tlsVerify'>> {
  const ca = inputs.caFile ? await readCaFile(inputs.caFile, voice.input(Input.CaFile)) : undefined;
  if (!inputs.tlsVerify) {
    warn(
      `TLS verification is off (${voice.setting('tls-verify', 'false')}): no registry's certificate is checked, so anyone between here and a registry can read and change what is copied`,
    );
  }
  return { ...(ca ? { ca } : {}), tlsVerify: inputs.tlsVerify };
}
