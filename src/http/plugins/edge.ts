// What every request meets before a route: bodies validated without type coercion (queries and path
// parameters may coerce), text that is not well-formed Unicode or holds NUL refused with 400 (what is
// stored must be exactly what is hashed into the audit trail), and no caching of anything a user
// signed in to see; security headers on every response.
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import fp from 'fastify-plugin';
import { findUnfitText } from '../../domain/text.js';
import { invalid } from '../../services/errors.js';

/**
 * On every response: nothing of ours may be framed, sniffed into another type, or leak its address in a
 * Referer; and the content security policy allows only this site's own resources, no inline script or style.
 */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const;

const ajvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;

export default fp(
  (app) => {
    // `"rating": ["F"]`, `"revision": "1"` or `"inScope": "false"` in a body is a wrong type: 400.
    const bodies = formats.default(new Ajv({ ...ajvOptions, coerceTypes: false }));
    const queries = formats.default(new Ajv({ ...ajvOptions, coerceTypes: 'array' }));
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : queries).compile(schema));

    // Callback hooks rather than async ones: they run on every request, and a promise per hook is measurable there.
    app.addHook('preValidation', (request, _reply, done) => {
      for (const [part, value] of [
        ['querystring', request.query],
        ['params', request.params],
        ['body', Buffer.isBuffer(request.body) ? undefined : request.body],
      ] as const) {
        const unfit = findUnfitText(value);
        if (unfit) return done(invalid(`invalid ${part}`, [{ path: part === 'body' ? unfit.path : `${part}:${unfit.path}`, message: unfit.message }]));
      }
      done();
    });

    app.addHook('onSend', (request, reply, payload, done) => {
      void reply.headers(SECURITY_HEADERS);
      if (request.actor) void reply.header('cache-control', 'no-store');
      done(null, payload);
    });
  },
  { name: 'edge', dependencies: ['auth'] },
);
