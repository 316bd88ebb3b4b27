import type React from 'react';
import type { SyncStatusView } from '../../domain/api.js';
import { ApiError } from '../api.js';
import { useErrorText, useFormat, useT } from '../i18n/index.js';
import { useSync } from '../stores/sync.js';

/** A click on the bar must not pull the focus out of the field the clerk is typing in. */
const keepFocus = (e: React.MouseEvent) => e.preventDefault();

const BELGRADE_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Belgrade', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The time alone when it was today in Belgrade, otherwise the date and the time. */
export function useWhen(): (iso: string) => string {
  const f = useFormat();
  return (iso: string) => (BELGRADE_DAY.format(new Date(iso)) === BELGRADE_DAY.format(new Date()) ? f.time(iso) : f.dateTime(iso));
}

export type SyncState = 'unknown' | 'offline' | 'error' | 'ok';

export function syncStateOf(status: SyncStatusView | null): SyncState {
  if (!status) return 'unknown';
  if (!status.enrolled) return 'offline';
  return status.lastError ? 'error' : 'ok';
}

/** The progress bar: counts while catching up, a moving bar while a cycle runs without them yet. */
export function SyncProgress({ status, running, withLabel = false }: { status: SyncStatusView | null; running: boolean; withLabel?: boolean }) {
  const t = useT();
  const c = status?.catchingUp;
  if (c && c.total > 0) {
    const label = t('syncBar.progress', { done: c.done, total: c.total });
    return (
      <span className="sync-progress" data-testid="sync-progress" data-done={c.done} data-total={c.total}>
        <progress max={c.total} value={c.done} aria-label={label} />
        <span>{label}</span>
      </span>
    );
  }
  if (!running && !status?.running) return null;
  // No counts yet: the moving bar alone (its name for screen readers and on hover), so the strip keeps its height.
  return (
    <span className="sync-progress" data-testid="sync-progress" title={t('syncBar.running')}>
      <progress aria-label={t('syncBar.running')} />
      {withLabel ? <span>{t('syncBar.running')}</span> : null}
    </span>
  );
}

/**
 * The strip under the header on every signed-in screen: connected or not,
 * events waiting, the last sync, the last error in words, progress, and
 * "Sync now" (Ctrl+S, bound in App).
 */
export function SyncBar() {
  const t = useT();
  const errorText = useErrorText();
  const when = useWhen();
  const status = useSync((s) => s.status);
  const running = useSync((s) => s.running);
  const outcome = useSync((s) => s.outcome);
  const syncNow = useSync((s) => s.syncNow);
  const state = syncStateOf(status);
  const lastError = status?.lastError ?? null;

  // A failed "Sync now" is told by the last error itself; its own line only when it says something else.
  let said: string | null = null;
  if (outcome?.ok) {
    const r = outcome.run;
    said = r.setAside > 0 ? t('syncBar.doneSetAside', { pushed: r.pushed, pulled: r.pulled, setAside: r.setAside }) : t('syncBar.done', { pushed: r.pushed, pulled: r.pulled });
  } else if (outcome && !outcome.ok && outcome.error.code !== lastError?.code && !(outcome.error.code === 'SYNC_NOT_ENROLLED' && state === 'offline')) {
    said = errorText(outcome.error);
  }
  const outcomeFailed = outcome !== null && !outcome.ok;

  return (
    <div className={`syncbar syncbar-${state}`} role="region" aria-label={t('syncBar.label')} data-testid="sync-bar" data-state={state}>
      <div className="sync-items">
      {state === 'error' && lastError ? (
        <span className="sync-state sync-error" data-testid="sync-error" data-code={lastError.code}>
          {errorText(new ApiError(lastError.code, lastError.message))}
        </span>
      ) : (
        <span className="sync-state" data-testid="sync-state">
          <span className="sync-dot" aria-hidden="true" />
          {t(state === 'ok' ? 'syncBar.connected' : state === 'offline' ? 'syncBar.notEnrolled' : 'syncBar.unknown')}
        </span>
      )}
      {status?.enrolled ? (
        <>
          <span className="sync-fact" data-testid="sync-pending" data-count={status.pending}>
            {t('syncBar.pending', { n: status.pending })}
          </span>
          {status.setAside > 0 ? (
            <span className="sync-fact sync-warn" data-testid="sync-setaside" data-count={status.setAside}>
              {t('syncBar.setAside', { n: status.setAside })}
            </span>
          ) : null}
          <span className="sync-fact" data-testid="sync-last-success" data-at={status.lastSuccessAt ?? ''}>
            {status.lastSuccessAt ? t('syncBar.lastSuccess', { when: when(status.lastSuccessAt) }) : t('syncBar.never')}
          </span>
        </>
      ) : null}
      <SyncProgress status={status} running={running} />
      <span role="status" className={said ? `sync-outcome${outcomeFailed ? ' sync-outcome-bad' : ''}` : 'sr-only'} data-testid="sync-outcome" data-ok={outcome ? String(outcome.ok) : undefined} data-at={outcome?.at}>
        {said ?? ''}
      </span>
      </div>
      {status?.enrolled ? (
        <button type="button" className="sync-now" onMouseDown={keepFocus} onClick={() => void syncNow()} disabled={running} data-testid="sync-now" tabIndex={-1}>
          {t('keys.syncNow')} <kbd>Ctrl+S</kbd>
        </button>
      ) : null}
    </div>
  );
}
