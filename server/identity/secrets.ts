/**
 * Device tokens: 256 random bits, handed to the client once and kept on the server only as a
 * SHA-256 hash. A token has nothing to guess, unlike a password, so one fast hash is enough to
 * make a copied database useless for signing in.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** 128 random bits: short enough to paste, and hashed like a token. */
export function newInviteCode(): string {
  return randomBytes(16).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
