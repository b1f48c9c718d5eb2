import type { NetworkOptions } from '../targets/registry/network/dispatcher.js';
import { readCaFile } from '../targets/registry/network/tls.js';
import type { Voice } from '../settings/voice.js';

/** How the settings are named when the caller gives no voice: by their own names. */
const PLAIN: Pick<Voice, 'input' | 'setting'> = { input: (name) => name, setting: (name, value) => `${name}: ${value}` };

/**
 * The trust settings a job asks for: the CA file read and checked once, before any connection,
 * and a warning line when verification is off, since nothing else would say so.
 */
export async function loadNetwork(
  trust: { caFile?: string; tlsVerify?: boolean },
  voice: Pick<Voice, 'input' | 'setting'> = PLAIN,
  warn: (line: string) => void = () => {},
): Promise<Pick<NetworkOptions, 'ca' | 'tlsVerify'>> {
  const ca = trust.caFile ? await readCaFile(trust.caFile, voice.input('ca-file')) : undefined;
  const tlsVerify = trust.tlsVerify !== false;
  if (!tlsVerify) {
    warn(
      `TLS verification is off (${voice.setting('tls-verify', 'false')}): no registry's certificate is checked, so anyone between here and a registry can read and change what is copied`,
    );
  }
  return { ...(ca ? { ca } : {}), tlsVerify };
}
