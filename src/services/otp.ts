// Two-factor sign-in arithmetic (RFC 6238 TOTP: SHA-1, 6 digits, 30 s steps, one step of drift) through
// the well-kept `otpauth` library; the secret kept encrypted at rest; recovery codes made and hashed.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const OTP = { digits: 6, period: 30, algorithm: 'SHA1', window: 1, recoveryCodes: 10 } as const;

const totp = (base32: string, issuer: string, label: string) =>
  new TOTP({ issuer, label, secret: Secret.fromBase32(base32), algorithm: OTP.algorithm, digits: OTP.digits, period: OTP.period });

/** A fresh 160-bit secret in base32, and the otpauth:// URI an authenticator app reads. */
export function newOtpSecret(issuer: string, username: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totp(secret, issuer, username).toString() };
}

/** The code for a time (for tests and the demo's instructions). */
export const otpCode = (base32: string, at: Date): string => totp(base32, 'x', 'x').generate({ timestamp: at.getTime() });

/** The time step a valid code belongs to (its own, or one step before or after), or null. */
export function otpStep(base32: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(base32, 'x', 'x').validate({ token: code, timestamp: at.getTime(), window: OTP.window });
  return delta === null ? null : Math.floor(at.getTime() / 1000 / OTP.period) + delta;
}

/** Recovery codes: ten of 10 base32 characters, shown as `xxxxx-xxxxx`, each usable once. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: OTP.recoveryCodes }, () => {
    const code = new Secret({ size: 7 }).base32.slice(0, 10).toLowerCase();
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** Codes are compared without their dash and case, by their SHA-256 (they carry 50 bits of chance). */
export const recoveryCodeHash = (code: string): string => createHash('sha256').update(code.replace(/[-\s]/g, '').toLowerCase()).digest('hex');

/**
 * Seals TOTP secrets at rest with AES-256-GCM under a key derived from SESSION_SECRET. Without a
 * configured SESSION_SECRET (one made up per process would not survive a restart) they are stored
 * marked `plain:`; setting SESSION_SECRET later keeps those readable and seals new ones.
 */
export class SecretBox {
  private readonly key: Buffer | null;

  /** `purpose` keeps keys for different uses apart (TOTP secrets at rest, a login's pending second step). */
  constructor(sessionSecret: string | null, purpose = 'totp-secret') {
    this.key = sessionSecret ? Buffer.from(hkdfSync('sha256', sessionSecret, 'govsec-maturity', purpose, 32)) : null;
  }

  seal(plain: string): string {
    if (!this.key) return `plain:${plain}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${sealed.toString('base64')}`;
  }

  /** The secret, or null when it was sealed under another SESSION_SECRET. */
  open(stored: string): string | null {
    if (stored.startsWith('plain:')) return stored.slice('plain:'.length);
    const [version, iv, tag, sealed] = stored.split(':');
    if (version !== 'v1' || !this.key || !iv || !tag || !sealed) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
