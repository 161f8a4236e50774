/**
 * Detached CMS (PKCS#7) signatures, RFC 5652: SignedData over external content, with the signed attributes
 * content type, message digest (SHA-256) and signing time, the signer named by issuer and serial number,
 * and the signer's certificates inside. What `openssl cms -verify -binary -content FILE` checks, made and
 * read in process with the ASN.1 classes @peculiar/x509 is built on.
 */
import {
  createHash,
  sign as signData,
  verify as verifyData,
  X509Certificate as NodeCertificate,
  type KeyObject,
} from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
  DigestAlgorithmIdentifiers,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  CMSVersion,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { PkiError } from './errors.ts';

const ID_SHA256 = '2.16.840.1.101.3.4.2.1';
const ID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const ID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const ID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** The DER of the OBJECT IDENTIFIER id-data (1.2.840.113549.1.7.1), the content type attribute's value. */
const DER_ID_DATA = new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]).buffer;
/** DER NULL: the parameters RSA algorithm identifiers carry. */
const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;

const SET_TAG = 0x31;

const bytes = (data: ArrayBuffer): Buffer => Buffer.from(data);
const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

function signatureAlgorithm(key: KeyObject): AlgorithmIdentifier {
  if (key.asymmetricKeyType === 'rsa')
    return new AlgorithmIdentifier({ algorithm: ID_RSA_ENCRYPTION, parameters: DER_NULL });
  if (key.asymmetricKeyType === 'ec') return new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 });
  throw new PkiError(
    'key-unreadable',
    `a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign the bundle: MESH client keys are RSA`,
  );
}

/** A DER length prefix. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) octets.unshift(rest & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** SET OF `elements` (already DER), in the order given. */
function derSet(elements: readonly Buffer[]): Buffer {
  const body = Buffer.concat(elements);
  return Buffer.concat([Buffer.from([SET_TAG]), derLength(body.length), body]);
}

const encodeAttribute = (attribute: Attribute): Buffer => bytes(AsnConvert.serialize(attribute));

/** Signed attributes sorted by their encodings, as DER requires of a SET OF, and the DER the signature covers. */
function attributeSet(attributes: readonly Attribute[]): { sorted: Attribute[]; der: Buffer } {
  const encoded = attributes
    .map((attribute) => ({ attribute, der: encodeAttribute(attribute) }))
    .sort((a, b) => Buffer.compare(a.der, b.der));
  return { sorted: encoded.map((e) => e.attribute), der: derSet(encoded.map((e) => e.der)) };
}

export interface DetachedSigner {
  /** The signer's certificate first, then any chain to send with it. */
  certificates: readonly NodeCertificate[];
  privateKey: KeyObject;
}

/** A detached signature over `content`, DER-encoded ContentInfo. */
export function signDetached(content: Uint8Array, signer: DetachedSigner, signingTime = new Date()): Buffer {
  const [leaf] = signer.certificates;
  if (!leaf) throw new PkiError('certificate-unreadable', 'signing needs the signer certificate');
  if (!leaf.checkPrivateKey(signer.privateKey))
    throw new PkiError('key-unreadable', 'the signing key does not belong to the signer certificate');
  const parsedLeaf = AsnConvert.parse(leaf.raw, Certificate);
  const { sorted, der } = attributeSet([
    new Attribute({ attrType: id_contentType, attrValues: [DER_ID_DATA] }),
    new Attribute({ attrType: id_signingTime, attrValues: [AsnConvert.serialize(new SigningTime(signingTime))] }),
    new Attribute({ attrType: id_messageDigest, attrValues: [AsnConvert.serialize(new OctetString(sha256(content)))] }),
  ]);
  const algorithm = signatureAlgorithm(signer.privateKey);
  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: parsedLeaf.tbsCertificate.issuer,
        serialNumber: parsedLeaf.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: ID_SHA256 }),
    signedAttrs: sorted,
    signatureAlgorithm: algorithm,
    signature: new OctetString(signData('sha256', der, signer.privateKey)),
  });
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: ID_SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(
      signer.certificates.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(c.raw, Certificate) })),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return bytes(
    AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) })),
  );
}

