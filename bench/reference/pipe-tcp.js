// Reference: a TCP byte pipe (no HTTP parsing at all): the ceiling of anything that sits between two sockets in Node.
//   node pipe-tcp.js TARGET_PORT
import { connect, createServer } from 'node:net';

const port = Number(process.argv[2]);
const server = createServer((client) => {
  const upstream = connect(port, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ event: 'listening', port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
