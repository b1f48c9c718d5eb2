import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { FLAG_VOICE } from '../../src/cli/voice.js';
import { parseSignatureInputs } from '../../src/signatures/parse-settings.js';
import { ACTION_VOICE } from '../../src/settings/voice.js';
import { InputError } from '../../src/oci/errors.js';
import { parseSyncEntries } from '../../src/plan/entries.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const files: Record<string, string> = { 'cosign.key': PRIVATE_PEM };
const readFile = (path: string) => {
  if (path in files) return files[path];
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};
const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, voice = ACTION_VOICE) =>
  parseSignatureInputs((n) => inputs[n] ?? '', voice, env, readFile);

function refuses(inputs: Record<string, string>, pattern: RegExp, voice = ACTION_VOICE): void {
  assert.throws(
    () => parse(inputs, {}, voice),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `an InputError, not ${String(err)}`);
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('verification and signing settings, as inputs and as flags', () => {
  it('nothing given: no policy, no signing', () => {
    assert.deepEqual(parse({}), {});
    assert.deepEqual(parse({ 'verify-platforms': 'false', sign: 'false' }), {});
  });

  it('reads a keyless policy with platforms, and signing in each mode with its defaults', () => {
    const both = parse({
      'verify-certificate-identity': IDENTITY,
      'verify-certificate-oidc-issuer': ISSUER,
      'verify-platforms': 'true',
      sign: 'keyless',
    });
    assert.equal(both.verify?.platforms, true);
    assert.equal(both.verify?.description, `identity ${IDENTITY}, issuer ${ISSUER}`);
    assert.deepEqual(both.sign, { mode: 'keyless', format: 'bundle' });
    const key = parse(
      { sign: 'KEY', 'sign-key': 'cosign.key', 'signature-format': 'legacy', 'sign-rekor-url': 'https://rekor.example.com/' },
      { COSIGN_PASSWORD: 'from-env' },
    );
    assert.equal(key.sign?.mode, 'key');
    assert.equal(key.sign?.format, 'legacy');
    assert.equal(key.sign?.keyPem, PRIVATE_PEM);
    assert.equal(key.sign?.password, 'from-env');
    assert.equal(key.sign?.rekorUrl, 'https://rekor.example.com');
    assert.equal(
      parse({ sign: 'key', 'sign-key': PRIVATE_PEM, 'sign-key-password': 'given' }, { COSIGN_PASSWORD: 'from-env' }).sign?.password,
      'given',
      'the input wins over COSIGN_PASSWORD',
    );
  });

  it('refuses bad settings in one line naming the setting, in the words of the action or the command line', () => {
    refuses({ sign: 'maybe' }, /^input "sign" is "maybe": use keyless .* or key/);
    refuses({ sign: 'maybe' }, /^--sign is maybe: use keyless/, FLAG_VOICE);
    refuses({ sign: 'key' }, /^input "sign" is key but input "sign-key" is missing/);
    refuses({ sign: 'keyless', 'sign-key': 'cosign.key' }, /input "sign-key" is given but input "sign" is keyless/);
    refuses({ sign: 'key', 'sign-key': 'missing.key' }, /input "sign-key" names "missing.key", which does not exist/);
    refuses(
      { sign: 'key', 'sign-key': 'cosign.key', 'sign-fulcio-url': 'https://fulcio.example.com' },
      /input "sign-fulcio-url" serves keyless signing/,
    );
    refuses({ sign: 'keyless', 'signature-format': 'v2' }, /input "signature-format" is "v2": use bundle .* or legacy/);
    refuses(
      { sign: 'keyless', 'sign-rekor-url': 'rekor.example.com' },
      /input "sign-rekor-url" is "rekor.example.com": give an https:\/\/ URL/,
    );
    refuses({ 'sign-key': 'cosign.key' }, /input "sign-key" is given but nothing is signed: set input "sign" to keyless or key/);
    refuses({ 'verify-platforms': 'sometimes', 'verify-key': 'x' }, /input "verify-platforms" is "sometimes": use true or false/);
    refuses({ 'verify-certificate-identity': IDENTITY }, /input "verify-certificate-oidc-issuer" is missing/);
  });

  it('a sync entry takes the same keys; its errors name the entry and field', () => {
    const [entry] = parseSyncEntries(
      `- source: ghcr.io/acme/app:1.2\n  destination: registry.example.com/acme/app\n  verify-certificate-identity: ${IDENTITY}\n  verify-certificate-oidc-issuer: ${ISSUER}\n  verify-attestation-type: [slsaprovenance1, spdxjson]\n`,
      'input "images"',
    );
    assert.equal(
      entry.verify?.description,
      `identity ${IDENTITY}, issuer ${ISSUER}; attestations https://slsa.dev/provenance/v1, https://spdx.dev/Document`,
    );
    assert.throws(
      () =>
        parseSyncEntries(
          `- source: ghcr.io/acme/app:1.2\n  destination: registry.example.com/acme/app\n  verify-certificate-identity: ${IDENTITY}\n`,
          'input "images"',
        ),
      /^InputError: input "images": entry 1 \(line 1\), field "verify-certificate-oidc-issuer" is missing/,
    );
  });

  it('verify-mode: enforce by default, warn when said (any case); another value, or warn with no policy, is one line naming the setting', () => {
    const policy = { 'verify-certificate-identity': IDENTITY, 'verify-certificate-oidc-issuer': ISSUER };
    assert.equal(parse(policy).verify?.mode, 'enforce');
    assert.equal(parse({ ...policy, 'verify-mode': 'enforce' }).verify?.mode, 'enforce');
    assert.equal(parse({ ...policy, 'verify-mode': ' Warn ' }).verify?.mode, 'warn');
    // The action's default, with no policy: nothing to verify, nothing to say.
    assert.deepEqual(parse({ 'verify-mode': 'enforce' }), {});
    refuses(
      { ...policy, 'verify-mode': 'warning' },
      /^input "verify-mode" is "warning": use enforce \(an image that fails the policy is not copied\) or warn \(it is copied, with a warning\)$/,
    );
    refuses({ ...policy, 'verify-mode': 'loud' }, /^--verify-mode is loud: use enforce .* or warn /, FLAG_VOICE);
    refuses(
      { 'verify-mode': 'warn' },
      /^input "verify-mode" is warn but nothing is verified: give the policy beside it \(verify-key, or verify-certificate-identity with verify-certificate-oidc-issuer\)$/,
    );
    const [warned, own, alone] = [
      `  verify-certificate-identity: ${IDENTITY}\n  verify-certificate-oidc-issuer: ${ISSUER}\n  verify-mode: warn\n`,
      `  verify-certificate-identity: ${IDENTITY}\n  verify-certificate-oidc-issuer: ${ISSUER}\n`,
      '  verify-mode: warn\n',
    ].map((keys) => `- source: ghcr.io/acme/app:1.2\n  destination: registry.example.com/acme/app\n${keys}`);
    assert.equal(parseSyncEntries(warned, 'input "images"')[0].verify?.mode, 'warn');
    assert.equal(parseSyncEntries(own, 'input "images"')[0].verify?.mode, 'enforce');
    assert.throws(
      () => parseSyncEntries(alone, 'input "images"'),
      /^InputError: input "images": entry 1 \(line 1\), field "verify-mode" is warn but nothing is verified: give the policy beside it \(verify-key, /,
    );
    assert.throws(
      () => parseSyncEntries(warned.replace('verify-mode: warn', 'verify-mode: later'), 'input "images"'),
      /^InputError: input "images": entry 1 \(line 1\), field "verify-mode" is "later": use enforce .* or warn /,
    );
  });
});
