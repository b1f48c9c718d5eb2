// An HTTP proxy of the test's own, as corporate networks run them: it tunnels CONNECT requests and
// forwards absolute-form ones, and it alone resolves a few made-up host names (`registry.test`) to
// loopback, so a copy to such a name can only succeed through it. It records what it was asked,
// with the headers it saw, so a test can check what reached the proxy.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedCall {
  /** `CONNECT` for a tunnel, else the method of an absolute-form request. */
  method: string;
  /** `registry.test:5000` for a tunnel, the absolute URL for a forwarded request. */
  target: string;
  headers: IncomingMessage['headers'];
  /** What the proxy answered: 200 for an open tunnel. */
  status: number;
}

export interface RecordingProxyOptions {
  /** Made-up names only this proxy resolves, to an address (`{ 'registry.test': '127.0.0.1' }`). */
  names: Record<string, string>;
  /** Require these proxy credentials (`Proxy-Authorization: Basic …`), answering 407 without them. */
  credentials?: { user: string; password: string };
}

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  calls(): ProxiedCall[];
  reset(): void;
  stop(): Promise<void>;
}

export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  let calls: ProxiedCall[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;
  /** The address a name resolves to here, or undefined: the proxy knows only its own names and loopback. */
  const resolve = (host: string) => options.names[host.toLowerCase()] ?? (host === '127.0.0.1' ? host : undefined);
  const authorized = (req: IncomingMessage) => !expected || req.headers['proxy-authorization'] === expected;

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      calls.push({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, status: 400 });
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    const address = resolve(url.hostname);
    const status = !authorized(req) ? 407 : address ? 0 : 502;
    calls.push({ method: req.method ?? '', target: url.href, headers: req.headers, status: status || 200 });
    if (status) {
      res.writeHead(status, status === 407 ? { 'proxy-authenticate': 'Basic realm="test proxy"' } : {}).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: address, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    const [host, port] = splitHostPort(req.url ?? '');
    const address = resolve(host);
    const status = !authorized(req) ? 407 : address ? 200 : 502;
    calls.push({ method: 'CONNECT', target: req.url ?? '', headers: req.headers, status });
    if (status !== 200) {
      const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="test proxy"\r\n' : '';
      client.end(`HTTP/1.1 ${status} ${status === 407 ? 'Proxy Authentication Required' : 'Bad Gateway'}\r\n${extra}\r\n`);
      return;
    }
    const upstream = connect(Number(port), address!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });

  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => [...calls],
    reset: () => {
      calls = [];
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function splitHostPort(target: string): [string, string] {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(target);
  return m ? [m[1], m[2]] : [target, '443'];
}
