// The pages' two languages: every label, message and error in Traditional Chinese (the default) and
// English, and dates in the ROC calendar in Chinese. Questionnaire texts come from the files.
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as account from './messages/account.js';
import * as core from './messages/core.js';
import * as improvements from './messages/improvements.js';
import * as notifications from './messages/notifications.js';
import * as dashboard from './messages/dashboard.js';
import * as office from './messages/office.js';

export const LANGUAGES = ['zh-TW', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANG_COOKIE = 'gsm_lang';


const zh = { ...core.zh, ...office.zh, ...account.zh, ...notifications.zh, ...improvements.zh, ...dashboard.zh };
export type MessageKey = keyof typeof zh;
const en: Record<MessageKey, string> = { ...core.en, ...office.en, ...account.en, ...notifications.en, ...improvements.en, ...dashboard.en };

const MESSAGES: Record<Language, Record<MessageKey, string>> = { 'zh-TW': zh, en };

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

export function message(lang: Language, key: MessageKey): string {
  return MESSAGES[lang][key];
}

export const isMessageKey = (key: string): key is MessageKey => key in zh;

/**
 * The page's language: `?lang=` (then remembered in a cookie), else the cookie, else zh-TW.
 */
export function pickLanguage(request: FastifyRequest, reply: FastifyReply): Language {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLanguage(asked)) {
    void reply.setCookie(LANG_COOKIE, asked, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });
    return asked;
  }
  const remembered = request.cookies[LANG_COOKIE];
  return isLanguage(remembered) ? remembered : 'zh-TW';
}

/** A date (ISO date or timestamp) as a reader of `lang` writes it: 民國 109 年 3 月 31 日, or 31 March 2020. */
export function formatDate(value: string | null | undefined, lang: Language, withTime = false): string {
  if (!value) return '';
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return value;
  // Taiwan time for timestamps; a bare date stays the date it names.
  const local = value.length === 10 ? d : new Date(d.getTime() + 8 * 3_600_000);
  const [y, m, day, hh, mm] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()];
  const time = withTime ? ` ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}` : '';
  if (lang === 'zh-TW') return `民國 ${y - 1911} 年 ${m} 月 ${day} 日${time}`;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${day} ${months[m - 1]} ${y}${time}`;
}

/** A number as a reader of `lang` writes it (at most two decimals). */
export function formatNumber(value: number, lang: Language): string {
  return new Intl.NumberFormat(lang === 'zh-TW' ? 'zh-TW' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
}

/** A share of a whole as a whole percentage ("—" of nothing). */
export function formatPercent(part: number, whole: number, lang: Language): string {
  if (whole <= 0) return '—';
  return new Intl.NumberFormat(lang === 'zh-TW' ? 'zh-TW' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(part / whole);
}
