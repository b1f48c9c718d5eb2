import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseStepInputs } from '../../src/action/inputs.js';
import { InputError } from '../../src/oci/errors.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE = encryptCosignKey(keys.privateKey, 'pw', 1024);

/** The inputs as the runner passes them: action.yml's defaults, then what the step gives. */
async function runnerInputs(given: Record<string, string>): Promise<(name: string) => string> {
  const action = parse(await readFile(`${root}action.yml`, 'utf8')) as { inputs: Record<string, { default?: string }> };
  const values: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) if (input.default !== undefined) values[name] = String(input.default);
  values['github-token'] = 'ghs_example';
  Object.assign(values, given);
  return (name) => values[name] ?? '';
}

describe('operation: verify | sign, as the runner passes the inputs', () => {
  it("takes source alone, and action.yml's defaults are no input given in vain", async () => {
    const step = await parseStepInputs(await runnerInputs({ operation: 'verify', source: 'ghcr.io/acme/app:1', 'verify-key': PUBLIC }));
    assert.equal(step.mode, 'in-place');
    if (step.mode !== 'in-place') return;
    assert.deepEqual([step.inputs.operation, step.inputs.unused], ['verify', []]);
    assert.equal(step.inputs.signatures.sign, undefined);
    assert.ok(step.inputs.signatures.verify);

    const sign = await parseStepInputs(await runnerInputs({ operation: 'Sign', source: 'oci:out:1' }));
    assert.ok(sign.mode === 'in-place' && sign.inputs.signatures.sign?.mode === 'keyless' && !sign.inputs.signGiven);
    const key = await parseStepInputs(await runnerInputs({ operation: 'sign', source: 'oci:out:1', 'sign-key': PRIVATE }));
    assert.ok(key.mode === 'in-place' && key.inputs.signatures.sign?.mode === 'key');
  });

  it('says each copy-only input given is not used, and verify drops the signing inputs with a line each', async () => {
    const step = await parseStepInputs(
      await runnerInputs({
        operation: 'verify',
        source: 'ghcr.io/acme/app:1',
        destination: 'ghcr.io/acme/other:1',
        referrers: 'true',
        sign: 'key',
        'sign-key': PRIVATE,
        'verify-key': PUBLIC,
      }),
    );
    assert.ok(step.mode === 'in-place');
    assert.deepEqual(step.inputs.unused, [
      'input "destination" is not used with input "operation" verify: verify acts on input "source" where it is; leave it out',
      'input "referrers" is not used with input "operation" verify: verify acts on input "source" where it is; leave it out',
      'input "sign" is not used with input "operation" verify: verify acts on input "source" where it is; leave it out',
      'input "sign-key" is not used with input "operation" verify: verify acts on input "source" where it is; leave it out',
    ]);
    assert.equal(step.inputs.signatures.sign, undefined, 'nothing is signed');
  });

  it('refuses in one line: no policy, no source, a list, an archive, several platforms, an unknown operation', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ operation: 'verify', source: 'ghcr.io/a/b:1' }, 'input "operation" verify needs a policy'],
      [{ operation: 'sign' }, 'input "source" is required'],
      [{ operation: 'verify', images: '- source: a\n  destination: b\n' }, 'give it as input "source", not input "images"'],
      [{ operation: 'verify', source: 'docker-archive:app.tar', 'verify-key': PUBLIC }, 'cannot be verified in place'],
      [{ operation: 'sign', source: 'ghcr.io/a/b:1', platform: 'linux/amd64,linux/arm64' }, 'several platforms would make a new index'],
      [
        { operation: 'verfy', source: 'ghcr.io/a/b:1', destination: 'oci:out' },
        'input "operation" is "verfy": use auto, copy, import, export, verify or sign',
      ],
    ];
    for (const [given, message] of cases) {
      await assert.rejects(parseStepInputs(await runnerInputs(given)), (err: unknown) => {
        assert.ok(err instanceof InputError, String(err));
        assert.ok((err as Error).message.includes(message), `${(err as Error).message} should say ${message}`);
        assert.ok(!(err as Error).message.includes('\n'));
        return true;
      });
    }
  });
});
