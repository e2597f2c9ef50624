/**
 * Child process entry: PGlite served over the Postgres wire protocol on 127.0.0.1, so the server
 * reaches it through the same `pg` Pool (and the same instrumentation) as a real Postgres.
 *
 * It runs in its own process rather than in the server's: PGlite is wasm and runs queries on
 * the thread that owns it, so a 150 ms analytics scan would otherwise freeze the HTTP event loop
 * and distort every latency the profiler sees. (Worker threads cannot load the .ts sources that
 * tests and tsx run, a forked process can: see nodeArgsFor.)
 *
 * argv: <dataDir> <maxConnections>. Messages to the parent: {type:'listening', port} or
 * {type:'error', message}. It stops on {type:'stop'}, SIGTERM, or when the parent goes away.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { isEmptyDir, readPgliteTemplate } from './pglite-template.js';
import { SARK_SCHEMA } from './schema-sql.js';

export type EmbeddedPgMessage = { type: 'listening'; port: number; fromTemplate: boolean } | { type: 'error'; message: string } | { type: 'stopped' };

function send(msg: EmbeddedPgMessage): void {
  if (process.send && process.connected) process.send(msg);
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const maxConnections = Number(process.argv[3] ?? '100');
  if (!dataDir) throw new Error('usage: embedded-pg-process <dataDir> <maxConnections>');
  // A new database starts from the packaged template when there is one (see pglite-template.ts).
  const template = isEmptyDir(dataDir) ? readPgliteTemplate() : undefined;
  const db = await PGlite.create(template === undefined ? { dataDir } : { dataDir, loadDataDir: template });
  // PGlite has one backend session shared by every socket connection, and it ignores startup
  // options: setting search_path here is how `SET search_path` "on the pool" reaches it.
  await db.exec(`SET search_path TO ${SARK_SCHEMA}, public`);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      await server.stop();
      await db.close();
    } finally {
      send({ type: 'stopped' });
      process.exit(0);
    }
  };
  process.on('message', (msg: unknown) => {
    if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  send({ type: 'listening', port, fromTemplate: template !== undefined });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
