import { STATUS_CODES } from 'node:http';
import { printable } from '../../../oci/text.js';
import { RegistryError } from '../errors.js';
import { describeProxy, type ProxyChoice } from './proxy.js';

/** The settings a network failure's fix may name. */
export type NetworkSetting = 'plain-http' | 'tls-verify' | 'ca-file';

/**
 * How an error asks for a setting, in the words of whoever gave the settings: by default
 * `set plain-http: true`; a caller with its own words (a command line's `add --plain-http`) gives them.
 */
export interface SettingVoice {
  set(setting: NetworkSetting, value: string): string;
  drop(setting: NetworkSetting): string;
}

/** The settings by their names. */
export const SETTING_VOICE: SettingVoice = {
  set: (setting, value) => `set ${setting}: ${value}`,
  drop: (setting) => `remove ${setting}`,
};

/** A failure of the network itself that no retry cures: a certificate, a protocol mix-up, a name. */
export class NetworkError extends RegistryError {
  override name = 'NetworkError';
  constructor(message: string) {
    super(message, false);
  }
}

/** Certificates that do not chain to anything trusted, in words (OpenSSL's own carry Node.js advice). */
const UNTRUSTED: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by an unknown CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate in its chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  CERT_UNTRUSTED: 'not trusted for this use',
  CERT_SIGNATURE_FAILURE: 'a signature that does not verify',
  INVALID_CA: 'an issuer that is not a CA',
  CERT_REJECTED: 'rejected',
};
const OUT_OF_DATE: Record<string, string> = { CERT_HAS_EXPIRED: 'expired', CERT_NOT_YET_VALID: 'not valid yet' };
/** OpenSSL's ways of saying the other side answered something other than TLS. */
const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_UNKNOWN_PROTOCOL',
]);

interface CodedError {
  code?: unknown;
  message?: string;
  hostname?: string;
  cert?: { subjectaltname?: string };
  cause?: unknown;
}

/** The error, then its causes: undici wraps a few (a TLS failure through a proxy tunnel). */
function chain(err: unknown): CodedError[] {
  const out: CodedError[] = [];
  for (let e = err as CodedError | undefined; e && typeof e === 'object' && out.length < 5; e = e.cause as CodedError | undefined)
    out.push(e);
  return out;
}

/**
 * The sentence for a failure that no retry cures, naming the cause and the fix; undefined for
 * anything else (a refused or cut connection, a timeout), which the caller may retry.
 */
export function fatalNetworkError(
  err: unknown,
  url: URL,
  voice: SettingVoice = SETTING_VOICE,
  proxy?: ProxyChoice,
): NetworkError | undefined {
  const host = printable(url.host);
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const detail = printable(e.message ?? code);
    if (Object.hasOwn(UNTRUSTED, code)) {
      return new NetworkError(
        `the certificate of ${host} is not trusted (${UNTRUSTED[code]}, ${code}): trust the CA that signed it (${voice.set('ca-file', 'FILE')}), or ${voice.set('tls-verify', 'false')} to skip verification`,
      );
    }
    if (Object.hasOwn(OUT_OF_DATE, code)) {
      return new NetworkError(
        `the certificate of ${host} is ${OUT_OF_DATE[code]} (${code}): renew it on the registry, or ${voice.set('tls-verify', 'false')} to skip verification`,
      );
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      const names = e.cert?.subjectaltname ? ` (it names ${printable(e.cert.subjectaltname)})` : '';
      return new NetworkError(
        `the certificate of ${host} is not for ${printable(url.hostname)}${names}: use a name it lists, or ${voice.set('tls-verify', 'false')} to skip verification`,
      );
    }
    if (NOT_TLS.has(code) || /wrong version number/i.test(e.message ?? '')) {
      return new NetworkError(`${host} answered plain HTTP to HTTPS: ${voice.set('plain-http', 'true')}`);
    }
    if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_')) {
      return new NetworkError(
        `the TLS handshake with ${host} failed (${detail}): check the registry's TLS set-up, or that ${host} is the registry`,
      );
    }
    if (code === 'ENOTFOUND') {
      const name = printable(e.hostname ?? url.hostname);
      if (proxy && name === printable(proxy.url.hostname)) {
        return new NetworkError(`cannot resolve the name of ${describeProxy(proxy)}: fix that variable, or unset it to connect directly`);
      }
      return new NetworkError(
        `cannot resolve ${name} (no such host): check the registry's name${proxy ? '' : ', or set HTTPS_PROXY if only a proxy reaches it'}`,
      );
    }
    const tunnel = /Proxy response \(([0-9]{3})\) !== 200/.exec(e.message ?? '');
    if (tunnel && proxy) return proxyRefusal(Number(tunnel[1]), url, proxy);
  }
  return undefined;
}

function proxyRefusal(status: number, url: URL, proxy: ProxyChoice): NetworkError {
  const host = printable(url.host);
  const line = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  if (status === 407) {
    return new NetworkError(
      `${describeProxy(proxy)} asks for credentials (${line}): give them in ${proxy.variable} as ${proxy.url.protocol}//USER:PASSWORD@${printable(proxy.url.host)}`,
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return new NetworkError(
      `${describeProxy(proxy)} could not reach ${host} (${line}): check the registry's name, or add it to NO_PROXY if it is reached directly`,
    );
  }
  return new NetworkError(
    `${describeProxy(proxy)} refused a connection to ${host} (${line}): add ${printable(url.hostname)} to NO_PROXY, or ask for the proxy to allow it`,
  );
}

/** A retryable failure's message gains the proxy it went through, so `ECONNREFUSED 10.0.0.1:3128` is not read as the registry's. */
export function throughProxy(message: string, proxy: ProxyChoice | undefined): string {
  return proxy ? `${message} (through ${describeProxy(proxy)})` : message;
}

/**
 * Whether a 400 to a plain-HTTP request is an HTTPS server saying so: Go's TLS server (which
 * distribution runs) answers `HTTP/1.0 400` with no header at all and "Client sent an HTTP request
 * to an HTTPS server"; nginx answers "The plain HTTP request was sent to HTTPS port".
 */
export function isHttpsServerAnswer(headers: Record<string, unknown>, body: string | undefined): boolean {
  if (body !== undefined) return /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i.test(body);
  return Object.keys(headers).length === 0;
}

export function httpsOnlyError(url: URL, voice: SettingVoice = SETTING_VOICE): NetworkError {
  return new NetworkError(`${printable(url.host)} speaks HTTPS, not plain HTTP: ${voice.drop('plain-http')}`);
}
