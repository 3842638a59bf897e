// Signed customer tokens: the shop's backend, which knows who is logged in, mints a token for the
// customer; the service believes a customer id only from such a token. A token is
// "c1.<customer id, base64url>.<expiry, unix seconds>.<HMAC-SHA256 of what precedes, base64url>",
// so it needs no store and any instance holding the secret can check it.
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'c1';
const SHAPE = /^c1\.([A-Za-z0-9_-]{1,600})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export type TokenCheck = { ok: true; customer: string; expiresAt: number } | { ok: false; reason: string };

const sign = (secret: string, body: string): Buffer => createHmac('sha256', secret).update(body).digest();

/** True when `value` has the shape of a customer token (it may still be forged or expired). */
export const looksLikeCustomerToken = (value: string): boolean => value.startsWith(`${VERSION}.`);

/** A token saying `customer` is who calls until `ttlSeconds` from now. */
export function mintCustomerToken(customer: string, secret: string, ttlSeconds: number, now = Date.now()): string {
  if (!secret) throw new Error('a customer token needs a secret (SHOP_CUSTOMER_TOKEN_SECRET)');
  if (!customer) throw new Error('a customer token needs a customer id');
  const expiry = Math.floor(now / 1000) + Math.max(1, Math.floor(ttlSeconds));
  const body = `${VERSION}.${Buffer.from(customer, 'utf8').toString('base64url')}.${expiry}`;
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/** The customer a token names, if one of `secrets` signed it and it has not expired. */
export function verifyCustomerToken(token: string, secrets: readonly string[], now = Date.now()): TokenCheck {
  const m = SHAPE.exec(token);
  if (!m) return { ok: false, reason: 'is not a customer token' };
  const body = token.slice(0, token.lastIndexOf('.'));
  const given = Buffer.from(m[3]!, 'base64url');
  // Every secret is tried, so the time taken does not say which one was close.
  let signed = false;
  for (const s of secrets) if (timingSafeEqual(sign(s, body), given)) signed = true;
  if (!signed) return { ok: false, reason: 'is not signed by this shop' };
  const expiresAt = Number(m[2]) * 1000;
  if (expiresAt <= now) return { ok: false, reason: 'has expired' };
  return { ok: true, customer: Buffer.from(m[1]!, 'base64url').toString('utf8'), expiresAt };
}
