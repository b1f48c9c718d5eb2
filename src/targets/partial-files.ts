import { createHash, randomBytes } from 'node:crypto';
import { readlinkSync, rmSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary files that become a blob, an index or an archive once complete:
 * `.<name>.<pid>@<space>-<random>.partial` beside what they become. They are tracked while written,
 * so an interrupted run removes them (synchronously, whatever the writes still in flight do), and
 * named with the writer's process id and the space that id means something in, so a later run can
 * tell one a crash left behind from one another process is still writing, and never judges a
 * process of another container sharing the directory by an id that is not its own.
 */
const tracked = new Set<string>();

/**
 * Where process ids mean one process: this host and its PID namespace (`/proc/self/ns/pid` on
 * Linux), as a short hash. Two containers with one layout mounted differ by namespace, two
 * machines sharing it over the network by host name, though their process ids may be equal.
 */
export const PROCESS_SPACE = (() => {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // not Linux, or no /proc: the host name alone stands for the space
  }
  return createHash('sha256').update(`${hostname()}\u0000${namespace}`).digest('hex').slice(0, 12);
})();

/** A fresh temporary name for `name` in `dir`. */
export function partialPath(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}@${PROCESS_SPACE}-${randomBytes(6).toString('hex')}.partial`);
}

/** Remember `path` (a file, or a spool directory) until `untrackPartial`: an interrupt removes it. */
export function trackPartial(path: string): void {
  tracked.add(path);
}

export function untrackPartial(path: string): void {
  tracked.delete(path);
}

/** Removes every tracked file now; returns how many there were. For an interrupt, when there is no time to wait. */
export function removeTrackedPartials(): number {
  let removed = 0;
  for (const path of tracked) {
    try {
      rmSync(path, { force: true, recursive: true });
      removed++;
    } catch {
      // a file that cannot be removed is left; the next run's sweep tries again
    }
  }
  tracked.clear();
  return removed;
}

/** A partial nothing has written to for this long is abandoned, whoever made it (no silence lasts an hour: see OCI_COPY_TIMEOUT_SECONDS). */
const ABANDONED_AFTER_MS = 2 * 60 * 60 * 1000;

/**
 * Removes the partial files for `name` (or any name, when undefined) in `dir` that an earlier run
 * left: those whose writer's process is gone, and any untouched for two hours. A partial that a
 * live process (another copy into the same layout) is writing stays, and so does a fresh one of
 * another process space, whose writer this process cannot see. Returns how many went.
 */
export async function sweepPartials(dir: string, name?: string): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    if (!entry.startsWith('.') || !entry.endsWith('.partial')) continue;
    if (name !== undefined && !entry.startsWith(`.${name}.`)) continue;
    const path = join(dir, entry);
    if (tracked.has(path)) continue;
    // `<pid>@<space>-<random>`; `<pid>-<random>` (no space) is of this space, as names once were.
    const writer = /\.([0-9]+)(?:@([0-9a-f]+))?-[0-9a-f]+\.partial$/.exec(entry);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    const abandoned = Date.now() - info.mtimeMs > ABANDONED_AFTER_MS;
    if (!abandoned) {
      const ours = writer !== null && (writer[2] === undefined || writer[2] === PROCESS_SPACE);
      if (!ours || isAlive(Number(writer[1]))) continue;
    }
    await rm(path, { force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
