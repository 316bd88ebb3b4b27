import type React from 'react';
import { LOCALES, LOCALE_NAMES } from '../i18n/messages.js';
import { money, useFormat, useT } from '../i18n/index.js';
import { useLocale } from '../stores/locale.js';
import { useSession } from '../stores/session.js';
import { lockNow, signOut } from '../flow.js';

/** A click on the bar must not pull the focus out of the field the clerk is typing in. */
const keepFocus = (e: React.MouseEvent) => e.preventDefault();

/** The status bar: where, who, the till, the day, the language. */
export function Header() {
  const t = useT();
  const f = useFormat();
  const { locale, setLocale } = useLocale();
  const system = useSession((s) => s.system);
  const clerk = useSession((s) => s.clerk);
  const till = useSession((s) => s.till);
  const locked = useSession((s) => s.locked);
  const signedIn = useSession((s) => s.token !== null && s.clerk !== null);
  return (
    <header className="topbar">
      <div className="brand" data-testid="brand">
        <span className="logo" aria-hidden="true">
          ✉
        </span>{' '}
        PostDesk
      </div>
      <div className="where" data-testid="header-counter">
        {system?.setUp ? t('header.counter', { branch: system.branchCode ?? '', counter: system.counterNo ?? '' }) : t('header.notSetUp')}
        {system ? <span className="muted"> · {t('header.day', { day: f.dayShort(system.businessDay) })}</span> : null}
      </div>
      {signedIn && clerk ? (
        <div className="who" data-testid="header-clerk">
          {clerk.name} <span className="muted">({t(clerk.role === 'supervisor' ? 'header.role.supervisor' : 'header.role.clerk')})</span>
          {!locked ? <span className="till-state"> · {till ? t('header.tillOpen', { amount: money(till.expectedPara) }) : t('header.tillNone')}</span> : null}
        </div>
      ) : null}
      <div className="header-actions">
        <div className="locale-switch" role="group" aria-label={`${t('header.language')} (Ctrl+L)`}>
          {LOCALES.map((l) => (
            <button type="button" key={l} lang={l} aria-pressed={l === locale} className={l === locale ? 'on' : undefined} onMouseDown={keepFocus} onClick={() => setLocale(l)} data-testid={`locale-${l}`} tabIndex={-1}>
              {LOCALE_NAMES[l]}
            </button>
          ))}
        </div>
        {signedIn && !locked ? (
          <>
            <button type="button" onClick={() => void lockNow()} data-testid="header-lock" tabIndex={-1}>
              {t('header.lock')} <kbd>Ctrl+K</kbd>
            </button>
            <button type="button" onClick={() => void signOut()} data-testid="header-signout" tabIndex={-1}>
              {t('header.signOut')}
            </button>
          </>
        ) : null}
      </div>
    </header>
  );
}
