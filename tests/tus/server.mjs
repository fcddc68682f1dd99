// A stock tus 1.0.0 server on loopback for the upload tests: npm @tus/server
// with @tus/file-store, unchanged. Usage: node server.mjs DIR
// Prints "listening PORT" once it accepts connections (port chosen by the OS).
import http from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const directory = process.argv[2];
const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
const server = http.createServer((req, res) => tus.handle(req, res));
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
