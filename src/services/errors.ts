// Typed service errors: a code, a message, details naming each problem, and typed data. Services know
// nothing of HTTP; the HTTP layer maps each code to a status in one table (src/http/plugins/errors.ts).
import type { Completeness } from '../domain/scoring.js';

export interface ProblemDetail {
  line?: number;
  column?: string | number;
  path?: string;
  message: string;
}

/** The answer as it stands now, sent back with a stale-revision refusal. */
export interface CurrentAnswer {
  rating: string;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  unconfirmed: boolean;
  updatedBy: string;
  updatedAt: string;
}

/** Each error code and the data it carries (`undefined`: none). */
export interface ErrorData {
  invalid_input: undefined;
  unauthorized: undefined;
  invalid_credentials: undefined;
  otp_required: undefined;
  otp_invalid: undefined;
  otp_enrolment_required: undefined;
  invalid_password: undefined;
  invalid_token: undefined;
  forbidden: undefined;
  cross_origin: undefined;
  csrf: undefined;
  not_found: undefined;
  conflict: undefined;
  stale_revision: { current: CurrentAnswer | null };
  exists: undefined;
  too_large: undefined;
  unsupported_media_type: undefined;
  incomplete: { completeness: Completeness };
  invalid_prefill: undefined;
  invalid_move: undefined;
  not_in_cohort: undefined;
  sheet_too_large: undefined;
  too_many_attempts: { retryAfterSeconds: number };
  backup_failed: undefined;
  database_unavailable: undefined;
}
export type ErrorCode = keyof ErrorData;

export class ServiceError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: ProblemDetail[],
    readonly data?: ErrorData[C],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what = 'not found'): ServiceError => new ServiceError('not_found', what);
export const forbidden = (message = 'you may not do this'): ServiceError => new ServiceError('forbidden', message);
export const conflict = (message: string): ServiceError => new ServiceError('conflict', message);
export const invalid = (message: string, details?: ProblemDetail[]): ServiceError => new ServiceError('invalid_input', message, details);
export const unauthorized = (message = 'log in first', code: 'unauthorized' | 'invalid_token' = 'unauthorized'): ServiceError => new ServiceError(code, message);
