/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export interface Challenge {
  /** lower-cased: `basic`, `bearer` */
  scheme: string;
  /** parameter names lower-cased, values unquoted */
  params: Record<string, string>;
}

const TOKEN_RE = /[A-Za-z0-9!#$%&'*+.^_`|~-]+/y;

/**
 * Parses every challenge in a `WWW-Authenticate` value (RFC 9110 §11.6.1). Quoted values may hold
 * commas and escaped quotes; several challenges may share one header.
 */
export function parseChallenges(value: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skip = (chars: string) => {
    while (i < value.length && chars.includes(value[i])) i++;
  };
  const token = (): string | undefined => {
    TOKEN_RE.lastIndex = i;
    const m = TOKEN_RE.exec(value);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  while (i < value.length) {
    skip(' \t,');
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (;;) {
      skip(' \t');
      const start = i;
      const name = token();
      skip(' \t');
      if (!name || value[i] !== '=') {
        // the next challenge's scheme
        i = start;
        break;
      }
      i++;
      skip(' \t');
      let v: string;
      if (value[i] === '"') {
        i++;
        v = '';
        while (i < value.length && value[i] !== '"') {
          if (value[i] === '\\' && i + 1 < value.length) i++;
          v += value[i++];
        }
        i++;
      } else {
        v = token() ?? '';
      }
      challenge.params[name.toLowerCase()] = v;
      skip(' \t');
      if (value[i] === ',') {
        i++;
        continue;
      }
      if (i >= value.length) break;
    }
  }
  return out;
}

/** The scopes of a challenge: one `scope` value may list several, separated by spaces. */
export function challengeScopes(challenge: Challenge): string[] {
  return (challenge.params.scope ?? '').split(' ').filter(Boolean);
}
