// A loopback HTTP proxy in front of a real registry that breaks chosen requests on purpose: what a
// registry in the wild does (cut connections, 503 and 429, truncated and stalled answers, a HEAD
// that lies) on demand, while everything else passes through untouched and streamed.
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Forwards `afterBytes` bytes of the request body, then resets the client's connection (a cut upload). */
  | { kind: 'reset-request'; afterBytes: number }
  /** Forwards the registry's headers and `afterBytes` bytes of its body, then resets (a cut download). */
  | { kind: 'reset-response'; afterBytes: number }
  /** Answers this status itself, with `Retry-After` when given; the registry never sees the request. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Sends the registry's headers (Content-Length included) but only `bytes` bytes of the body, then closes. */
  | { kind: 'truncate'; bytes: number }
  /** `headers`: sends the registry's headers, then nothing; `nothing`: never answers at all. */
  | { kind: 'stall'; after: 'headers' | 'nothing' }
  /** Answers 200 to a HEAD as if the content were there (to provoke MANIFEST_BLOB_UNKNOWN later). */
  | { kind: 'lie-exists' }
  /** Forwards the registry's answer, its body at most `bytesPerSecond` (a slow link). */
  | { kind: 'slow'; bytesPerSecond: number }
  /** Answers a redirect to `location` (another origin, say) instead of forwarding. */
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: (path: string) => string };

export interface FaultRule {
  method: string;
  /** Matched against the path with its query string. */
  path: RegExp;
  /** The first matching request (1-based) the fault hits (default 1). */
  nth?: number;
  /** How many matching requests from `nth` on it hits (default 1; Infinity for all). */
  times?: number;
  fault: Fault;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Status sent to the client, or undefined when the connection was cut or stalled before headers. */
  status?: number;
  /** When the proxy received the request (ms since the epoch). */
  at: number;
  headers: IncomingMessage['headers'];
  /** The fault applied, if any. */
  fault?: Fault['kind'];
}

export interface FiredFault {
  rule: FaultRule;
  method: string;
  path: string;
  at: number;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Every request the proxy received, in order. */
  requests(): ProxiedRequest[];
  /** Every fault that fired, in order. */
  fired(): FiredFault[];
  /** Forgets requests, fired faults and rules (match counters start again). */
  reset(): void;
  stop(): Promise<void>;
}

interface ArmedRule {
  rule: FaultRule;
  seen: number;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Starts a proxy on a free loopback port forwarding to `upstream` (`http://127.0.0.1:PORT`). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let rules: ArmedRule[] = [];
  let log: ProxiedRequest[] = [];
  let fired: FiredFault[] = [];
  const sockets = new Set<Socket>();
  let self = '';

  const pick = (method: string, path: string): FaultRule | undefined => {
    let chosen: FaultRule | undefined;
    for (const armed of rules) {
      const { rule } = armed;
      if (rule.method !== method || !rule.path.test(path)) continue;
      armed.seen++;
      const first = rule.nth ?? 1;
      const last = first + (rule.times ?? 1) - 1;
      if (!chosen && armed.seen >= first && armed.seen <= last) chosen = rule;
    }
    return chosen;
  };

