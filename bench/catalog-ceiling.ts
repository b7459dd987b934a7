import fs from 'node:fs';
import http from 'node:http';
import express from 'express';

/**
 * A ceiling for `npm run bench catalog`, in its own process: answers every GET with the same
 * bytes Wharf answered, from memory, through bare node:http or through Express (with the
 * headers Wharf's own stack sets, so only the work behind them differs).
 *
 *   node catalog-ceiling.js <http|express> <port> <body file>
 */
const [kind, portText, bodyFile] = process.argv.slice(2);
const body = fs.readFileSync(bodyFile ?? '');
const port = Number(portText);

function listening(): void {
  process.stdout.write('ceiling listening\n');
}

if (kind === 'express') {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res) => {
    res.setHeader('Content-Type', 'application/json;charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(body);
  });
  app.listen(port, '127.0.0.1', listening);
} else {
  http
    .createServer((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json;charset=utf-8',
        'Content-Length': body.length,
      });
      res.end(body);
    })
    .listen(port, '127.0.0.1', listening);
}
