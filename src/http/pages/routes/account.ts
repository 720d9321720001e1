// `/me` (my password, my second factor, my bearer tokens, logging out everywhere), `/verify` (anyone
// checks a verification code) and `/ministry` (the agencies under a ministry user's ministry). Every
// handler calls the services as the JSON API does; a POST checks the form's CSRF token first.
import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Actor } from '../../../domain/roles.js';
import { ServiceError, type ErrorCode } from '../../../services/errors.js';
import type { VerificationView } from '../../../services/seal.service.js';
import { STATUS_OF } from '../../plugins/errors.js';
import { clearSessionCookie, requireActor } from '../../plugins/auth.js';
import { message, type MessageKey } from '../i18n.js';
import { requireCsrf } from '../plugin.js';

type Flash = { kind: 'ok' | 'error'; text: string } | null;

/** What the one response after starting an enrolment shows, and never again. */
interface Enrolment {
  secret: string;
  uri: string;
  recoveryCodes: string[];
  /** The checked SVG markup of the QR code, or null when it could not be drawn safely. */
  qr: string | null;
}

interface MeExtras {
  flash?: Flash;
  enrolment?: Enrolment;
  newToken?: { token: string; name: string; expiresAt: string };
  /** The name and days typed into the token form, kept when it is refused. */
  tokenForm?: { name: string; days: string };
}

/** The flash of a redirect back to /me after a change (`/me?done=…`). */
const DONE: Record<string, MessageKey> = { password: 'me.password.changed', otp: 'me.otp.done', revoked: 'me.token.revoked' };

const PAGE = { page: true } as const;
const HIDDEN = { hide: true } as const;

/** A text field of a form post (a repeated or missing field reads as empty). */
function field(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  return typeof value === 'string' ? value : '';
}

// ——— the QR code ———

const SVG_ELEMENTS = new Set(['svg', 'path']);
const SVG_ATTRIBUTES = new Set(['xmlns', 'viewBox', 'shape-rendering', 'fill', 'stroke', 'd', 'width', 'height']);

/**
 * The SVG markup `qrcode` draws, if it is only what a QR code needs: `<svg>` and `<path>` elements with
 * presentation attributes (never `style=`, which the Content-Security-Policy forbids, nor scripts,
 * handlers, links or text). Anything else, and null is returned: the markup is embedded unescaped, so
 * it is refused rather than repaired.
 */
