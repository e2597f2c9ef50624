import WebSocket from 'ws';
import type { ApiMethod, ApiParams, ApiResults } from '../../core/api/types.js';
import type { E2eBackend } from './backend.js';

/** One WorkbenchApi call over the backend's WebSocket, for test set-up (e.g. importing reports). */
export async function rpc<M extends ApiMethod>(backend: E2eBackend, method: M, params: ApiParams<M>): Promise<ApiResults[M]> {
  const ws = new WebSocket(`${backend.origin.replace('http', 'ws')}/api?token=${backend.token}`);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const reply = new Promise<ApiResults[M]>((resolve, reject) => {
      ws.on('message', (raw) => {
        const msg = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (msg.id !== 1) return;
        if (msg.error) reject(new Error(msg.error.message));
        else resolve(msg.result as ApiResults[M]);
      });
    });
    ws.send(JSON.stringify({ id: 1, method, params }));
    return await reply;
  } finally {
    ws.close();
  }
}
