import type { X509Certificate } from '@sigstore/core';
import { printable } from '../oci/text.js';
import type { SignerIdentity } from './record.js';

/**
 * What a Fulcio certificate says of its signer: the identity (subject alternative name), the OIDC
 * issuer, and for a CI workflow the extensions Fulcio fills from the token's claims
 * (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). Each newer extension is a DER
 * UTF8String; the older (1.1 to 1.6) hold the raw string. Values are made printable: they are
 * for reports, and come from outside.
 */
const OID = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  triggerV1: '1.3.6.1.4.1.57264.1.2',
  shaV1: '1.3.6.1.4.1.57264.1.3',
  repositoryV1: '1.3.6.1.4.1.57264.1.5',
  refV1: '1.3.6.1.4.1.57264.1.6',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
} as const;

export function certificateIdentity(cert: X509Certificate): SignerIdentity {
  const out: SignerIdentity = {};
  const set = (field: keyof SignerIdentity, value: string | undefined) => {
    if (value) out[field] = printable(value, 512);
  };
  set(
    'identity',
    safe(() => cert.subjectAltName),
  );
  set('issuer', utf8(cert, OID.issuer) ?? raw(cert, OID.issuerV1));
  set('workflow', utf8(cert, OID.buildConfigUri) ?? utf8(cert, OID.buildSignerUri));
  set('repository', utf8(cert, OID.sourceRepositoryUri) ?? raw(cert, OID.repositoryV1));
  set('commit', utf8(cert, OID.sourceRepositoryDigest) ?? raw(cert, OID.shaV1));
  set('ref', utf8(cert, OID.sourceRepositoryRef) ?? raw(cert, OID.refV1));
  set('trigger', utf8(cert, OID.buildTrigger) ?? raw(cert, OID.triggerV1));
  set('run', utf8(cert, OID.runInvocationUri));
  return out;
}

/** The certificate's issuer extension, unaltered: what a policy's issuer is compared with. */
export function certificateIssuer(cert: X509Certificate): string | undefined {
  return utf8(cert, OID.issuer) ?? raw(cert, OID.issuerV1);
}

function utf8(cert: X509Certificate, oid: string): string | undefined {
  return safe(() => cert.extension(oid)?.valueObj.subs?.[0]?.value.toString('utf8'));
}

function raw(cert: X509Certificate, oid: string): string | undefined {
  return safe(() => cert.extension(oid)?.value.toString('utf8'));
}

/** A certificate from outside may be malformed in any part; a part that cannot be read is absent. */
function safe(read: () => string | undefined): string | undefined {
  try {
    const v = read();
    return typeof v === 'string' && v.length ? v : undefined;
  } catch {
    return undefined;
  }
}
