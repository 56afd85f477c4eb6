// Optional HMAC-SHA256 request signing for PBX sources that have an `hmacSecret`. The signed text
// is `timestamp + "." + raw body` (exactly the bytes received), so neither the body nor the time
// can be changed; the 5-minute window bounds how long a captured request can be replayed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-screenpop-timestamp';
export const SIGNATURE_HEADER = 'x-screenpop-signature';
export const SIGNATURE_WINDOW_S = 300;

/** The header value a sender computes: `sha256=<hex>`. */
export function sign(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `sha256=${mac}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; label: 'bad-signature' | 'stale-timestamp'; reason: string };

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

export function verifySignature(options: {
  secret: string;
  timestamp: string | string[] | undefined;
  signature: string | string[] | undefined;
  rawBody: Buffer;
  nowMs: number;
}): SignatureCheck {
  const timestamp = header(options.timestamp);
  const signature = header(options.signature);
  if (!timestamp || !signature)
    return {
      ok: false,
      label: 'bad-signature',
      reason: 'this source must sign its requests: send X-ScreenPop-Timestamp and X-ScreenPop-Signature',
    };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, label: 'bad-signature', reason: 'X-ScreenPop-Timestamp must be unix seconds' };
  if (Math.abs(options.nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S)
    return {
      ok: false,
      label: 'stale-timestamp',
      reason: `X-ScreenPop-Timestamp is more than ${SIGNATURE_WINDOW_S / 60} minutes from the relay's clock`,
    };
  const given = /^sha256=([0-9a-fA-F]{64})$/.exec(signature)?.[1];
  if (!given)
    return {
      ok: false,
      label: 'bad-signature',
      reason: 'X-ScreenPop-Signature must be sha256=<64 hex digits>',
    };
  const expected = sign(options.secret, timestamp, options.rawBody).slice('sha256='.length);
  // Both are 32 bytes here, so timingSafeEqual's equal-length rule leaks nothing.
  if (!timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(expected, 'hex')))
    return { ok: false, label: 'bad-signature', reason: 'X-ScreenPop-Signature does not match the body' };
  return { ok: true };
}
