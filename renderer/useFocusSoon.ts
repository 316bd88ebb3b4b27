/**
 * Moves the keyboard focus once the render that a state change causes has
 * been committed. A `setTimeout(…, 0)` can fire before that render, or after
 * the clerk's next key press; an effect is flushed by React before the next
 * key event is handled, so the focus lands where the next key expects it.
 */
import { useEffect, useRef, useState } from 'react';

export function useFocusSoon(): (target: () => HTMLElement | null | undefined) => void {
  const pending = useRef<(() => HTMLElement | null | undefined) | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const target = pending.current;
    pending.current = null;
    target?.()?.focus();
  }, [tick]);
  return (target) => {
    pending.current = target;
    setTick((n) => n + 1);
  };
}
