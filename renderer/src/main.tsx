import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.js';
import { resolveBackend } from './api/backend-location.js';
import { RpcClient } from './api/rpc-client.js';
import { App } from './app/App.js';
import { ThemeProvider } from './app/theme.js';
import './styles/app.css';

const backend = resolveBackend();
const client = new RpcClient(backend.wsUrl, backend.protocols);
client.start();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ThemeProvider>
        <ApiProvider client={client}>
          <App hasToken={backend.hasToken} />
        </ApiProvider>
      </ThemeProvider>
    </StrictMode>,
  );
}
