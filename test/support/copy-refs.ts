import { copy } from '../../src/api/copy.js';
import type { CopyEvent } from '../../src/copy/events.js';
import type { CopyOptions } from '../../src/copy/options.js';
import { parseReference } from '../../src/oci/reference.js';
import { openDestination, openSource, type OpenTargetOptions } from '../../src/targets/open-target.js';

export type DoneEvent = Extract<CopyEvent, { type: 'done' }>;

export interface CopyRefsOptions extends Omit<CopyOptions, 'onEvent'> {
  source?: OpenTargetOptions;
  destination?: OpenTargetOptions;
}

/** Copies with the library exactly as the action does: open both targets, copy, close both. */
export async function copyRefs(source: string, destination: string, options: CopyRefsOptions = {}) {
  const { source: srcOptions, destination: dstOptions, ...copyOptions } = options;
  const srcRef = parseReference(source);
  const dstRef = parseReference(destination);
  const src = await openSource(srcRef, srcOptions);
  const dst = await openDestination(dstRef, dstOptions);
  const events: CopyEvent[] = [];
  try {
    const root = await copy(src, srcRef, dst, dstRef, { ...copyOptions, onEvent: (e) => events.push(e) });
    await Promise.all([src.close('success'), dst.close('success')]);
    const done = events.filter((e): e is DoneEvent => e.type === 'done');
    const actions = new Map(done.map((e) => [e.node.digest, e.action]));
    return { root, events, done, actions };
  } catch (err) {
    await Promise.all([src.close('failure'), dst.close('failure')]);
    throw err;
  }
}
