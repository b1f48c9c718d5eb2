// A user-space network link: a loopback TCP proxy in front of a registry that delays each direction
// by a one-way latency and can cap its bandwidth, so copies between loopback registries pay round
// trips, connection set-up and transfer time as they would across a real network (kernel netem is
// not available everywhere). Timestamps and queues, no polling; memory is bounded by pausing the
// reading socket when a direction holds more than a few MB.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LinkSettings {
  /** One-way delay in ms; the round trip is twice this. */
  delayMs: number;
  /** Bandwidth cap per direction in Mbit/s (10⁶ bits); 0 means none. */
  mbit: number;
  /**
   * `shared`: all connections through the link share the cap of each direction, served in turn
   * (fair queuing, as a bottleneck with fq_codel would), so a HEAD is not stuck behind a bulk upload.
   * `per-connection`: every connection gets the whole cap.
   */
  sharing: 'shared' | 'per-connection';
}

export interface LinkStats {
  /** TCP connections accepted since the last reset. */
  connections: number;
  /** Bytes forwarded client → registry. */
  bytesUp: number;
  /** Bytes forwarded registry → client. */
  bytesDown: number;
}

export interface SlowLink {
  /** `127.0.0.1:PORT` of the proxy: clients use this instead of the registry's own address. */
  host: string;
  url: string;
  settings(): LinkSettings;
  /** Applies to data that enters the link from now on. */
  set(settings: Partial<LinkSettings>): void;
  stats(): LinkStats;
  resetStats(): void;
  stop(): Promise<void>;
}

/** Pause reading from a socket when one direction of its connection holds more than this. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** Bytes a connection may send in its turn on a shared link (~0.6 ms at 200 Mbit/s). */
const QUANTUM = 16 * 1024;

/** One direction of one connection: bytes waiting for the wire, then in flight for `delayMs`. */
class Flow {
  private readonly waiting: Buffer[] = [];
  waitingBytes = 0;
  private readonly inFlight: Array<{ chunk: Buffer; at: number }> = [];
  private inFlightBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private blocked = false;
  private paused = false;
  private ended = false;
  closed = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly wire: Wire,
    private readonly delayMs: () => number,
    private readonly count: (bytes: number) => void,
  ) {
    from.on('data', (chunk: Buffer) => this.receive(chunk));
    from.on('end', () => {
      this.ended = true;
      this.deliver();
    });
  }

  private queued(): number {
    return this.waitingBytes + this.inFlightBytes + this.to.writableLength;
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.count(chunk.length);
    this.waiting.push(chunk);
    this.waitingBytes += chunk.length;
    if (!this.paused && this.queued() > HIGH_WATER) {
      this.paused = true;
      this.from.pause();
    }
    this.wire.enqueue(this);
  }

  /** Up to `max` bytes from the head of the waiting queue (all of it when `max` is Infinity). */
  take(max: number): Buffer {
    const head = this.waiting[0];
    let piece: Buffer;
    if (max === Infinity && this.waiting.length > 1) {
      piece = Buffer.concat(this.waiting);
      this.waiting.length = 0;
    } else if (head.length <= max) {
      piece = this.waiting.shift()!;
    } else {
      piece = head.subarray(0, max);
      this.waiting[0] = head.subarray(max);
    }
    this.waitingBytes -= piece.length;
    return piece;
  }

  /** The wire finished sending `chunk` at `sentAt`: it arrives one delay later. */
  depart(chunk: Buffer, sentAt: number): void {
    if (this.closed) return;
    this.inFlight.push({ chunk, at: sentAt + this.delayMs() });
    this.inFlightBytes += chunk.length;
    this.deliver();
  }

  private deliver(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    while (!this.blocked && this.inFlight.length && this.inFlight[0].at <= now) {
      const { chunk } = this.inFlight.shift()!;
      this.inFlightBytes -= chunk.length;
      if (!this.to.write(chunk)) {
        this.blocked = true;
        this.to.once('drain', () => {
          this.blocked = false;
          this.deliver();
        });
      }
    }
    if (this.paused && this.queued() < LOW_WATER) {
      this.paused = false;
      this.from.resume();
    }
    if (!this.blocked && this.inFlight.length) {
      this.timer = setTimeout(() => this.deliver(), Math.max(0, this.inFlight[0].at - now));
    } else if (this.ended && !this.inFlight.length && !this.waitingBytes) {
      this.to.end();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.waiting.length = 0;
    this.inFlight.length = 0;
    this.wire.forget(this);
  }
}

