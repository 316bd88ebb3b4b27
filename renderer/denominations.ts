/** The RSD notes and coins, loaded once per run (reference data). */
import { useEffect, useState } from 'react';
import type { Denomination } from '../domain/api.js';
import { call } from './client.js';
import { toApiError, type ApiError } from './api.js';

let cached: Denomination[] | null = null;

export function useDenominations(): { denominations: Denomination[] | null; error: ApiError | null } {
  const [denominations, setDenominations] = useState<Denomination[] | null>(cached);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (cached) return;
    let live = true;
    call('till.denominations', {}).then(
      (d) => {
        cached = d;
        if (live) setDenominations(d);
      },
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  return { denominations, error };
}
