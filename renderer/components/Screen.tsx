import type React from 'react';
import { ShortcutBar, type Shortcut } from './ShortcutBar.js';
import { useT } from '../i18n/index.js';
import { useSession } from '../stores/session.js';
import { lockNow } from '../flow.js';
import { useLocale } from '../stores/locale.js';
import { useSync } from '../stores/sync.js';

/** One screen: a title, its content, and the shortcut bar (with the keys that work everywhere). */
export function Screen({ title, testId, shortcuts = [], children, wide }: { title: string; testId: string; shortcuts?: Shortcut[]; children: React.ReactNode; wide?: boolean }) {
  const t = useT();
  const canLock = useSession((s) => s.token !== null && s.clerk !== null && !s.locked);
  const cycle = useLocale((s) => s.cycle);
  const enrolled = useSync((s) => s.status?.enrolled === true);
  const global: Shortcut[] = [
    ...(canLock
      ? [
          { keys: 'Ctrl+S', label: t('keys.syncNow'), run: () => void useSync.getState().syncNow(), hidden: !enrolled },
          { keys: 'Ctrl+K', label: t('keys.lock'), run: () => void lockNow() },
        ]
      : []),
    { keys: 'Ctrl+L', label: t('keys.language'), run: cycle },
  ];
  return (
    <section className="screen" data-testid={`screen-${testId}`} aria-labelledby="screen-title">
      <div className="screen-scroll">
        <div className={`screen-content${wide ? ' screen-wide' : ''}`}>
          <h1 id="screen-title" className="screen-title" data-testid="screen-title">
            {title}
          </h1>
          {children}
        </div>
      </div>
      <ShortcutBar items={[...shortcuts, ...global]} />
    </section>
  );
}
