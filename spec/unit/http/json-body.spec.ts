import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { CfError } from '../../../src/http/cf-errors';
import { BodyRefused, getJsonBody, jsonBody, rawJsonBody } from '../../../src/http/json-body';

/** A tiny app that echoes what the reader made of the body, or the error it passed on. */
function appWith(reader: express.RequestHandler): express.Express {
  const app = express();
  app.use(reader);
  app.all('/echo', (req, res) => {
    res.json({ body: getJsonBody(req) ?? '<none>' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof CfError) res.status(err.status).json({ cf: err.message });
    else if (err instanceof BodyRefused) res.status(err.status).json({ refused: err.kind });
    else res.status(500).json({ unexpected: String(err) });
  });
  return app;
}

const v2 = appWith(rawJsonBody);
const plain = appWith(jsonBody({ limitBytes: 64 }));

describe('the one JSON-body reader', () => {
  it.each<[string, express.Express, (t: request.Test) => request.Test, number, unknown]>([
    [
      'v2: JSON labelled form-urlencoded is JSON (cf-nodejs-client)',
      v2,
      (t) => t.type('form').send('{"name":"a"}'),
      200,
      { body: { name: 'a' } },
    ],
    [
      'v2: a declared latin1 charset is read as UTF-8, as before',
      v2,
      (t) => t.set('Content-Type', 'text/plain; charset=latin1').send('{"name":"é"}'),
      200,
      { body: { name: 'é' } },
    ],
    ['v2: an empty body is no body', v2, (t) => t.send(''), 200, { body: '<none>' }],
    ['v2: a blank body is no body', v2, (t) => t.type('json').send('   '), 200, { body: '<none>' }],
    [
      'v2: a JSON scalar is kept for the schema to refuse',
      v2,
      (t) => t.type('json').send('7'),
      200,
      { body: 7 },
    ],
    [
      'v2: broken JSON is 400 MessageParseError',
      v2,
      (t) => t.type('json').send('{"a":'),
      400,
      { cf: expect.stringMatching(/^Request invalid due to parse error: .*JSON/) },
    ],
    [
      'v2: over 1 MiB is 400 MessageParseError (CC has no 413 here)',
      v2,
      (t) => t.type('json').send(JSON.stringify({ p: 'x'.repeat(1024 * 1024) })),
      400,
      { cf: 'Request invalid due to parse error: request body larger than 1048576 bytes' },
    ],
    [
      'v2: an unknown content encoding is 400 MessageParseError',
      v2,
      (t) => t.set('Content-Encoding', 'zstd-nope').type('json').send('{}'),
      400,
      { cf: expect.stringMatching(/^Request invalid due to parse error: /) },
    ],
    [
      'plain: over the limit is refused 413',
      plain,
      (t) => t.type('json').send(JSON.stringify({ p: 'x'.repeat(100) })),
      413,
      { refused: 'too large' },
    ],
    [
      'plain: a non-UTF charset is refused 415',
      plain,
      (t) => t.set('Content-Type', 'application/json; charset=latin1').send('{}'),
      415,
      { refused: 'unsupported charset' },
    ],
    [
      'plain: broken JSON is refused 400',
      plain,
      (t) => t.type('json').send('{'),
      400,
      { refused: 'not json' },
    ],
    [
      'plain: a body within the limit is read',
      plain,
      (t) => t.type('json').send('{"a":[1]}'),
      200,
      { body: { a: [1] } },
    ],
  ])('%s', async (_name, app, send, status, body) => {
    const res = await send(request(app).post('/echo'));
    expect([res.status, res.body]).toEqual([status, body]);
  });

  it('leaves GET alone', async () => {
    const res = await request(v2).get('/echo');
    expect([res.status, res.body]).toEqual([200, { body: '<none>' }]);
  });
});
