// CRX3, the signed package Chrome and Edge install from a self-hosted update URL. Written by hand:
// the format is a 12-byte prefix, a protobuf header of three byte fields and the zip, and the npm
// packers (crx, crx3) zip the folder themselves, which would undo the reproducible zip. Format:
// chromium components/crx_file/crx3.proto and crx_verifier.cc.
import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';

/** What the signature covers, before the signed header data and the zip. */
export const SIGNATURE_CONTEXT = Buffer.from('CRX3 SignedData\x00', 'latin1');

// Field numbers of crx3.proto: CrxFileHeader.sha256_with_rsa = 2, .sha256_with_ecdsa = 3,
// .signed_header_data = 10000; AsymmetricKeyProof.public_key = 1, .signature = 2;
// SignedData.crx_id = 1.
const RSA_PROOF = 2;
const ECDSA_PROOF = 3;
const SIGNED_HEADER_DATA = 10000;

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** One length-delimited protobuf field (wire type 2): the only kind the CRX header has. */
function bytesField(field: number, value: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(value.length), value]);
}

function uint32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** The extension id a public key (DER SubjectPublicKeyInfo) gives: its SHA-256's first 16 bytes, 0-f as a-p. */
export function extensionId(publicKeyDer: Buffer): string {
  const hex = createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

/** The zip signed with `privateKey` (RSA, or ECDSA P-256) as a CRX3, and the id it installs under. */
export function crx3(zip: Buffer, privateKey: KeyObject): { crx: Buffer; id: string } {
  const type = privateKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw new Error(`a CRX is signed with an RSA or EC key, not ${type}`);
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const crxId = createHash('sha256').update(publicKey).digest().subarray(0, 16);
  const signedData = bytesField(1, crxId);
  const signature = sign(
    'sha256',
    Buffer.concat([SIGNATURE_CONTEXT, uint32le(signedData.length), signedData, zip]),
    privateKey,
  );
  const proof = Buffer.concat([bytesField(1, publicKey), bytesField(2, signature)]);
  const header = Buffer.concat([
    bytesField(type === 'rsa' ? RSA_PROOF : ECDSA_PROOF, proof),
    bytesField(SIGNED_HEADER_DATA, signedData),
  ]);
  const crx = Buffer.concat([Buffer.from('Cr24'), uint32le(3), uint32le(header.length), header, zip]);
  return { crx, id: extensionId(publicKey) };
}

/** The update manifest (gupdate) Chrome and Edge read at the policy's or the manifest's update_url. */
export function updateXml(app: { id: string; version: string; codebase: string }): string {
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    gupdate: {
      '@_xmlns': 'http://www.google.com/update2/response',
      '@_protocol': '2.0',
      app: {
        '@_appid': app.id,
        updatecheck: { '@_codebase': app.codebase, '@_version': app.version },
      },
    },
  }) as string;
}