/**
 * One direction's bottleneck: sends waiting bytes at the capped rate, a quantum per connection in
 * turn. A piece is sent once its start time has come, so a connection that wakes up joins the
 * rotation at once; the rate holds on average even when a timer fires late (times are virtual).
 */
class Wire {
  private readonly active: Flow[] = [];
  private busyUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly mbit: () => number) {}

  enqueue(flow: Flow): void {
    if (!this.active.includes(flow)) {
      if (!this.active.length) this.busyUntil = Math.max(this.busyUntil, performance.now());
      this.active.push(flow);
    }
    this.pump();
  }

  forget(flow: Flow): void {
    const i = this.active.indexOf(flow);
    if (i >= 0) this.active.splice(i, 1);
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    const mbit = this.mbit();
    if (!(mbit > 0)) {
      for (const flow of this.active.splice(0)) flow.depart(flow.take(Infinity), now);
      return;
    }
    const bytesPerMs = (mbit * 1e6) / 8 / 1000;
    while (this.active.length && this.busyUntil <= now) {
      const flow = this.active.shift()!;
      const piece = flow.take(QUANTUM);
      this.busyUntil += piece.length / bytesPerMs;
      if (flow.waitingBytes > 0) this.active.push(flow);
      flow.depart(piece, this.busyUntil);
    }
    if (this.active.length) this.timer = setTimeout(() => this.pump(), Math.max(0, this.busyUntil - now));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.active.length = 0;
  }
}

/** Starts a proxy on a free loopback port that forwards to `target` (`HOST:PORT`) through the link. */
export async function startSlowLink(target: string, initial: LinkSettings): Promise<SlowLink> {
  let settings = { ...initial };
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const stats: LinkStats = { connections: 0, bytesUp: 0, bytesDown: 0 };
  const delay = () => settings.delayMs;
  const mbit = () => settings.mbit;
  const shared = { up: new Wire(mbit), down: new Wire(mbit) };
  const sockets = new Set<Socket>();
  const wires = new Set<Wire>([shared.up, shared.down]);

  const server: Server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) => {
    stats.connections++;
    const upstream = connect({ host: targetHost, port: targetPort, allowHalfOpen: true });
    upstream.pause();
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
    }
    const own = settings.sharing === 'per-connection' ? { up: new Wire(mbit), down: new Wire(mbit) } : shared;
    if (own !== shared) wires.add(own.up).add(own.down);
    const flows: Flow[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      for (const f of flows) f.close();
      if (own !== shared) {
        own.up.stop();
        own.down.stop();
        wires.delete(own.up);
        wires.delete(own.down);
      }
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', finish);
      s.on('close', finish);
    }
    // The TCP handshake costs the client a round trip before its first byte can leave.
    let waits = 2;
    const ready = () => {
      if (--waits > 0 || done) return;
      flows.push(new Flow(client, upstream, own.up, delay, (n) => (stats.bytesUp += n)));
      flows.push(new Flow(upstream, client, own.down, delay, (n) => (stats.bytesDown += n)));
      client.resume();
      upstream.resume();
    };
    upstream.once('connect', ready);
    setTimeout(ready, 2 * settings.delayMs);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    settings: () => ({ ...settings }),
    set: (next) => {
      settings = { ...settings, ...next };
    },
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats.connections = 0;
      stats.bytesUp = 0;
      stats.bytesDown = 0;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      for (const w of wires) w.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
