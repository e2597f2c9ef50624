import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiMethod, ApiParams, ApiResults } from '../../../core/api/types.js';
import { useApi, useConnectionState } from './api-context.js';
import { errorText } from './errors.js';

export interface CallState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls one API method when `key` changes (and on reload()). Results of superseded calls are
 * dropped, so a slow answer for an old session never overwrites the current one.
 */
export function useCall<M extends ApiMethod>(method: M, params: ApiParams<M> | null, key: string): CallState<ApiResults[M]> {
  const client = useApi();
  const [data, setData] = useState<ApiResults[M] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(params !== null);
  const [nonce, setNonce] = useState(0);
  const paramsRef = useRef(params);
  paramsRef.current = params;
  const connection = useConnectionState();
  const failedRef = useRef(false);
  failedRef.current = error !== null;

  // A call that failed because the backend was away is retried once it is back.
  useEffect(() => {
    if (connection === 'open' && failedRef.current) setNonce((n) => n + 1);
  }, [connection]);

  useEffect(() => {
    const p = paramsRef.current;
    if (p === null) {
      setLoading(false);
      return;
    }
    let current = true;
    setLoading(true);
    setError(null);
    client.call(method, p).then(
      (result) => {
        if (!current) return;
        setData(result);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(errorText(err));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [client, method, key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
