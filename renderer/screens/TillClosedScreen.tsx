import { Screen } from '../components/Screen.js';
import { money, useFormat, useT } from '../i18n/index.js';
import { useKeys } from '../keyboard.js';
import { useApp } from '../stores/app.js';
import { isSupervisor, useSession } from '../stores/session.js';
import { signOut } from '../flow.js';

export function TillClosedScreen() {
  const t = useT();
  const f = useFormat();
  const till = useApp((s) => s.closedTill);
  const go = useApp((s) => s.go);
  const supervisor = useSession(isSupervisor);
  const keys: Record<string, () => void> = { F10: () => void signOut() };
  if (supervisor) keys['Shift+F9'] = () => go('verify');
  useKeys(keys);
  const diff = till?.differencePara ?? 0;
  return (
    <Screen
      title={t('tillClosed.title')}
      testId="tillClosed"
      shortcuts={[
        { keys: 'Enter', label: t('keys.openTill') },
        { keys: 'Shift+F9', label: t('keys.verify'), run: () => go('verify'), hidden: !supervisor },
        { keys: 'F10', label: t('keys.signOut'), run: () => void signOut() },
      ]}
    >
      {till ? (
        <dl className="summary">
          <dt>{t('tillClosed.day')}</dt>
          <dd>{f.day(till.businessDay)}</dd>
          <dt>{t('closeTill.expected')}</dt>
          <dd data-testid="closed-expected">{money(till.expectedPara)}</dd>
          <dt>{t('closeTill.counted')}</dt>
          <dd data-testid="closed-counted">{money(till.countedPara ?? 0)}</dd>
          <dt>{t('closeTill.difference')}</dt>
          <dd data-testid="closed-difference" className={diff < 0 ? 'negative' : diff > 0 ? 'positive' : undefined}>
            {money(diff)}
          </dd>
          {till.differenceReason ? (
            <>
              <dt>{t('tillClosed.reason')}</dt>
              <dd data-testid="closed-reason">{till.differenceReason}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      <p className="verdict" data-testid="closed-verdict">
        {diff === 0 ? t('tillClosed.balanced') : diff < 0 ? t('tillClosed.short', { amount: money(-diff) }) : t('tillClosed.over', { amount: money(diff) })}
      </p>
      <div className="actions actions-start">
        <button type="button" className="primary" autoFocus onClick={() => go('openTill')} data-testid="closed-open-again">
          {t('tillClosed.openAgain')} <kbd>Enter</kbd>
        </button>
        {supervisor ? (
          <button type="button" onClick={() => go('verify')} data-testid="closed-verify">
            {t('keys.verify')} <kbd>Shift+F9</kbd>
          </button>
        ) : null}
        <button type="button" onClick={() => void signOut()} data-testid="closed-signout">
          {t('keys.signOut')} <kbd>F10</kbd>
        </button>
      </div>
    </Screen>
  );
}
