// Server-rendered pages: one Handlebars environment, the templates of `templates/` compiled once at
// start, and the helpers every page uses. Handlebars escapes every `{{value}}`; nothing user-supplied
// is ever written with triple braces.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../../paths.js';
import { formatDate, formatNumber, isMessageKey, message, type Language } from './i18n.js';

export interface PageContext {
  lang: Language;
  /** The other language, for the switch. */
  otherLang: Language;
  title: string;
  csrf: string;
  user: { username: string; displayName: string | null; role: string } | null;
  /** The path of this page without `?lang=`, for the language switch. */
  path: string;
  flash?: { kind: 'ok' | 'error'; text: string } | null;
  [key: string]: unknown;
}

const rootOf = (options: Handlebars.HelperOptions): PageContext => (options.data as { root: PageContext }).root;

export class Views {
  private readonly hbs = Handlebars.create();
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  constructor(dir: string = templatesDir) {
    const hbs = this.hbs;
    hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      const lang = rootOf(options).lang;
      return isMessageKey(key) ? message(lang, key) : key;
    });
    /** A localized text of a questionnaire (`{"zh-TW", "en"}`) in the page's language. */
    hbs.registerHelper('loc', function (text: { 'zh-TW': string; en: string } | undefined, options: Handlebars.HelperOptions) {
      if (!text) return '';
      return text[rootOf(options).lang];
    });
    hbs.registerHelper('date', function (value: string | null, options: Handlebars.HelperOptions) {
      return formatDate(value, rootOf(options).lang, options.hash.time === true);
    });
    /** A number as the page's language writes it ('—' for none). */
    hbs.registerHelper('num', function (value: number | null | undefined, options: Handlebars.HelperOptions) {
      return typeof value === 'number' ? formatNumber(value, rootOf(options).lang) : '—';
    });
    // Punctuation written into the templates follows the page's language: full-width in Chinese.
    hbs.registerHelper('colon', (options: Handlebars.HelperOptions) => (rootOf(options).lang === 'zh-TW' ? '：' : ': '));
    hbs.registerHelper('lp', (options: Handlebars.HelperOptions) => (rootOf(options).lang === 'zh-TW' ? '（' : ' ('));
    hbs.registerHelper('rp', (options: Handlebars.HelperOptions) => (rootOf(options).lang === 'zh-TW' ? '）' : ')'));
    hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    hbs.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
    hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    hbs.registerHelper('not', (a: unknown) => !a);
    hbs.registerHelper('lt', (a: number, b: number) => a < b);
    hbs.registerHelper('includes', (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value));
    hbs.registerHelper('percent', (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0));
    hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));

    for (const file of readdirSync(join(dir, 'partials'))) {
      if (file.endsWith('.hbs')) hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(dir, 'partials', file), 'utf8'));
    }
    for (const file of readdirSync(join(dir, 'pages'))) {
      if (file.endsWith('.hbs')) this.pages.set(basename(file, '.hbs'), hbs.compile(readFileSync(join(dir, 'pages', file), 'utf8'), { strict: false }));
    }
    this.layout = hbs.compile(readFileSync(join(dir, 'layout.hbs'), 'utf8'));
  }

  render(page: string, context: PageContext): string {
    const template = this.pages.get(page);
    if (!template) throw new Error(`no template pages/${page}.hbs`);
    const body = template(context);
    return this.layout({ ...context, body });
  }
}
