import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseSignatureInputs } from '../../src/signatures/parse-settings.js';
import { ACTION_VOICE } from '../../src/settings/voice.js';
import { keylessSigner } from '../../src/job/checks/signature-gates/load.js';
import { InputError } from '../../src/oci/errors.js';
import { entryFromValues, parseSyncEntries, type SyncEntry } from '../../src/plan/entries.js';

const ORIGIN = 'input "images"';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const files: Record<string, string> = { 'a.key': PRIVATE_PEM };
const readFile = (path: string) => {
  if (path in files) return files[path];
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};
const ENV = { COSIGN_PASSWORD: 'from-env' };

/** A list of entries, each `source`/`destination` plus the lines given. */
function list(...entries: string[][]): string {
  return entries
    .map((lines, i) =>
      [`- source: ghcr.io/acme/app${i}:1.0`, `  destination: registry.example.com/acme/app${i}`, ...lines.map((l) => `  ${l}`)].join('\n'),
    )
    .join('\n');
}
const parse = (text: string) => parseSyncEntries(text, ORIGIN, { env: ENV, readFile });

function refuses(text: string, pattern: RegExp): void {
  assert.throws(
    () => parse(text),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `an InputError, not ${String(err)}`);
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe("an images entry's own signing (sign* keys)", () => {
  it('reads each mode in the words of the step, and tells "sign: false" from saying nothing', () => {
    const [key, keyless, off, none, inherit] = parse(
      list(
        ['sign: key', 'sign-key: a.key', 'signature-format: legacy', 'sign-rekor-url: https://rekor.example.com/'],
        ['sign: keyless', 'sign-fulcio-url: https://fulcio.example.com', 'sign-tsa-url: https://tsa.example.com'],
        ['sign: false'],
        ['sign: none'],
        ['sign:'],
      ),
    );
    assert.deepEqual(key.sign, {
      mode: 'key',
      format: 'legacy',
      keyPem: PRIVATE_PEM,
      keyName: `${ORIGIN}: entry 1 (line 1), field "sign-key" (a.key)`,
      password: 'from-env',
      passwordSource: { from: 'COSIGN_PASSWORD' },
      rekorUrl: 'https://rekor.example.com',
    });
    assert.deepEqual(keyless.sign, {
      mode: 'keyless',
      format: 'bundle',
      fulcioUrl: 'https://fulcio.example.com',
      tsaUrl: 'https://tsa.example.com',
    });
    assert.equal(off.sign, false, 'sign: false turns signing off for the entry');
    assert.equal(none.sign, false, 'sign: none is the same');
    assert.equal(inherit.sign, undefined, 'an empty sign: leaves the step to decide');
    assert.ok(!('sign' in inherit), 'nothing recorded');
  });

  it('sign-platforms: true signs each platform manifest too; false, or leaving it out, only the index', () => {
    const [yes, quoted, no, absent] = parse(
      list(
        ['sign: keyless', 'sign-platforms: true'],
        ['sign: keyless', "sign-platforms: 'true'"],
        ['sign: keyless', 'sign-platforms: false'],
        ['sign: keyless'],
      ),
    );
    assert.deepEqual(yes.sign, { mode: 'keyless', format: 'bundle', platforms: true });
    assert.deepEqual(quoted.sign, { mode: 'keyless', format: 'bundle', platforms: true });
    assert.deepEqual(no.sign, { mode: 'keyless', format: 'bundle' });
    assert.deepEqual(absent.sign, { mode: 'keyless', format: 'bundle' });
  });

  it("takes the entry's sign-key-password as written, else COSIGN_PASSWORD; a key given as its text", () => {
    const [literal, quoted, inline] = parse(
      list(
        ['sign: key', 'sign-key: a.key', 'sign-key-password: 0123'],
        ['sign: key', 'sign-key: a.key', "sign-key-password: '1e3'"],
        [
          'sign: key',
          `sign-key: |\n${PRIVATE_PEM.trim()
            .split('\n')
            .map((l) => `    ${l}`)
            .join('\n')}`,
        ],
      ),
    );
    assert.equal((literal.sign || undefined)?.password, '0123', 'not the number 123');
    assert.equal((quoted.sign || undefined)?.password, '1e3');
    assert.equal((inline.sign || undefined)?.password, 'from-env');
    // A wrong password's line names where it came from: the entry's own field, or COSIGN_PASSWORD.
    assert.deepEqual((literal.sign || undefined)?.passwordSource, { from: `${ORIGIN}: entry 1 (line 1), field "sign-key-password"` });
    assert.deepEqual((inline.sign || undefined)?.passwordSource, { from: 'COSIGN_PASSWORD' });
    assert.equal((inline.sign || undefined)?.keyPem?.trim(), PRIVATE_PEM.trim());
    assert.equal((inline.sign || undefined)?.keyName, `${ORIGIN}: entry 3 (line 11), field "sign-key"`, 'the key itself is never a name');
  });

  it("applies the step's rules with the step's messages, naming the entry and field", () => {
    const at = (n: number, line: number, field: string) => `${ORIGIN}: entry ${n} \\(line ${line}\\), field "${field}"`;
    refuses(
      list(['sign: sometimes']),
      new RegExp(
        `^${at(1, 1, 'sign')} is "sometimes": use keyless \\(the job's OIDC identity through Fulcio and Rekor\\) or key \\(with ${at(1, 1, 'sign-key')}\\)$`,
      ),
    );
    refuses(list([], ['sign: true']), new RegExp(`^${at(2, 3, 'sign')} is "true": use keyless`));
    refuses(
      list(['sign-key: a.key']),
      new RegExp(`^${at(1, 1, 'sign-key')} is given but nothing is signed: set ${at(1, 1, 'sign')} to keyless or key$`),
    );
    refuses(
      list(['sign: false', 'signature-format: legacy']),
      new RegExp(`^${at(1, 1, 'signature-format')} is given but nothing is signed`),
    );
    refuses(
      list(['sign: keyless', 'sign-key: a.key']),
      new RegExp(`^${at(1, 1, 'sign-key')} is given but ${at(1, 1, 'sign')} is keyless: set it to key`),
    );
    refuses(list(['sign: key']), new RegExp(`^${at(1, 1, 'sign')} is key but ${at(1, 1, 'sign-key')} is missing`));
    refuses(list(['sign: key', 'sign-key: b.key']), new RegExp(`^${at(1, 1, 'sign-key')} names "b.key", which does not exist`));
    refuses(list(['sign: keyless', 'signature-format: v2']), new RegExp(`^${at(1, 1, 'signature-format')} is "v2": use bundle`));
    refuses(
      list(['sign: keyless', 'sign-rekor-url: rekor.example.com']),
      new RegExp(`^${at(1, 1, 'sign-rekor-url')} is "rekor.example.com": give an https:// URL$`),
    );
    refuses(
      list(['sign: key', 'sign-key: a.key', 'sign-fulcio-url: https://f.example.com']),
      new RegExp(`^${at(1, 1, 'sign-fulcio-url')} serves keyless signing`),
    );
    refuses(list(['sign: [key]']), new RegExp(`^${at(1, 1, 'sign')} must be a single value`));
    refuses(
      list(['sign-platforms: true']),
      new RegExp(`^${at(1, 1, 'sign-platforms')} is given but nothing is signed: set ${at(1, 1, 'sign')} to keyless or key$`),
    );
    refuses(list(['sign: keyless', 'sign-platforms: all']), new RegExp(`^${at(1, 1, 'sign-platforms')} is "all": use true or false$`));
    refuses(
      list(['sign-identity: x']),
      /^input "images": entry 1 \(line 1\) has an unknown field "sign-identity": the fields are source, .*, verify-key, .*, verify-platforms, verify-mode, sign, sign-key, sign-key-password, signature-format, sign-platforms, sign-fulcio-url, sign-rekor-url, sign-tsa-url, attest-verification$/,
    );
    refuses(
      list(['signature-fromat: legacy']),
      /^input "images": entry 1 \(line 1\) has an unknown field "signature-fromat": did you mean signature-format\? the fields are source, /,
    );
  });

  it("gives the same result as the step's inputs of the same names", () => {
    const settings = { sign: 'key', 'sign-key': 'a.key', 'signature-format': 'legacy', 'sign-key-password': 'pw' };
    const step = parseSignatureInputs((n) => (settings as Record<string, string>)[n] ?? '', ACTION_VOICE, {}, readFile).sign;
    const [entry] = parse(list(Object.entries(settings).map(([k, v]) => `${k}: ${v}`)));
    assert.deepEqual(
      { ...(entry.sign || {}), keyName: undefined, passwordSource: undefined },
      { ...step, keyName: undefined, passwordSource: undefined },
    );
    assert.deepEqual(step?.passwordSource, { from: 'input "sign-key-password"' });
    const [fromValues] = [
      entryFromValues(
        { source: 'ghcr.io/acme/app:1', destination: 'r.example.com/app', ...settings },
        { entry: 'one', field: (n) => `--${n}` },
        { env: ENV, readFile },
      ),
    ];
    assert.equal((fromValues.sign || undefined)?.password, 'pw');
  });

  it('says what signs keyless, so a shell can ask for a token before the job: the step only when some entry takes its signing', () => {
    const entries = parse(list(['sign: false'], ['sign: keyless'], []));
    const [off, keyless, inherits] = entries;
    const stepKeyless = { sign: { mode: 'keyless' as const, format: 'bundle' as const } };
    const stepKey = { sign: { mode: 'key' as const, format: 'bundle' as const } };
    assert.deepEqual(keylessSigner(stepKeyless, []), {}, 'one image: the step');
    assert.deepEqual(keylessSigner(stepKeyless, [off, keyless]), { entry: keyless }, "no entry takes the step's: the entry");
    assert.deepEqual(keylessSigner(stepKeyless, [off, inherits]), {}, "an entry takes the step's");
    assert.equal(keylessSigner(stepKeyless, [off]), undefined, 'every entry turns it off: nothing signs keyless');
    assert.deepEqual(keylessSigner(stepKey, entries as SyncEntry[]), { entry: keyless });
    assert.equal(keylessSigner({}, [off, inherits]), undefined);
  });
});
