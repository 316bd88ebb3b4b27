import type React from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ReceiptSummary } from '../../domain/api.js';
import { Screen } from '../components/Screen.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { money, useFormat, useT } from '../i18n/index.js';
import { useKeys } from '../keyboard.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useApp } from '../stores/app.js';
import { useSession } from '../stores/session.js';

const PAGE = 200;
const ROW_PX = 48;

/**
 * The day's receipts, newest first. Only the rows in view are in the page
 * and only the pages in view are fetched, so a day of 10,000 receipts
 * scrolls as lightly as a day of ten.
 */
export function ReceiptsScreen() {
  const t = useT();
  const f = useFormat();
  const go = useApp((s) => s.go);
  const viewReceipt = useApp((s) => s.viewReceipt);
  const startIndex = useApp((s) => s.listIndex);
  const [day, setDay] = useState<string | null>(useSession.getState().system?.businessDay ?? null);
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, ReceiptSummary[]>>(new Map());
  const [active, setActive] = useState(startIndex);
  const [error, setError] = useState<ApiError | null>(null);
  const requested = useRef(new Set<number>());
  const scrollRef = useRef<HTMLDivElement>(null);

  const loadPage = useCallback(
    (page: number, forDay: string) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      call('receipts.list', { businessDay: forDay, offset: page * PAGE, limit: PAGE }).then(
        (res) => {
          setTotal(res.total);
          setPages((prev) => new Map(prev).set(page, res.rows));
        },
        (e: unknown) => {
          requested.current.delete(page);
          setError(toApiError(e));
        },
      );
    },
    [],
  );

  useEffect(() => {
    // The business day may have turned since start-up: ask again.
    call('system.info', {}).then(
      (info) => {
        useSession.getState().setSystem(info);
        setDay(info.businessDay);
        loadPage(Math.floor(startIndex / PAGE), info.businessDay);
        if (startIndex >= PAGE) loadPage(0, info.businessDay);
      },
      (e: unknown) => setError(toApiError(e)),
    );
    scrollRef.current?.focus();
  }, []);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_PX, overscan: 10 });
  const items = virtualizer.getVirtualItems();

  useEffect(() => {
    if (!day || items.length === 0) return;
    const first = Math.floor(items[0]!.index / PAGE);
    const last = Math.floor(items[items.length - 1]!.index / PAGE);
    for (let p = first; p <= last; p++) loadPage(p, day);
  }, [items, day, loadPage]);

  useEffect(() => {
    if (total !== null && total > 0) virtualizer.scrollToIndex(Math.min(active, total - 1), { align: 'auto' });
  }, [total]);

  const rowAt = (i: number): ReceiptSummary | undefined => pages.get(Math.floor(i / PAGE))?.[i % PAGE];

  function move(to: number) {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  function open(i: number) {
    const row = rowAt(i);
    if (row) viewReceipt(row.number, i);
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>) {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_PX * 10) / ROW_PX) - 1);
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + pageRows, PageUp: active - pageRows, Home: 0, End: count - 1 };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      move(to);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      open(active);
    }
  }

  useKeys({ Escape: () => go('counter') });

  const activeRow = rowAt(active);
  return (
    <Screen
      title={t('receipts.title', { day: day ? f.day(day) : '' })}
      testId="receipts"
      wide
      shortcuts={[
        { keys: '↑ ↓ PgUp PgDn Home End', label: t('keys.move') },
        { keys: 'Enter', label: t('keys.open'), run: () => open(active) },
        { keys: 'Esc', label: t('keys.back'), run: () => go('counter') },
      ]}
    >
      <p data-testid="receipts-count">{total === null ? t('receipts.loadingRow') : t('receipts.count', { n: total })}</p>
      <ErrorAlert error={error} />
      <div className="receipts-head" aria-hidden="true">
        <span>{t('receipts.col.number')}</span>
        <span>{t('receipts.col.time')}</span>
        <span>{t('receipts.col.clerk')}</span>
        <span className="num">{t('receipts.col.lines')}</span>
        <span className="num">{t('receipts.col.total')}</span>
      </div>
      <div
        ref={scrollRef}
        className="receipts-scroll"
        role="listbox"
        tabIndex={0}
        aria-label={t('receipts.title', { day: day ? f.day(day) : '' })}
        aria-activedescendant={activeRow && count > 0 ? `receipt-row-${active}` : undefined}
        onKeyDown={onKeyDown}
        data-testid="receipts-list"
      >
        {total === 0 ? <p className="receipts-empty">{t('receipts.empty')}</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const row = rowAt(v.index);
            return (
              <div
                key={v.key}
                id={`receipt-row-${v.index}`}
                role="option"
                aria-selected={v.index === active}
                aria-posinset={v.index + 1}
                aria-setsize={count}
                className={`receipt-row${v.index === active ? ' receipt-row-active' : ''}`}
                data-testid="receipt-row"
                data-index={v.index}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_PX, transform: `translateY(${v.start}px)` }}
                onClick={() => {
                  setActive(v.index);
                  open(v.index);
                }}
              >
                {row ? (
                  <>
                    <span className="mono">{row.number}</span>
                    <span>{f.time(row.createdAt)}</span>
                    <span>{row.clerkName}</span>
                    <span className="num">{row.lineCount}</span>
                    <span className="num">{money(row.totalPara)}</span>
                  </>
                ) : (
                  <span className="muted">{t('receipts.loadingRow')}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </Screen>
  );
}
