/**
 * @peculiar/x509 wired to Node's WebCrypto. Every pki file that builds certificates or CSRs imports x509
 * from here, so the decorator metadata polyfill and the crypto provider are set up exactly once.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** RSA 2048 with SHA-256: what every certificate in the NHS G2 chains uses. */
export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
