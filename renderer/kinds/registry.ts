/**
 * What each item kind brings to the counter screen: its F-key, its name, the
 * panel that builds one basket line, and how a priced line reads in each
 * language. The counter screen knows nothing else about any service: a new
 * service registers here (and in domain/items.ts and services/kinds).
 */
import type { ComponentType } from 'react';
import type { QuoteLine } from '../../domain/api.js';
import type { ItemInput, ItemKindName } from '../../domain/items.js';
import type { Locale, MessageKey } from '../i18n/messages.js';
import { cyrToLat } from '../i18n/translit.js';

export interface KindPanelProps<I extends ItemInput = ItemInput> {
  /** Adds the line; the panel closes, unless `keepOpen` (the clerk goes on to the next item of the same kind). */
  onAdd(item: I, opts?: { keepOpen?: boolean }): void;
  onClose(): void;
}

export interface KindUi<K extends ItemKindName = ItemKindName> {
  kind: K;
  /** The shortcut that opens the panel on the counter screen, e.g. "F2". */
  key: string;
  label: MessageKey;
  Panel: ComponentType<KindPanelProps<Extract<ItemInput, { kind: K }>>>;
  /** The line's name in the clerk's language; default: the server's description. */
  lineName?(line: QuoteLine, locale: Locale): string;
  /** Detail keys not worth showing on the counter screen. */
  hiddenDetails?: readonly string[];
  /** Warning codes the line's details already say (not repeated under the line). */
  hiddenWarnings?: readonly string[];
  /** The line's details as label and value in the clerk's language; default: the server's details minus hiddenDetails. */
  lineDetails?(line: QuoteLine, locale: Locale): [string, string][];
}

const kinds = new Map<string, KindUi>();

export function registerKindUi<K extends ItemKindName>(ui: KindUi<K>): void {
  for (const other of kinds.values()) {
    if (other.key === ui.key && other.kind !== ui.kind) throw new Error(`${ui.kind} and ${other.kind} both want ${ui.key}`);
  }
  kinds.set(ui.kind, ui as unknown as KindUi);
}

export function kindUis(): KindUi[] {
  return [...kinds.values()];
}

export function kindUi(kind: string): KindUi | undefined {
  return kinds.get(kind);
}

/** A priced line's name for the clerk, for any kind (known to this build or not). */
export function lineName(line: QuoteLine, locale: Locale): string {
  const ui = kinds.get(line.kind);
  if (ui?.lineName) return ui.lineName(line, locale);
  return locale === 'sr-Latn' ? cyrToLat(line.description) : line.description;
}

export function visibleWarnings(line: QuoteLine): QuoteLine['warnings'] {
  const hidden = kinds.get(line.kind)?.hiddenWarnings ?? [];
  return line.warnings.filter((w) => !hidden.includes(w.code));
}

export function visibleDetails(line: QuoteLine, locale?: Locale): [string, string][] {
  const ui = kinds.get(line.kind);
  if (ui?.lineDetails && locale) return ui.lineDetails(line, locale);
  const hidden = ui?.hiddenDetails ?? [];
  return Object.entries(line.details).filter(([k]) => !hidden.includes(k));
}
