import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { FLAG_VOICE } from '../../src/cli/voice.js';
import { ACTION_VOICE } from '../../src/settings/voice.js';
import { InputError } from '../../src/oci/errors.js';
import { parseVerifyPolicy, type VerifyPolicySettings } from '../../src/signatures/policy.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_PEM = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const files: Record<string, string> = {
  'cosign.pub': PUBLIC_PEM,
  'cosign.key': PRIVATE_PEM,
  'root.json': '{"mediaType":"text/plain"}',
  'bad.json': '{nope',
  'nostart.json': JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.example',
        publicKey: { rawBytes: 'AA==', keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2024-01-01T00:00:00Z' } },
      },
      {
        baseUrl: 'https://rekor2.example',
        publicKey: { rawBytes: 'AA==', keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { end: '2030-01-01T00:00:00Z' } },
      },
    ],
  }),
};
const readFile = (path: string) => {
  if (path in files) return files[path];
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};
const parse = (raw: VerifyPolicySettings, voice = ACTION_VOICE) => parseVerifyPolicy(raw, voice, readFile);

/** Each refusal is one `InputError` line, matched here. */
function refuses(raw: VerifyPolicySettings, pattern: RegExp, voice = ACTION_VOICE): void {
  assert.throws(
    () => parse(raw, voice),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `an InputError, not ${String(err)}`);
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('verification policy settings', () => {
  it('is nothing to verify when no setting is given', () => {
    assert.equal(parse({}), undefined);
    assert.equal(parse({ key: '  ', certificateIdentity: '', attestationTypes: ' , ' }), undefined);
  });

  it('takes a keyless identity and issuer, and says them back', () => {
    const p = parse({ certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER })!;
    assert.deepEqual(p.signer, { kind: 'identity', issuer: ISSUER, identity: IDENTITY });
    assert.equal(p.description, `identity ${IDENTITY}, issuer ${ISSUER}`);
    assert.equal(p.trustRootName, 'Sigstore public-good');
    assert.deepEqual(p.attestationTypes, []);
    assert.equal(p.platforms, false);
  });

  it('matches an identity regexp against the whole identity', () => {
    const p = parse({ certificateIdentityRegexp: 'https://github\\.com/acme/.*', certificateOidcIssuer: ISSUER })!;
    assert.ok(p.signer.kind === 'identity' && p.signer.identityRegexp);
    const re = p.signer.kind === 'identity' ? p.signer.identityRegexp! : /$^/;
    assert.ok(re.test(IDENTITY));
    assert.ok(!re.test(`https://evil.example/?${IDENTITY}`), 'a match in the middle is no match');
    assert.match(p.description, /identity matching \/https:\/\/github\\\.com\/acme\/\.\*\//);
  });

  it('reads a public key given inline or as a file, and names it by fingerprint', () => {
    const inline = parse({ key: PUBLIC_PEM })!;
    const file = parse({ key: 'cosign.pub' })!;
    assert.equal(inline.signer.kind, 'key');
    assert.equal(file.signer.kind === 'key' && file.signer.fingerprint, inline.signer.kind === 'key' && inline.signer.fingerprint);
    assert.match(inline.description, /^key SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('maps cosign short names of predicate types and keeps each type once', () => {
    const p = parse({ key: PUBLIC_PEM, attestationTypes: 'slsaprovenance1, https://slsa.dev/provenance/v1,spdxjson' })!;
    assert.deepEqual(p.attestationTypes, ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']);
    assert.deepEqual(parse({ key: PUBLIC_PEM, attestationTypes: ['cyclonedx'] })!.attestationTypes, ['https://cyclonedx.org/bom']);
    assert.match(p.description, /; attestations https:\/\/slsa\.dev\/provenance\/v1, https:\/\/spdx\.dev\/Document$/);
  });

  const bad: Array<[string, VerifyPolicySettings, RegExp]> = [
    [
      'key and identity together',
      { key: PUBLIC_PEM, certificateIdentity: IDENTITY },
      /^input "verify-key" and input "verify-certificate-identity" are both given/,
    ],
    [
      'identity and regexp together',
      { certificateIdentity: IDENTITY, certificateIdentityRegexp: '.*', certificateOidcIssuer: ISSUER },
      /both given: give one$/,
    ],
    [
      'an identity without issuer',
      { certificateIdentity: IDENTITY },
      /^input "verify-certificate-oidc-issuer" is missing: .*token\.actions\.githubusercontent\.com/,
    ],
    [
      'an issuer without identity',
      { certificateOidcIssuer: ISSUER },
      /^verification needs a signer: give input "verify-key", or input "verify-certificate-identity"/,
    ],
    ['predicate types without a signer', { attestationTypes: 'slsaprovenance1' }, /^verification needs a signer/],
    [
      'a regexp that does not compile',
      { certificateIdentityRegexp: '(', certificateOidcIssuer: ISSUER },
      /^input "verify-certificate-identity-regexp" is not a valid regular expression/,
    ],
    [
      'a predicate type that is no URI',
      { key: PUBLIC_PEM, attestationTypes: 'provenance' },
      /^input "verify-attestation-type" has "provenance", which is not a predicate type: give a URI/,
    ],
    ['a missing key file', { key: 'nope.pub' }, /^input "verify-key" names "nope\.pub", which does not exist/],
    [
      'a private key where the public one belongs',
      { key: 'cosign.key' },
      /^input "verify-key" \(cosign\.key\) holds a private key: give the public key/,
    ],
    [
      'text that is no key',
      { key: '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----' },
      /^input "verify-key" is not a PEM public key that can be read/,
    ],
    [
      'a trusted root that is not one',
      { key: PUBLIC_PEM, trustedRoot: 'root.json' },
      /^input "verify-trusted-root" \(root\.json\) is not a Sigstore trusted root/,
    ],
    [
      'a trusted root with a log key whose validity has no start',
      { key: PUBLIC_PEM, trustedRoot: 'nostart.json' },
      /^input "verify-trusted-root" \(nostart\.json\) is malformed: tlogs\[1\] has a validFor with no start: give a trusted_root\.json that says from when each key is trusted$/,
    ],
    [
      'a trusted root that is not JSON',
      { key: PUBLIC_PEM, trustedRoot: 'bad.json' },
      /^input "verify-trusted-root" \(bad\.json\) is not JSON/,
    ],
  ];
  for (const [name, raw, pattern] of bad) it(`refuses ${name} in one line naming the setting`, () => refuses(raw, pattern));

  it('never echoes an inline private key back', () => {
    assert.throws(
      () => parse({ key: PRIVATE_PEM }),
      (err: Error) => !err.message.includes('MIG') && /holds a private key/.test(err.message),
    );
  });

  it('speaks in flags on the command line', () => {
    refuses(
      { key: PUBLIC_PEM, certificateOidcIssuer: ISSUER },
      /^--verify-key and --verify-certificate-oidc-issuer are both given/,
      FLAG_VOICE,
    );
  });

  it('loads a trusted_root.json given inline, and the public-good root without network', async () => {
    const root = {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      ctlogs: [],
      timestampAuthorities: [],
      certificateAuthorities: [
        {
          subject: { organization: 'x', commonName: 'y' },
          uri: 'https://ca.example',
          certChain: { certificates: [] },
          validFor: { start: '2024-01-01T00:00:00Z' },
        },
      ],
    };
    const inline = parse({ key: PUBLIC_PEM, trustedRoot: JSON.stringify(root) })!;
    assert.equal((await inline.trustRoot()).root.certificateAuthorities[0].uri, 'https://ca.example');
    const publicGood = await parse({ key: PUBLIC_PEM })!.trustRoot();
    assert.ok(publicGood.root.certificateAuthorities.some((ca) => ca.uri === 'https://fulcio.sigstore.dev'));
    assert.ok(publicGood.root.tlogs.some((t) => t.baseUrl === 'https://rekor.sigstore.dev'));
  });
});
