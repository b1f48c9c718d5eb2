import type { Reference, RegistryReference } from '../oci/reference.js';
import type { StandardStreams } from './open-file-target.js';
import {
  RegistryClient,
  RegistryRepository,
  timeoutsFromEnv,
  type RegistryClientOptions,
  type RegistryConnections,
} from './registry/index.js';
import type { NetworkOptions } from './registry/network/dispatcher.js';
import type { SettingVoice } from './registry/network/failures.js';
import type { HttpObserver } from './registry/network/observer.js';
import type { RequestRate } from './registry/network/request-rate.js';
import type { ReadOnlyTarget, Target } from './target.js';

export interface OpenTargetOptions {
  /** `from` says where they came from, or would have (`--src-creds`), for the 401 message. */
  credentials?: { username?: string; password?: string; from?: string };
  /** Speak plain HTTP to registries off loopback. */
  plainHttp?: boolean;
  /** Told every secret found (passwords, tokens, config `auth` strings), to mask before anything logs. */
  onSecret?: (secret: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Credentials for one registry, used there when neither `credentials` nor the Docker config give any. */
  fallbackCredentials?: FallbackCredentials;
  /** What `oci-archive:-` reads from and writes to (default: the process's stdin and stdout). */
  streams?: StandardStreams;
  /** A dry run: a file destination is opened read-only (or as empty), never created. */
  dryRun?: boolean;
  /** Extra trusted CAs and TLS verification for registries; proxies come from `env`. */
  network?: Pick<NetworkOptions, 'ca' | 'tlsVerify'>;
  /** Told of every HTTP request and its answer, and every retry. */
  onHttp?: HttpObserver;
  /** How a network failure's fix names a setting (`set plain-http: true` by default). */
  voice?: SettingVoice;
  /**
   * Share connections and tokens with the other targets of a run: repositories of one registry get
   * one pool and, per `side`, one authentication state. The run closes them; without it each
   * repository has its own, ended by its `close`.
   */
  connections?: { pool: RegistryConnections; side: 'source' | 'destination' };
  /** Spaces the requests to each registry host (`requests-per-second`): one shared by both sides. */
  requestRate?: RequestRate;
}

/** Credentials that serve one registry when nothing else does; `from` names them in messages. */
export interface FallbackCredentials {
  registry: string;
  username: string;
  password: string;
  from: string;
}

/**
 * The target a source reference names: a registry repository, an OCI layout or an OCI archive.
 * The file targets (and their tar reader and writer) load when a file is named: a copy between
 * registries starts without them.
 */
export async function openSource(ref: Reference, options: OpenTargetOptions = {}): Promise<ReadOnlyTarget> {
  if (ref.transport !== 'registry') return (await import('./open-file-target.js')).openFileTarget(ref, 'source', options.streams);
  return openRegistry(ref, options);
}

/** The target a destination reference names; layouts and archives are created when missing. */
export async function openDestination(ref: Reference, options: OpenTargetOptions = {}): Promise<Target> {
  if (ref.transport !== 'registry' && options.dryRun) return (await import('./dry-run.js')).openDryRunFileDestination(ref);
  if (ref.transport !== 'registry') return (await import('./open-file-target.js')).openFileTarget(ref, 'destination', options.streams);
  return openRegistry(ref, options);
}

function openRegistry(ref: RegistryReference, options: OpenTargetOptions): Target {
  const clientOptions = registryClientOptions(ref, options);
  const client = options.connections
    ? options.connections.pool.client(ref.registry, options.connections.side, clientOptions)
    : new RegistryClient(ref.registry, clientOptions);
  return new RegistryRepository(client, ref.repository);
}

function registryClientOptions(ref: RegistryReference, options: OpenTargetOptions): RegistryClientOptions {
  return {
    username: options.credentials?.username,
    password: options.credentials?.password,
    givenFrom: options.credentials?.from,
    plainHttp: options.plainHttp,
    onSecret: options.onSecret,
    env: options.env,
    timeouts: timeoutsFromEnv(options.env ?? process.env),
    network: options.network,
    observer: options.onHttp,
    voice: options.voice,
    ...(options.requestRate ? { requestRate: options.requestRate } : {}),
    ...(options.fallbackCredentials?.registry === ref.registry
      ? {
          fallback: { username: options.fallbackCredentials.username, password: options.fallbackCredentials.password },
          fallbackFrom: options.fallbackCredentials.from,
        }
      : {}),
  };
}
