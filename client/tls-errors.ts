/**
 * One line, in words, for why a wss:// connection could not be made, with the next step; never
 * a stack trace. Node names certificate problems by error code.
 */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** The sentence for a certificate error, or undefined when `error` is not one. */
export function describeCertificateError(error: unknown, caHint: string): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (UNTRUSTED.has(code)) return `the server's certificate is not trusted (it is not signed by a known authority): ${caHint}`;
  if (code === 'CERT_HAS_EXPIRED') return "the server's certificate has expired: its operator must renew it";
  if (code === 'CERT_NOT_YET_VALID') return "the server's certificate is not valid yet: check this computer's clock";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return "the server's certificate is for another host name than the one in the URL: use the name it was issued for";
  return undefined;
}
