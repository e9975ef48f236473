/**
 * The opaque `encrypted_content` of reasoning items. Real blobs are Fernet-style tokens the client must replay
 * verbatim; the fake's are random bytes plus an HMAC, so it can reject blobs it never produced (or that were altered).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from './jwt.js';

const PREFIX = 'gAAAAB';
const NONCE_BYTES = 24;

export function mintEncryptedContent(secret: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  return PREFIX + Buffer.concat([nonce, tag(nonce, secret)]).toString('base64url');
}

export function verifyEncryptedContent(blob: string, secret: string): boolean {
  if (!blob.startsWith(PREFIX)) return false;
  const raw = Buffer.from(blob.slice(PREFIX.length), 'base64url');
  if (raw.length <= NONCE_BYTES) return false;
  const nonce = raw.subarray(0, NONCE_BYTES);
  return safeEqual(raw.subarray(NONCE_BYTES).toString('base64url'), tag(nonce, secret).toString('base64url'));
}

function tag(nonce: Buffer, secret: string): Buffer {
  return createHmac('sha256', `reasoning:${secret}`).update(nonce).digest();
}
