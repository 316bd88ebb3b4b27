import { useT } from '../i18n/index.js';

export interface Shortcut {
  keys: string;
  label: string;
  /** Clicking the hint runs the action too (for a mouse, or a touch screen). */
  run?: () => void;
  hidden?: boolean;
}

/** The footer that shows every key the screen answers to. */
export function ShortcutBar({ items }: { items: Shortcut[] }) {
  const t = useT();
  return (
    <footer className="shortcuts" aria-label={t('keys.shortcuts')} data-testid="shortcuts">
      <ul>
        {items
          .filter((s) => !s.hidden)
          .map((s) => (
            <li key={s.keys}>
              {s.run ? (
                <button type="button" className="shortcut" tabIndex={-1} onMouseDown={(e) => e.preventDefault()} onClick={s.run}>
                  <kbd>{s.keys}</kbd> {s.label}
                </button>
              ) : (
                <span className="shortcut">
                  <kbd>{s.keys}</kbd> {s.label}
                </span>
              )}
            </li>
          ))}
      </ul>
    </footer>
  );
}
