/**
 * A sentence not yet put into words: a message key and its parameters, which
 * may themselves be sentences ("{field} ({tag}): {rule}"). Rules computed
 * once are said in whatever language is on the screen when they are shown,
 * so switching the language re-words them too.
 */
import { translate, type Locale, type MessageKey } from './messages.js';

export interface Said {
  key: MessageKey;
  params?: Record<string, string | number | Said>;
}

export function said(key: MessageKey, params?: Said['params']): Said {
  return params ? { key, params } : { key };
}

export function say(locale: Locale, s: Said): string {
  if (!s.params) return translate(locale, s.key);
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(s.params)) params[k] = typeof v === 'object' ? say(locale, v) : v;
  return translate(locale, s.key, params);
}
