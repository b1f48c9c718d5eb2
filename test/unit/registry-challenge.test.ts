import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeScopes } from '../../src/targets/registry/auth.js';
import { challengeScopes, parseChallenges } from '../../src/targets/registry/challenge.js';

describe('WWW-Authenticate parsing', () => {
  const cases: Array<[string, string, ReturnType<typeof parseChallenges>]> = [
    ['basic', 'Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'bearer with service and scope',
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull' },
        },
      ],
    ],
    [
      'quoted values with commas and spaces after commas',
      'Bearer realm="https://x/token", service="svc", scope="repository:a:pull,push", error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://x/token', service: 'svc', scope: 'repository:a:pull,push', error: 'insufficient_scope' },
        },
      ],
    ],
    [
      'escaped quotes and an unquoted token value',
      'Bearer realm="a\\"b", service=svc',
      [{ scheme: 'bearer', params: { realm: 'a"b', service: 'svc' } }],
    ],
    [
      'two challenges in one header',
      'Basic realm="r1", Bearer realm="https://t/token",scope="repository:x:pull repository:y:pull"',
      [
        { scheme: 'basic', params: { realm: 'r1' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', scope: 'repository:x:pull repository:y:pull' } },
      ],
    ],
    ['scheme case and parameter name case', 'BEARER Realm="r"', [{ scheme: 'bearer', params: { realm: 'r' } }]],
    ['empty', '', []],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => assert.deepEqual(parseChallenges(header), expected));
  }

  it('splits several space-separated scopes of one scope value', () => {
    const [c] = parseChallenges('Bearer realm="r",scope="repository:a:pull,push repository:b:pull"');
    assert.deepEqual(challengeScopes(c), ['repository:a:pull,push', 'repository:b:pull']);
  });
});

describe('scope sets', () => {
  it('merges actions on one resource and sorts, so equal sets share a cache key', () => {
    assert.deepEqual(normalizeScopes(['repository:b:pull', 'repository:a:push', 'repository:a:pull']), [
      'repository:a:pull,push',
      'repository:b:pull',
    ]);
    assert.deepEqual(normalizeScopes(['repository:a:pull,push', 'repository:a:pull']), ['repository:a:pull,push']);
    assert.deepEqual(normalizeScopes(['registry:catalog:*']), ['registry:catalog:*']);
    assert.deepEqual(normalizeScopes([]), []);
  });
});
