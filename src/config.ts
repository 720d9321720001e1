// Configuration: read from the environment once, validated, and passed around as a typed object.
import { randomBytes } from 'node:crypto';
import { PASSWORD_HASH_COST } from './services/passwords.js';

export type TwoFactorPolicy = 'staff' | 'all' | 'optional';
export type CookieSecure = 'auto' | 'true' | 'false';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  demo: boolean;
  /** Keys the CSRF tokens of the pages; shared by every instance of one deployment. */
  sessionSecret: string;
  sessionSecretGenerated: boolean;
  authorityName: string;
  twoFactor: TwoFactorPolicy;
  uploadMaxMb: number;
  logLevel: string;
  /** Session lifetime in hours. */
  sessionHours: number;
  /** scrypt's cost (log2 N) for new password hashes: always 15 from the environment; tests may build apps with less. */
  passwordHashCost: number;
  /** Default and longest lifetime of a bearer token, in days. */
  tokenTtlDays: number;
  /** Believe X-Forwarded-For and X-Forwarded-Proto (only behind a proxy that sets them). */
  trustProxy: boolean;
  /** `auto`: the session cookie is Secure when the request came over HTTPS (by TRUST_PROXY's rule). */
  cookieSecure: CookieSecure;
  /** The address people reach the service at: sealed reports print `<publicUrl>/verify` in their footer. */
  publicUrl: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, not "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be from ${min} to ${max}, not ${value}`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, not "${raw}"`);
  return raw as T;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/app.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be sqlite:<path> or postgres://user@host:port/database');
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) throw new ConfigError('HOST', `is not a host name or address: "${host}"`);
  const secret = env.SESSION_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters long');
  }
  const authorityName = env.AUTHORITY_NAME?.trim() || '行政院資通安全處';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrl)) throw new ConfigError('PUBLIC_URL', `must be an http(s) address without a query, not "${publicUrl}"`);
  return {
    port,
    host,
    databaseUrl,
    demo: oneOf(env, 'DEMO', ['0', '1', 'true', 'false'], '1') === '1' || env.DEMO === 'true',
    sessionSecret: secret || randomBytes(32).toString('base64url'),
    sessionSecretGenerated: !secret,
    authorityName,
    twoFactor: oneOf(env, 'TWO_FACTOR', ['staff', 'all', 'optional'], 'staff'),
    uploadMaxMb: integer(env, 'UPLOAD_MAX_MB', 20, 1, 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    sessionHours: integer(env, 'SESSION_HOURS', 8, 1, 24 * 30),
    passwordHashCost: PASSWORD_HASH_COST,
    tokenTtlDays: integer(env, 'TOKEN_TTL_DAYS', 90, 1, 3650),
    trustProxy: ['1', 'true'].includes(oneOf(env, 'TRUST_PROXY', ['0', '1', 'true', 'false'], 'false')),
    cookieSecure: oneOf(env, 'COOKIE_SECURE', ['auto', 'true', 'false'], 'auto'),
    publicUrl,
  };
}
