import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { htpasswdFile } from './htpasswd.js';

/** One line of the registry's access log. */
export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
}

export interface RegistryOptions {
  /** extra YAML for the `auth:` section, indented by the caller (e.g. token or htpasswd settings) */
  authYaml?: string;
  /** Basic auth (htpasswd) for these users; cannot be combined with `authYaml`. */
  htpasswd?: { user: string; password: string } | Array<{ user: string; password: string }>;
  /** Serve HTTPS with this certificate and key (PEM files); `url` is then `https://…`. */
  tls?: { certificate: string; key: string };
  /**
   * `storage.delete.enabled` (default true): false makes the registry answer every DELETE with
   * 405 UNSUPPORTED, as registries that do not delete through the API do.
   */
  deletes?: boolean;
}

/** A real CNCF distribution registry on a free loopback port, with its own temporary storage. */
export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  storage: string;
  /** The registry process, for its CPU time in /proc. */
  pid: number;
  /** Every request the registry logged since it started (or since the last `resetRequests`). */
  requests(): RegistryRequest[];
  /**
   * The same once the registry's log has caught up with every request answered so far: the registry
   * writes a request's log line after its answer, so a count taken at once may miss the last few.
   */
  settledRequests(): Promise<RegistryRequest[]>;
  /** Forgets every request answered so far, once the log has caught up with them. */
  resetRequests(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Registries still running when the process exits (a crashed or interrupted test) are stopped with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The path the launcher polls until the registry answers. */
const READY_PROBE = '/v2/?ready-probe';
/** The path `settledRequests` sends to find the end of the log so far. */
const SETTLE_PROBE = '/v2/?settle-probe-';

const ACCESS_RE = /"([A-Z]+) (\S+) HTTP\/[0-9.]+" ([0-9]{3}) /;

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-registry-'));
  const storage = join(dir, 'storage');
  let authYaml = options.authYaml;
  if (options.htpasswd) {
    if (authYaml) throw new Error('startRegistry: give either authYaml or htpasswd, not both');
    const users = Array.isArray(options.htpasswd) ? options.htpasswd : [options.htpasswd];
    const path = join(dir, 'htpasswd');
    try {
      await writeFile(path, await htpasswdFile(users), { mode: 0o600 });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    authYaml = ['  htpasswd:', '    realm: oci-copy-test-registry', `    path: ${path}`].join('\n');
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      `    enabled: ${options.deletes === false ? 'false' : 'true'}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(options.tls ? ['  tls:', `    certificate: ${options.tls.certificate}`, `    key: ${options.tls.key}`] : []),
      authYaml ? `auth:\n${authYaml}` : '',
    ].join('\n');
    const configPath = join(dir, 'config.yml');
    await writeFile(configPath, config);
    const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let log: RegistryRequest[] = [];
    const settled = new Map<string, () => void>();
    let output = '';
    const onData = (buf: Buffer) => {
      output += buf.toString();
      let nl: number;
      while ((nl = output.indexOf('\n')) >= 0) {
        const line = output.slice(0, nl);
        output = output.slice(nl + 1);
        const m = ACCESS_RE.exec(line);
        // The launcher's own readiness probes are not the test's traffic (their log lines may come late).
        if (m?.[2].startsWith(SETTLE_PROBE)) settled.get(m[2])?.();
        else if (m && m[2] !== READY_PROBE) log.push({ method: m[1], path: m[2], status: Number(m[3]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    try {
      await waitUntilUp(url, child);
    } catch (err) {
      lastError = err;
      child.kill('SIGKILL');
      continue;
    }
    log = [];
    /** Waits for a probe answered after everything else: once its log line is in, so are theirs. */
    const settle = async () => {
      const probe = `${SETTLE_PROBE}${settled.size}-${Date.now()}`;
      const seen = new Promise<void>((resolve) => settled.set(probe, resolve));
      await probeStatus(`${url}${probe}`);
      await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 2000))]);
      settled.delete(probe);
    };
    return {
      host: `127.0.0.1:${port}`,
      url,
      storage,
      pid: child.pid!,
      requests: () => [...log],
      settledRequests: async () => {
        await settle();
        return [...log];
      },
      resetRequests: async () => {
        // A request answered before the reset may log after it: wait for those lines, then drop them.
        await settle();
        log = [];
      },
      stop: async () => {
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${String(lastError)}`);
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    try {
      const status = await probeStatus(`${url}${READY_PROBE}`);
      if (status === 200 || status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('docker-registry did not answer within 15 s');
}

/** GETs `url` and returns the status; a test registry's certificate is not checked here. */
function probeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    };
    const req = url.startsWith('https:') ? httpsGet(url, { rejectUnauthorized: false }, done) : httpGet(url, done);
    req.on('error', reject);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
