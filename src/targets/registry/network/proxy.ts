import { isIP } from 'node:net';
import { InputError } from '../../../oci/errors.js';
import { isLoopbackHostname } from '../../../oci/reference.js';
import { printable } from '../../../oci/text.js';

/** A proxy taken from the environment, with the variable that named it (for messages). */
export interface ProxyChoice {
  url: URL;
  /** `HTTPS_PROXY`, `https_proxy`, … as it was spelt. */
  variable: string;
}

/** What the proxy variables say, read once. Undefined when none names a proxy. */
export interface ProxySettings {
  http?: ProxyChoice;
  https?: ProxyChoice;
  noProxy: NoProxyEntry[];
  /** NO_PROXY is `*`: nothing goes through a proxy. */
  none: boolean;
}

type NoProxyEntry =
  | { kind: 'cidr'; network: bigint; bits: number; family: 4 | 6; port: number }
  | { kind: 'host'; name: string; subdomainsOnly: boolean; port: number };

const SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks:']);

/** The first variable of `names` that is set and not empty: Go's order, upper case before lower. */
function firstSet(env: NodeJS.ProcessEnv, names: string[]): [string, string] | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return [name, value];
  }
  return undefined;
}

/**
 * Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case; upper case wins, as in Go's
 * `httpproxy.FromEnvironment`, which skopeo, crane and regctl use). A proxy without a scheme is
 * `http://`. A proxy password is told to `onSecret` before anything can log it.
 */
export function proxyFromEnv(env: NodeJS.ProcessEnv, onSecret?: (secret: string) => void): ProxySettings | undefined {
  const https = readProxy(env, ['HTTPS_PROXY', 'https_proxy'], onSecret);
  const http = readProxy(env, ['HTTP_PROXY', 'http_proxy'], onSecret);
  if (!https && !http) return undefined;
  const raw = firstSet(env, ['NO_PROXY', 'no_proxy'])?.[1] ?? '';
  return { http, https, none: raw === '*', noProxy: parseNoProxy(raw) };
}

function readProxy(env: NodeJS.ProcessEnv, names: string[], onSecret?: (secret: string) => void): ProxyChoice | undefined {
  const found = firstSet(env, names);
  if (!found) return undefined;
  const [variable, value] = found;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new InputError(`environment variable ${variable} is not a URL: use http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT)`);
  }
  if (url.password) onSecret?.(decodeURIComponent(url.password));
  if (!SCHEMES.has(url.protocol)) {
    throw new InputError(
      `environment variable ${variable} names a ${printable(url.protocol)} proxy: use an http://, https:// or socks5:// URL`,
    );
  }
  return { url, variable };
}

function parseNoProxy(raw: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const part of raw.split(/[,\s]+/)) {
    const entry = part.trim().toLowerCase();
    if (!entry || entry === '*') continue;
    const cidr = /^([0-9a-f:.]+)\/([0-9]{1,3})$/.exec(entry);
    if (cidr && isIP(cidr[1])) {
      const family = isIP(cidr[1]) as 4 | 6;
      const bits = Number(cidr[2]);
      if (bits <= (family === 4 ? 32 : 128)) entries.push({ kind: 'cidr', network: ipValue(cidr[1]), bits, family, port: 0 });
      continue;
    }
    const [host, port] = splitPort(entry);
    if (isIP(host)) {
      const family = isIP(host) as 4 | 6;
      entries.push({ kind: 'cidr', network: ipValue(host), bits: family === 4 ? 32 : 128, family, port });
      continue;
    }
    // `*.example.com` and `.example.com` match the subdomains only; `example.com` matches both.
    const subdomainsOnly = host.startsWith('.') || host.startsWith('*.');
    entries.push({ kind: 'host', name: host.replace(/^\*?\./, ''), subdomainsOnly, port });
  }
  return entries;
}

/** `host:port` → [host, port]; `[::1]:80` → ['::1', 80]; no port → 0. */
function splitPort(hostPort: string): [string, number] {
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(hostPort);
  if (bracketed) return [bracketed[1], Number(bracketed[2] ?? 0)];
  const m = /^([^:]+):([0-9]+)$/.exec(hostPort);
  return m ? [m[1], Number(m[2])] : [hostPort, 0];
}

function ipValue(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((v, part) => (v << 8n) | BigInt(Number(part)), 0n);
  // Expand `::` and read eight groups of 16 bits (an embedded IPv4 tail is two groups).
  let text = ip;
  const v4 = /([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$/.exec(text);
  if (v4) {
    const n = ipValue(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail !== undefined && tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail !== undefined ? [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups] : headGroups;
  return groups.reduce((v, g) => (v << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Loopback is never proxied, whatever the variables say: the Go tools' rule, with `*.localhost` (RFC 6761) too. */
export function isLoopbackName(hostname: string): boolean {
  return isLoopbackHostname(hostname) || hostname.replace(/\.$/, '').toLowerCase().endsWith('.localhost');
}

/** The proxy for `url`, or undefined to connect directly. */
export function proxyFor(settings: ProxySettings, url: URL): ProxyChoice | undefined {
  const choice = url.protocol === 'https:' ? settings.https : settings.http;
  if (!choice || settings.none) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackName(host)) return undefined;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const family = isIP(host);
  for (const entry of settings.noProxy) {
    if (entry.port && entry.port !== port) continue;
    if (entry.kind === 'cidr') {
      if (family !== entry.family) continue;
      const width = entry.family === 4 ? 32 : 128;
      const shift = BigInt(width - entry.bits);
      if (ipValue(host) >> shift === entry.network >> shift) return undefined;
    } else if (host.endsWith(`.${entry.name}`) || (!entry.subdomainsOnly && host === entry.name)) {
      return undefined;
    }
  }
  return choice;
}

/** `http://proxy.example.com:3128` (from HTTPS_PROXY): the proxy as a message names it, without its credentials. */
export function describeProxy(choice: ProxyChoice): string {
  return `the proxy ${printable(`${choice.url.protocol}//${choice.url.host}`)} (from ${choice.variable})`;
}