export function checkedSvg(svg: string): string | null {
  const markup = svg.trim();
  if (!markup.startsWith('<svg') || !markup.endsWith('</svg>')) return null;
  if (/\sstyle\s*=/i.test(markup)) return null;
  if (markup.replace(/<[^<>]*>/g, '').trim() !== '') return null;
  for (const tag of markup.match(/<[^>]*>?/g) ?? []) {
    const open = /^<([a-zA-Z]+)((?:\s+[a-zA-Z-]+="[^"<>&]*")*)\s*\/?>$/.exec(tag);
    const close = /^<\/([a-zA-Z]+)>$/.exec(tag);
    const name = open?.[1] ?? close?.[1];
    if (!name || !SVG_ELEMENTS.has(name)) return null;
    for (const [, attribute] of (open?.[2] ?? '').matchAll(/\s+([a-zA-Z-]+)="/g)) {
      if (!SVG_ATTRIBUTES.has(attribute!)) return null;
    }
  }
  return markup;
}

async function qrOf(request: FastifyRequest, uri: string): Promise<string | null> {
  try {
    const svg = checkedSvg(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    if (svg === null) request.log.error('the QR code’s SVG holds more than paths and presentation attributes; not shown');
    return svg;
  } catch (error) {
    request.log.error({ err: error }, 'the QR code could not be drawn');
    return null;
  }
}

// ——— the pages ———

async function showMe(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, extras: MeExtras = {}, status = 200) {
  const actor = requireActor(request);
  const user = await app.services.accounts.findById(actor.id);
  const confirmed = (user?.otpConfirmedAt ?? null) !== null;
  const mustEnrol = request.mustEnrolOtp;
  // The tokens are not the business of a user who must enrol first (the API refuses them too).
  const tokens = mustEnrol ? [] : await app.services.accounts.listTokens(actor);
  const done = (request.query as Record<string, unknown>).done;
  const doneKey = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
  return reply.page(
    'me',
    'me.title',
    {
      flash: extras.flash ?? (doneKey ? { kind: 'ok', text: message(request.lang, doneKey) } : null),
      mustEnrol,
      account: { username: actor.username, role: actor.role, agency: actor.agency, ministry: actor.ministry },
      otp: {
        confirmed,
        // The secret waits, sealed, in the service's store between the two steps: the page only knows that one waits.
        pending: !confirmed && (user?.otpSecret ?? null) !== null && !extras.enrolment,
        enrolment: extras.enrolment ?? null,
      },
      tokens,
      newToken: extras.newToken ?? null,
      tokenForm: extras.tokenForm ?? { name: '', days: '' },
    },
    status,
  );
}

/** The form's own refusal (before any service is asked), shown on /me. */
const refuseForm = (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, key: MessageKey, extras: MeExtras = {}, status = 400) =>
  showMe(app, request, reply, { ...extras, flash: { kind: 'error', text: message(request.lang, key) } }, status);

/** A refusal of the service shown on /me: the message of `keys` for its code (else the generic one for its status), with that status. */
async function refuseOnMe(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, error: unknown, keys: Partial<Record<ErrorCode, MessageKey>>, extras: MeExtras = {}) {
  // Not logged in, must enrol first, a bad CSRF token, a foreign origin: the page error handler knows what to do.
  if (!(error instanceof ServiceError)) throw error;
  const code: ErrorCode = (error as ServiceError).code;
  if (['unauthorized', 'otp_enrolment_required', 'csrf', 'cross_origin', 'forbidden'].includes(code)) throw error;
  const status = STATUS_OF[code];
  if (code === 'too_many_attempts') {
    const seconds = (error as ServiceError<'too_many_attempts'>).data?.retryAfterSeconds;
    if (seconds) void reply.header('retry-after', String(seconds));
  }
  const generic: MessageKey = code === 'too_many_attempts' ? 'login.locked' : status === 404 ? 'error.404' : status === 409 ? 'error.409' : status < 500 ? 'error.422' : 'error.500';
  return refuseForm(app, request, reply, keys[code] ?? generic, extras, status);
}

/** The verification page, for `?code=` or for the hash of a PDF chosen on the page (`fileHash`). */
/** A findings report is a few MB at most; a larger file is no report of ours. */
const VERIFY_MAX_BYTES = 20 * 1024 * 1024;

async function showVerify(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, fileHash?: { sha256: string; name: string }) {
  const raw = fileHash?.sha256 ?? (request.query as Record<string, unknown>).code;
  const code = typeof raw === 'string' ? raw.trim() : '';
  const file = fileHash ? { file: fileHash.name } : {};
  if (code === '') return reply.page('verify', 'verify.title', { code: '' });
  if (!/^[0-9a-fA-F]{64}$/.test(code)) {
    return reply.page('verify', 'verify.title', { code: code.slice(0, 200), outcome: 'malformed', flash: { kind: 'error', text: message(request.lang, 'verify.malformed') } }, 400);
  }
  let view: VerificationView & Partial<{ questionnaire: string; level: number }>;
  try {
    view = await app.services.seals.verify(code);
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'not_found') throw error;
    return reply.page('verify', 'verify.title', { code, outcome: 'unknown', ...file }, 404);
  }
  return reply.page('verify', 'verify.title', { code: code.toLowerCase(), outcome: view.status === 'valid' ? 'valid' : 'revoked', record: view, ...file });
}

async function showMinistry(app: FastifyInstance, reply: FastifyReply, actor: Actor) {
  const [agencies, assessments, cycles] = await Promise.all([app.services.agencies.list(actor), app.services.assessments.listWithLevels(actor, {}), app.services.cycles.list()]);
  const byAgencyAndCycle = new Map(assessments.map((a) => [`${a.agency}\u0000${a.cycle}`, a]));
  const sections = [...cycles]
    .sort((a, b) => b.year - a.year)
    .map((cycle) => {
      const rows = agencies
        .map((agency) => {
          const grade = agency.grades[String(cycle.year)] ?? null;
          const assessment = byAgencyAndCycle.get(`${agency.code}\u0000${cycle.year}`) ?? null;
          // An agency appears in a cycle when its grade puts it in the cycle's cohort or it has an assessment there.
          if (!assessment && !(grade && cycle.grades.includes(grade))) return null;
          return { code: agency.code, name: agency.name, grade, assessment };
        })
        .filter((row) => row !== null)
        .sort((a, b) => a.code.localeCompare(b.code));
      const accepted = rows.filter((r) => r.assessment?.status === 'accepted');
      return {
        year: cycle.year,
        questionnaire: cycle.questionnaire,
        deadline: cycle.deadline,
        rows,
        counts: { agencies: rows.length, accepted: accepted.length, atTarget: accepted.filter((r) => r.assessment?.meetsTarget === true).length, hasTarget: cycle.targetLevel !== null },
      };
    })
    .filter((section) => section.rows.length > 0);
  return reply.page('ministry', 'ministry.title', { ministry: actor.ministry, sections, hasAgencies: agencies.length > 0 });
}

export default async function accountPages(app: FastifyInstance) {
  // ——— /me ———

  app.get('/me', { config: { access: 'user', duringOtpEnrolment: true, ...PAGE }, schema: HIDDEN }, async (request, reply) => showMe(app, request, reply));

  app.post('/me/password', { config: { access: 'user', ...PAGE }, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const current = field(request, 'current');
    const next = field(request, 'new');
    if (current === '' || next === '' || current.length > 1024 || next.length > 1024) return refuseForm(app, request, reply, 'me.password.missing');
    if (next !== field(request, 'repeat')) return refuseForm(app, request, reply, 'me.password.mismatch', {}, 422);
    try {
      await app.services.accounts.changePassword(actor, current, next, request.sessionId);
    } catch (error) {
      return refuseOnMe(app, request, reply, error, { invalid_credentials: 'me.password.wrong', invalid_password: 'me.password.short' });
    }
    return reply.redirect('/me?done=password', 303);
  });

  app.post('/me/otp', { config: { access: 'user', duringOtpEnrolment: true, ...PAGE }, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    let enrolment: Awaited<ReturnType<typeof app.services.accounts.enrolOtp>>;
    try {
      enrolment = await app.services.accounts.enrolOtp(actor);
    } catch (error) {
      return refuseOnMe(app, request, reply, error, { conflict: 'me.otp.already' });
    }
    // Shown in this response only (never stored in the page, a field or a cookie): the service keeps the secret, sealed, until it is confirmed.
    return showMe(app, request, reply, { enrolment: { ...enrolment, qr: await qrOf(request, enrolment.uri) } });
  });

  app.post('/me/otp/confirm', { config: { access: 'user', duringOtpEnrolment: true, ...PAGE }, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const code = field(request, 'otp').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return refuseForm(app, request, reply, 'me.otp.wrong');
    try {
      await app.services.accounts.confirmOtp(actor, code);
    } catch (error) {
      return refuseOnMe(app, request, reply, error, { invalid_input: 'me.otp.wrong', conflict: 'me.otp.nothing' });
    }
    return reply.redirect('/me?done=otp', 303);
  });

  app.post('/me/tokens', { config: { access: 'user', ...PAGE }, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const name = field(request, 'name').trim();
    const days = field(request, 'days').trim();
    const tokenForm = { name: name.slice(0, 100), days: days.slice(0, 10) };
    let token: Awaited<ReturnType<typeof app.services.accounts.createToken>>;
    if (name.length < 1 || name.length > 100) return refuseForm(app, request, reply, 'me.token.badName', { tokenForm });
    if (days !== '' && !/^[1-9]\d{0,3}$/.test(days)) return refuseForm(app, request, reply, 'me.token.badDays', { tokenForm });
    try {
      token = await app.services.accounts.createToken(actor, name, days === '' ? undefined : Number(days));
    } catch (error) {
      return refuseOnMe(app, request, reply, error, { invalid_input: 'me.token.badDays' }, { tokenForm });
    }
    // The token is shown in this response only.
    return showMe(app, request, reply, { newToken: { token: token.token, name: token.name, expiresAt: token.expiresAt } });
  });

  app.post('/me/tokens/:id/revoke', { config: { access: 'user', ...PAGE }, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    const actor = requireActor(request);
    const { id } = request.params as { id: string };
    try {
      await app.services.accounts.revokeToken(actor, id.slice(0, 64));
    } catch (error) {
      return refuseOnMe(app, request, reply, error, { not_found: 'me.token.notFound' });
    }
    return reply.redirect('/me?done=revoked', 303);
  });

  app.post('/me/logout-everywhere', { config: { access: 'user', ...PAGE }, schema: HIDDEN }, async (request, reply) => {
    requireCsrf(request);
    await app.services.accounts.logoutEverywhere(requireActor(request));
    clearSessionCookie(request, reply);
    return reply.redirect('/login?out=1', 303);
  });

  // ——— /verify ———

  app.get('/verify', { config: { access: 'public', ...PAGE }, schema: HIDDEN }, async (request, reply) => showVerify(app, request, reply));

  // A report's PDF chosen on the page is hashed here, on the server, and verified by that hash. Its bytes are not kept.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: VERIFY_MAX_BYTES, files: 1, fields: 2, fieldSize: 256 } });
    scope.post('/verify', { config: { access: 'public', ...PAGE }, schema: HIDDEN }, async (request, reply) => {
      requireCsrf(request);
      const file = await request.file();
      if (!file) return reply.page('verify', 'verify.title', { code: '', flash: { kind: 'error', text: message(request.lang, 'error.422') } }, 422);
      const hash = createHash('sha256');
      for await (const chunk of file.file) hash.update(chunk as Buffer);
      if (file.file.truncated) return reply.page('verify', 'verify.title', { code: '', flash: { kind: 'error', text: message(request.lang, 'error.413') } }, 413);
      return showVerify(app, request, reply, { sha256: hash.digest('hex'), name: file.filename });
    });
  });

  // ——— /ministry ———

  app.get('/ministry', { config: { access: ['ministry'], ...PAGE }, schema: HIDDEN }, async (request, reply) => showMinistry(app, reply, requireActor(request)));
}
