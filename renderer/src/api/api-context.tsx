import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiEvents } from '../../../core/api/types.js';
import { type ConnectionState, type RpcClient } from './rpc-client.js';

const ClientContext = createContext<RpcClient | null>(null);

export function ApiProvider({ client, children }: { client: RpcClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useApi(): RpcClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}

export function useConnectionState(): ConnectionState {
  const client = useApi();
  const [state, setState] = useState<ConnectionState>(client.state);
  useEffect(() => {
    setState(client.state);
    return client.onState(setState);
  }, [client]);
  return state;
}

/** Subscribes to a pushed event for the component's lifetime; the latest handler is always used. */
export function useApiEvent<E extends keyof ApiEvents>(event: E, handler: (data: ApiEvents[E]) => void): void {
  const client = useApi();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => client.on(event, (data) => ref.current(data)), [client, event]);
}
