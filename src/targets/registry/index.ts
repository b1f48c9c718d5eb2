export { RegistryRepository, openRegistryRepository, type RegistryRepositoryOptions } from './repository.js';
export { RegistryClient, type RegistryClientOptions } from './client.js';
export { HttpClient, DEFAULT_RETRY, DEFAULT_TIMEOUTS, TIMEOUT_ENV, timeoutsFromEnv, type RetryPolicy, type Timeouts } from './http.js';
export { findCredentials, type Credentials, type CredentialOptions } from './credentials.js';
export { RegistryError, isRetryable } from './errors.js';
export { pullsLeft, RegistryConnections, type RateLimitNote } from './connections.js';
export { RequestRate } from './network/request-rate.js';
