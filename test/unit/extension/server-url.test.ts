import assert from 'node:assert/strict';
import { serverUrlFrom } from '../../../extension/model/server-url';

describe('serverUrlFrom', () => {
  it('keeps a ws:// or wss:// URL exactly as typed, but for the spaces around it', () => {
    assert.deepEqual(serverUrlFrom(' ws://127.0.0.1:4446 '), { url: 'ws://127.0.0.1:4446' });
    assert.deepEqual(serverUrlFrom('wss://chat.example.com/'), { url: 'wss://chat.example.com/' });
    assert.deepEqual(serverUrlFrom('WS://Chat.Example.com:4446'), { url: 'WS://Chat.Example.com:4446' });
  });

  it('turns http:// into ws:// and https:// into wss://, keeping host, port and path', () => {
    assert.deepEqual(serverUrlFrom('http://127.0.0.1:4446'), { url: 'ws://127.0.0.1:4446' });
    assert.deepEqual(serverUrlFrom('http://127.0.0.1:4446/'), { url: 'ws://127.0.0.1:4446' });
    assert.deepEqual(serverUrlFrom('HTTPS://chat.example.com'), { url: 'wss://chat.example.com' });
    assert.deepEqual(serverUrlFrom('https://chat.example.com:8443/relay'), { url: 'wss://chat.example.com:8443/relay' });
  });

  it('reads a bare host:port (or host) as a ws:// URL', () => {
    assert.deepEqual(serverUrlFrom('localhost:4446'), { url: 'ws://localhost:4446' });
    assert.deepEqual(serverUrlFrom('10.0.0.5:4446'), { url: 'ws://10.0.0.5:4446' });
    assert.deepEqual(serverUrlFrom('[::1]:4446'), { url: 'ws://[::1]:4446' });
    assert.deepEqual(serverUrlFrom('chat.internal'), { url: 'ws://chat.internal' });
  });

  it('explains what it cannot turn into a WebSocket URL', () => {
    assert.match(problemOf(''), /Enter the server's URL/);
    assert.match(problemOf('ftp://example.com'), /must start with ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/, not ftp:\/\//);
    assert.match(problemOf('host:port'), /Enter a WebSocket URL such as ws:\/\/127\.0\.0\.1:4446/);
    assert.match(problemOf('not a url'), /Enter a WebSocket URL/);
  });
});

function problemOf(text: string): string {
  const answer = serverUrlFrom(text);
  assert.ok('problem' in answer, `${JSON.stringify(text)} is refused`);
  return answer.problem;
}
