/** Every input and output of the action, named once (action.yml declares the same names; the CLI maps its flags onto the inputs). */
export const Input = {
  Source: 'source',
  Destination: 'destination',
  Operation: 'operation',
  Username: 'username',
  Password: 'password',
  SourceUsername: 'source-username',
  SourcePassword: 'source-password',
  DestinationUsername: 'destination-username',
  DestinationPassword: 'destination-password',
  PlainHttp: 'plain-http',
  TlsVerify: 'tls-verify',
  CaFile: 'ca-file',
  Concurrency: 'concurrency',
  Mount: 'mount',
  BlobCache: 'blob-cache',
  BlobCacheKey: 'blob-cache-key',
  Platform: 'platform',
  Referrers: 'referrers',
  DryRun: 'dry-run',
  NoClobber: 'no-clobber',
  GithubToken: 'github-token',
} as const;

export const Output = {
  Digest: 'digest',
  MediaType: 'media-type',
  Size: 'size',
  Blobs: 'blobs',
} as const;
