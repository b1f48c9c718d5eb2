import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { discard, HttpClient } from '../../src/targets/registry/http.js';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

// A token endpoint that answers 307 to another origin would otherwise be handed the refresh token in the form body.
describe('a request body never follows a redirect to another origin', () => {
  let origin: Server;
  let other: Server;
  let otherHost = '';
  let originHost = '';
  const received: string[] = [];

  before(async () => {
    other = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}');
      });
    });
    otherHost = await listen(other);
    origin = createServer((req, res) => {
      req.resume();
      const to = req.url === '/same' ? `http://${originHost}/landed` : `http://${otherHost}/token`;
      if (req.url === '/landed') res.writeHead(200).end('ok');
      else res.writeHead(307, { location: to }).end();
    });
    originHost = await listen(origin);
  });
  after(async () => {
    await new Promise((r) => origin.close(r));
    await new Promise((r) => other.close(r));
  });

  it('refuses a 307 that would carry a POST body to another host, and follows one on the same origin', async () => {
    const http = new HttpClient();
    try {
      await assert.rejects(
        http.send({
          method: 'POST',
          url: new URL(`http://${originHost}/token`),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=refresh_token&refresh_token=SECRET-REFRESH',
          retry: false,
        }),
        (err: Error) => err.message.includes(otherHost) && !err.message.includes('SECRET'),
      );
      assert.deepEqual(received, []);
      const same = await http.send({ method: 'PUT', url: new URL(`http://${originHost}/same`), body: 'manifest', retry: false });
      assert.equal(same.status, 200);
      await discard(same);
    } finally {
      await http.close();
    }
  });
});
