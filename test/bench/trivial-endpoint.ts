import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A trivial JSON endpoint in a process of its own (so the load generator under test never
 * shares its event loop): reads the body, answers a small decision like the SARK evaluate call.
 * The ceiling target of the loadgen and recorder benchmarks.
 */
const SOURCE = `
const http = require('node:http');
const body = Buffer.from('{"allow":true,"reason":"bench","cached":true}');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
`;

export async function startTrivialEndpoint(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout as NodeJS.ReadableStream) {
    out += String(chunk);
    const m = /port (\d+)/.exec(out);
    if (m) return { child, url: `http://127.0.0.1:${m[1]}` };
  }
  throw new Error('the trivial endpoint did not start');
}
