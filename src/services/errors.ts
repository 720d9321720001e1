// Typed service errors: each carries a code and the HTTP status the one error handler maps it to.

export interface ProblemDetail {
  line?: number;
  column?: string | number;
  path?: string;
  message: string;
}

export class ServiceError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: ProblemDetail[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what = 'not found'): ServiceError => new ServiceError('not_found', 404, what);
export const forbidden = (message = 'you may not do this'): ServiceError => new ServiceError('forbidden', 403, message);
export const conflict = (message: string, extra?: Record<string, unknown>): ServiceError => new ServiceError('conflict', 409, message, undefined, extra);
export const invalid = (message: string, details?: ProblemDetail[]): ServiceError => new ServiceError('invalid_input', 400, message, details);
export const unauthorized = (message = 'log in first', code = 'unauthorized'): ServiceError => new ServiceError(code, 401, message);