/** What a detached signature says, once it verified over the content. */
export interface DetachedSignature {
  signer: NodeCertificate;
  /** Every certificate the signature carries, the signer's included. */
  certificates: NodeCertificate[];
  signingTime: Date;
}

export type SignatureFailure = 'unreadable' | 'content-differs' | 'signature' | 'signer-missing';

export class SignatureError extends Error {
  override name = 'SignatureError';
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

const attributeValue = (attributes: readonly Attribute[], type: string): ArrayBuffer | undefined =>
  attributes.find((a) => a.attrType === type)?.attrValues[0];

function parseSignedData(der: Uint8Array): SignedData {
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== id_signedData) throw new Error('not SignedData');
    return AsnConvert.parse(info.content, SignedData);
  } catch {
    throw new SignatureError('unreadable', 'it is not a DER CMS SignedData signature');
  }
}

function signerCertificate(
  signedData: SignedData,
  info: SignerInfo,
): { signer: NodeCertificate; certificates: NodeCertificate[] } {
  const certificates = (signedData.certificates ?? []).flatMap((choice) =>
    choice.certificate ? [new NodeCertificate(bytes(AsnConvert.serialize(choice.certificate)))] : [],
  );
  const wanted = info.sid.issuerAndSerialNumber;
  const signer = certificates.find((candidate) => {
    const parsed = AsnConvert.parse(candidate.raw, Certificate).tbsCertificate;
    return (
      wanted &&
      bytes(parsed.serialNumber).equals(bytes(wanted.serialNumber)) &&
      bytes(AsnConvert.serialize(parsed.issuer)).equals(bytes(AsnConvert.serialize(wanted.issuer)))
    );
  });
  if (!signer) throw new SignatureError('signer-missing', 'it does not carry the certificate of its signer');
  return { signer, certificates };
}

/** Checks a detached signature over `content`; throws a SignatureError naming what failed. */
export function verifyDetached(signatureDer: Uint8Array, content: Uint8Array): DetachedSignature {
  const signedData = parseSignedData(signatureDer);
  if (signedData.encapContentInfo.eContent)
    throw new SignatureError('unreadable', 'it carries its own content instead of signing the file beside it');
  const [info, ...others] = signedData.signerInfos;
  if (!info || others.length > 0)
    throw new SignatureError('unreadable', `it has ${signedData.signerInfos.length} signers, not one`);
  const { signer, certificates } = signerCertificate(signedData, info);
  const attributes = info.signedAttrs ?? [];
  const digest = attributeValue(attributes, id_messageDigest);
  const time = attributeValue(attributes, id_signingTime);
  if (info.digestAlgorithm.algorithm !== ID_SHA256 || !digest || !time) {
    throw new SignatureError('unreadable', 'it lacks a SHA-256 message digest or a signing time');
  }
  if (!bytes(AsnConvert.parse(digest, OctetString).buffer).equals(sha256(content))) {
    throw new SignatureError(
      'content-differs',
      'the signed SHA-256 differs from the file: it was altered after signing',
    );
  }
  // The signature covers the signed attributes as a SET OF, in the order (DER) the signer wrote them.
  const signedBytes = derSet(attributes.map(encodeAttribute));
  const algorithm = info.signatureAlgorithm.algorithm;
  const known = [ID_RSA_ENCRYPTION, ID_SHA256_WITH_RSA, ID_ECDSA_WITH_SHA256].includes(algorithm);
  if (!known || !verifyData('sha256', signedBytes, signer.publicKey, bytes(info.signature.buffer))) {
    throw new SignatureError(
      'signature',
      `the signature does not verify with the key of ${signer.subject.split('\n').join(', ')}`,
    );
  }
  return { signer, certificates, signingTime: AsnConvert.parse(time, SigningTime).getTime() };
}
