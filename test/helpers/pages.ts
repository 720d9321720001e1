// Pages in tests, as a browser uses them: a page's CSRF token (the `gsm_csrf` cookie, which every form's
// hidden `_csrf` field repeats), and form posts with the cookies and this site's Origin.
import type { FastifyInstance } from 'fastify';

/** The Origin a browser sends with a form of this site: inject() calls the host `localhost:80`. */
export const ORIGIN = 'http://localhost:80';

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** GETs a page, with a Cookie header when given. */
export function getPage(app: FastifyInstance, url: string, cookie?: string): Promise<Response> {
  return app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
}

/**
 * GETs a page with a session cookie and takes its CSRF token: the `gsm_csrf` cookie it sets, which its
 * forms' hidden `_csrf` field must repeat. `cookie` is the Cookie header to post with (session and token).
 */
export async function csrfFrom(app: FastifyInstance, url: string, session: string): Promise<{ cookie: string; csrf: string; response: Response }> {
  const response = await getPage(app, url, session);
  const csrf = response.cookies.find((c) => c.name === 'gsm_csrf')?.value;
  const field = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
  if (!csrf || csrf !== field) throw new Error(`${url} (${response.statusCode}) gives no CSRF token in both a cookie and a form field`);
  return { cookie: `${session}; gsm_csrf=${csrf}`, csrf, response };
}

/** Posts a form as a browser does: urlencoded, with the cookies and this site's Origin (`fields` carry `_csrf` when it should be sent). */
export function postForm(app: FastifyInstance, url: string, cookie: string, fields: Record<string, string>): Promise<Response> {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** Posts a form with one file as a browser does: multipart/form-data, the fields (`_csrf` among them when it should be sent) before the file. */
export function postFile(app: FastifyInstance, url: string, cookie: string, fields: Record<string, string>, file: { field: string; name: string; type: string; content: string | Buffer }): Promise<Response> {
  const boundary = 'gsm-test-boundary-7d3f';
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="${file.field}"; filename="${file.name}"\r\ncontent-type: ${file.type}\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(parts.join('') + head), Buffer.from(file.content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return app.inject({ method: 'POST', url, headers: { cookie, origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
}

/** The page a form post's 303 leads to, fetched with the same cookies. */
export function follow(app: FastifyInstance, response: Response, cookie: string): Promise<Response> {
  const location = response.headers.location;
  if (response.statusCode !== 303 || typeof location !== 'string') throw new Error(`expected a 303 redirect, got ${response.statusCode}: ${response.body.slice(0, 300)}`);
  return getPage(app, location, cookie);
}

/** What a reader sees of a page: its text without tags, entities decoded, whitespace folded. */
export const textOf = (html: string): string =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60);/g, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`' })[entity] ?? '')
    .replace(/\s+/g, ' ');
