import type { Reference } from '../oci/reference.js';
import { openLayout } from './layout/layout.js';
import { openRegistryRepository } from './registry/index.js';
import type { ReadOnlyTarget, Target } from './target.js';

export interface OpenTargetOptions {
  credentials?: { username?: string; password?: string };
  /** Speak plain HTTP to registries off loopback. */
  plainHttp?: boolean;
  /** Told every secret found (passwords, tokens, config `auth` strings), to mask before anything logs. */
  onSecret?: (secret: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The target a source reference names: a registry repository, an OCI layout or an OCI archive. */
export async function openSource(ref: Reference, options: OpenTargetOptions = {}): Promise<ReadOnlyTarget> {
  return openTarget(ref, 'source', options);
}

/** The target a destination reference names; layouts and archives are created when missing. */
export async function openDestination(ref: Reference, options: OpenTargetOptions = {}): Promise<Target> {
  return openTarget(ref, 'destination', options);
}

async function openTarget(ref: Reference, role: 'source' | 'destination', options: OpenTargetOptions): Promise<Target> {
  switch (ref.transport) {
    case 'registry':
      return openRegistryRepository(ref, {
        username: options.credentials?.username,
        password: options.credentials?.password,
        plainHttp: options.plainHttp,
        onSecret: options.onSecret,
        env: options.env,
      });
    case 'oci':
      return openLayout(ref.path, { create: role === 'destination' });
    case 'oci-archive':
      throw new Error('oci-archive is not wired yet');
  }
}
