import { InputError, messageOf } from '../oci/errors.js';
import { printable } from '../oci/text.js';
import { SigningError } from '../signatures/errors.js';
import { HttpClient } from '../targets/registry/index.js';

/**
 * The job's OIDC identity token from the GitHub runner, for keyless signing: the protocol of
 * `core.getIDToken` (`GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore` with `Authorization:
 * Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered `{"value": JWT}`), spoken here with no
 * @actions/* import so the CLI can use it on a runner too. Returns a getter: the token is asked for
 * when first needed and reused for two minutes (Fulcio wants one per certificate; the runner's last
 * about five minutes). `onToken` sees each new token (the action masks it in the log).
 */
export function runnerIdentityToken(
  env: NodeJS.ProcessEnv = process.env,
  options: { audience?: string; timeoutMs?: number; onToken?: (token: string) => void } = {},
): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.until) return cached.token;
    const token = await fetchToken(env, options.audience ?? 'sigstore', options.timeoutMs ?? 30_000);
    options.onToken?.(token);
    cached = { token, until: Date.now() + 120_000 };
    return token;
  };
}

/** A token larger than this is not a JWT the runner would send. */
const MAX_ANSWER_BYTES = 64 * 1024;

async function fetchToken(env: NodeJS.ProcessEnv, audience: string, timeoutMs: number): Promise<string> {
  const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!base || !bearer) {
    throw new InputError(
      'keyless signing needs the job\'s OIDC token, and the runner offers none: give the job "permissions: id-token: write" (ACTIONS_ID_TOKEN_REQUEST_URL is not set)',
    );
  }
  const url = `${base}${base.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
  let status: number;
  let text: string;
  // One try, no redirect followed: a refusal is told as the runner answered it. Proxies as `env` sets them.
  const http = new HttpClient({ timeouts: { headersMs: timeoutMs, bodyIdleMs: timeoutMs }, network: { env } });
  try {
    const res = await http.send({
      method: 'GET',
      url: new URL(url),
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      retry: false,
      followRedirects: false,
    });
    status = res.status;
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > MAX_ANSWER_BYTES) {
        res.body.destroy();
        throw new SigningError(`the runner's OIDC token endpoint answered more than ${MAX_ANSWER_BYTES} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof SigningError) throw err;
    throw new SigningError(`asking the runner for an OIDC token failed: ${printable(messageOf(err), 200)}`);
  } finally {
    await http.close().catch(() => undefined);
  }
  if (status !== 200) {
    let why = '';
    try {
      why = String((JSON.parse(text) as { message?: unknown }).message ?? '');
    } catch {
      why = '';
    }
    throw new SigningError(
      `the runner refused an OIDC token (HTTP ${status})${why ? `: ${printable(why, 200)}` : ''}; the job needs "permissions: id-token: write"`,
    );
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value.split('.').length !== 3)
    throw new SigningError('the runner answered without an OIDC token (no "value" holding a JWT)');
  return value;
}