  const rewriteLocation = (value: string): string => {
    try {
      const url = new URL(value, target);
      if (url.origin !== target.origin) return value;
      return value.startsWith('/') ? value : `${self}${url.pathname}${url.search}`;
    } catch {
      return value;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path, at: Date.now(), headers: req.headers };
    log.push(entry);
    const rule = pick(entry.method, path);
    const fault = rule?.fault;
    if (rule && fault) {
      entry.fault = fault.kind;
      fired.push({ rule, method: entry.method, path, at: entry.at });
    }
    res.on('finish', () => (entry.status = res.statusCode));

    if (
      fault?.kind === 'status' ||
      fault?.kind === 'redirect' ||
      fault?.kind === 'lie-exists' ||
      (fault?.kind === 'stall' && fault.after === 'nothing')
    ) {
      // Answered here: read and drop the request body so the client is not stuck sending it.
      req.resume();
      if (fault.kind === 'stall') return;
      if (fault.kind === 'status') {
        const body = fault.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] });
        const headers: OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        req.on('end', () => res.writeHead(fault.status, headers).end(body));
      } else if (fault.kind === 'redirect') {
        req.on('end', () => res.writeHead(fault.status, { location: fault.location(path), 'content-length': 0 }).end());
      } else {
        req.on('end', () => res.writeHead(200, { 'content-length': 0, 'content-type': 'application/octet-stream' }).end());
      }
      return;
    }

    const headers: OutgoingHttpHeaders = { ...req.headers, host: target.host };
    for (const h of HOP_BY_HOP) if (h !== 'transfer-encoding') delete headers[h];
    const up = httpRequest({ host: target.hostname, port: target.port, method: entry.method, path, headers });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.on('aborted', () => up.destroy());
    req.on('error', () => up.destroy());

    if (fault?.kind === 'reset-request') {
      let forwarded = 0;
      req.on('data', (chunk: Buffer) => {
        if (forwarded >= fault.afterBytes) return;
        const room = fault.afterBytes - forwarded;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        forwarded += part.length;
        up.write(part);
        if (forwarded >= fault.afterBytes) {
          up.destroy();
          reset(req.socket);
        }
      });
      req.on('end', () => {
        // The whole body was shorter than the cut: cut at the end instead.
        up.destroy();
        reset(req.socket);
      });
      return;
    }
    req.pipe(up);

    up.on('response', (upRes) => {
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upRes.headers)) {
        if (value === undefined || HOP_BY_HOP.includes(name)) continue;
        out[name] = name === 'location' && typeof value === 'string' ? rewriteLocation(value) : value;
      }
      res.writeHead(upRes.statusCode ?? 502, out);
      if (fault?.kind === 'stall' && fault.after === 'headers') {
        res.flushHeaders();
        upRes.destroy();
        return;
      }
      if (fault?.kind === 'reset-response' || fault?.kind === 'truncate') {
        const limit = fault.kind === 'reset-response' ? fault.afterBytes : fault.bytes;
        let sent = 0;
        const cut = () => {
          upRes.destroy();
          if (fault.kind === 'reset-response') reset(req.socket);
          else res.socket?.end();
        };
        if (limit === 0) {
          res.flushHeaders();
          setImmediate(cut);
          return;
        }
        upRes.on('data', (chunk: Buffer) => {
          if (sent >= limit) return;
          const part = chunk.length > limit - sent ? chunk.subarray(0, limit - sent) : chunk;
          sent += part.length;
          if (sent >= limit) res.write(part, () => setImmediate(cut));
          else res.write(part);
        });
        upRes.on('end', () => {
          if (sent < limit) setImmediate(cut);
        });
        return;
      }
      if (fault?.kind === 'slow') {
        // Pause the registry's answer whenever it runs ahead of the rate.
        const started = Date.now();
        let sent = 0;
        upRes.on('data', (chunk: Buffer) => {
          sent += chunk.length;
          res.write(chunk);
          const ahead = (sent / fault.bytesPerSecond) * 1000 - (Date.now() - started);
          if (ahead > 0) {
            upRes.pause();
            setTimeout(() => upRes.resume(), ahead);
          }
        });
        upRes.on('end', () => res.end());
        return;
      }
      upRes.pipe(res);
    });
  };

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;

  return {
    host: `127.0.0.1:${port}`,
    url: self,
    addFault: (rule) => rules.push({ rule, seen: 0 }),
    clearFaults: () => {
      rules = [];
    },
    requests: () => [...log],
    fired: () => [...fired],
    reset: () => {
      rules = [];
      log = [];
      fired = [];
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP reset where the platform has one, otherwise an abrupt close. */
function reset(socket: Socket): void {
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (s.destroyed) return;
  if (s.resetAndDestroy) s.resetAndDestroy();
  else s.destroy();
}
