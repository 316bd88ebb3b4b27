import { useState } from 'react';
import { Screen } from '../components/Screen.js';
import { useT } from '../i18n/index.js';
import { useKeys } from '../keyboard.js';
import { useApp } from '../stores/app.js';
import { BillersPanel } from './referenceData/BillersPanel.js';
import { FeeTablePanel } from './referenceData/FeeTablePanel.js';
import { CutoffsPanel } from './referenceData/CutoffsPanel.js';

type Tab = 'billers' | 'fees' | 'cutoffs';
const TABS: { tab: Tab; key: string; label: 'refData.billers' | 'refData.fees' | 'refData.cutoffs' }[] = [
  { tab: 'billers', key: 'F2', label: 'refData.billers' },
  { tab: 'fees', key: 'F3', label: 'refData.fees' },
  { tab: 'cutoffs', key: 'F4', label: 'refData.cutoffs' },
];

/**
 * The supervisor's reference data for bill payments: the billers directory,
 * the fee table and the payee banks' cut-off times. The server allows the
 * changes to supervisors only; the counter screen offers the way here only
 * to them (Shift+F3).
 */
export function ReferenceDataScreen() {
  const t = useT();
  const go = useApp((s) => s.go);
  const [tab, setTab] = useState<Tab>('billers');
  /** A dialog or an edit of the panel has the keyboard. */
  const [busy, setBusy] = useState(false);
  const back = () => go('counter');

  const bindings: Record<string, () => void> = { Escape: back };
  for (const x of TABS) bindings[x.key] = () => setTab(x.tab);
  useKeys(bindings, !busy);

  return (
    <Screen
      title={t('refData.title')}
      testId="referenceData"
      wide
      shortcuts={[
        ...TABS.map((x) => ({ keys: x.key, label: t(x.label), run: () => setTab(x.tab) })),
        { keys: 'Ins', label: t('refData.new'), hidden: tab !== 'billers' },
        { keys: 'Esc', label: t('keys.back'), run: back },
      ]}
    >
      <p className="intro">{t('refData.intro')}</p>
      <div role="tablist" aria-label={t('refData.title')} className="tabs">
        {TABS.map((x) => (
          <button
            type="button"
            role="tab"
            key={x.tab}
            id={`refdata-tab-${x.tab}`}
            aria-selected={tab === x.tab}
            aria-controls={`refdata-panel-${x.tab}`}
            className={tab === x.tab ? 'tab tab-on' : 'tab'}
            onClick={() => setTab(x.tab)}
            data-testid={`refdata-tab-${x.tab}`}
          >
            <kbd>{x.key}</kbd> {t(x.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`refdata-panel-${tab}`} aria-labelledby={`refdata-tab-${tab}`} className="tab-panel">
        {tab === 'billers' ? <BillersPanel key="billers" onBusy={setBusy} /> : tab === 'fees' ? <FeeTablePanel key="fees" onBusy={setBusy} /> : <CutoffsPanel key="cutoffs" />}
      </div>
    </Screen>
  );
}
