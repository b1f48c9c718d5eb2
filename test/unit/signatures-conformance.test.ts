// sigstore-conformance's bundle vectors through oci-copy's verifier (test/support/conformance.ts says
// how each case becomes an image's signature). Every case must come out as the suite expects: a
// bundle verified and its signer accepted, or, for a case named `…_fail`, refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conformanceCases, runConformanceCase } from '../support/conformance.js';

/** Cases refused for a reason of oci-copy's own: the reason is checked too, not only the refusal. */
const REASONS: Record<string, RegExp> = {
  // @sigstore/verify takes a bundle's root certificate in silence, and refuses this one only when it trips over its missing checkpoint.
  'bundle-with-root-cert_fail': /^its certificate chain holds a root certificate, which a bundle must not carry$/,
  // @sigstore/verify reads a missing start as trusted since forever.
  'trust-root-tlog-missing-validity-start_fail': /is malformed: tlogs\[\d+\] has a validFor with no start: give a trusted_root\.json/,
  'message-digest-mismatch_fail': /^it signs sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}$/,
  'managed-key-no-key_fail': /^it is signed with a key, and the policy requires a certificate identity$/,
};

describe('sigstore-conformance bundle vectors through oci-copy’s verifier', () => {
  const cases = conformanceCases();

  it('has the suite’s 70 cases', () => {
    assert.equal(cases.length, 70);
  });

  for (const name of cases) {
    it(name, async () => {
      const result = await runConformanceCase(name);
      assert.ok(
        result.passed,
        result.expectFailure ? 'accepted a bundle the suite says must be refused' : `refused a good bundle: ${result.problem}`,
      );
      // A refusal names what was wrong, in one line.
      if (!result.accepted) assert.ok(result.problem && !result.problem.includes('\n'), `one line: ${result.problem}`);
      if (REASONS[name]) assert.match(result.problem ?? '', REASONS[name]);
    });
  }
});
