import assert from 'node:assert/strict';
import { parseCli, UsageError } from '../../../server/cli-args';

describe('server: command line', () => {
  it('uses the documented defaults', () => {
    assert.deepEqual(parseCli([], {}), {
      command: 'serve',
      host: '127.0.0.1',
      port: 4446,
      dataDir: 'relay-chat-data',
      synchronous: 'normal',
      commitWindowMs: 2,
      rateLimit: { burst: 30, perSecond: 10 },
      maxBufferedBytes: 1024 * 1024,
      allowOrigins: [],
      pendingLimits: { perAddress: 32, total: 1024 },
      headersTimeoutMs: 10_000,
      channelMentionMaxMembers: 50,
      trustProxy: false,
      insecure: false,
      registration: 'open',
    });
  });

  it('takes flags over environment variables', () => {
    const env = { RELAY_CHAT_PORT: '5000', RELAY_CHAT_HOST: '0.0.0.0', RELAY_CHAT_RATE_BURST: '100' };
    const fromEnv = parseCli([], env);
    assert.equal(fromEnv.command === 'serve' && fromEnv.port, 5000);
    assert.equal(fromEnv.command === 'serve' && fromEnv.host, '0.0.0.0');
    assert.equal(fromEnv.command === 'serve' && fromEnv.rateLimit.burst, 100);
    const fromFlags = parseCli(['--port', '0', '--data', '/tmp/x'], env);
    assert.equal(fromFlags.command === 'serve' && fromFlags.port, 0);
    assert.equal(fromFlags.command === 'serve' && fromFlags.dataDir, '/tmp/x');
  });

  it('takes repeated --allow-origin, normalised, and the pending caps', () => {
    const command = parseCli(
      ['--allow-origin', 'https://Team.Example:443', '--allow-origin', 'http://localhost:3000', '--max-pending-per-address', '5000', '--max-pending', '9000'],
      {},
    );
    assert.ok(command.command === 'serve');
    assert.deepEqual(command.allowOrigins, ['https://team.example', 'http://localhost:3000']);
    assert.deepEqual(command.pendingLimits, { perAddress: 5000, total: 9000 });
    const fromEnv = parseCli([], { RELAY_CHAT_ALLOW_ORIGIN: 'https://a.example, https://b.example' });
    assert.deepEqual(fromEnv.command === 'serve' && fromEnv.allowOrigins, ['https://a.example', 'https://b.example']);
  });

  it('takes --channel-mention-max-members, 0 meaning admins only, and refuses a negative one', () => {
    const command = parseCli(['--channel-mention-max-members', '0'], {});
    assert.equal(command.command === 'serve' && command.channelMentionMaxMembers, 0);
    const fromEnv = parseCli([], { RELAY_CHAT_CHANNEL_MENTION_MAX_MEMBERS: '7' });
    assert.equal(fromEnv.command === 'serve' && fromEnv.channelMentionMaxMembers, 7);
    assert.throws(() => parseCli(['--channel-mention-max-members', '-1'], {}), UsageError);
  });

  it('parses the administration commands', () => {
    const plan = (...argv: string[]) => {
      const command = parseCli(argv, {});
      assert.ok(command.command === 'admin');
      return command.plan;
    };
    assert.deepEqual(plan('user', 'add', 'Ada', '--admin'), { kind: 'user-add', name: 'Ada', admin: true });
    assert.deepEqual(plan('user', 'list'), { kind: 'user-list' });
    assert.deepEqual(plan('user', 'passwd', 'ada'), { kind: 'user-passwd', name: 'ada' });
    assert.deepEqual(plan('sessions', 'revoke', 'ada', '3'), { kind: 'sessions-revoke', name: 'ada', device: 3 });
    assert.deepEqual(plan('sessions', 'revoke', 'ada', '--all'), { kind: 'sessions-revoke', name: 'ada', device: 'all' });
    const invite = plan('invite', '--uses', '5', '--expires', '12h');
    assert.ok(invite.kind === 'invite-create' && invite.uses === 5 && Math.abs(invite.expiresAt - Date.now() - 12 * 3_600_000) < 5000);
    assert.deepEqual(plan('invite', 'revoke', '2'), { kind: 'invite-revoke', id: 2 });
    assert.throws(() => plan('user', 'add'), /user add takes a NAME/);
    assert.throws(() => plan('sessions', 'revoke', 'ada'), /sessions revoke NAME \(ID \| --all\)/);
    assert.throws(() => plan('invite', '--expires', '2y'), /like 7d/);
    assert.throws(() => plan('frobnicate'), /unknown command "frobnicate"/);
    assert.throws(() => parseCli(['--registration', 'sometimes'], {}), /open, invite, closed/);
    const serve = parseCli(['--registration', 'invite'], {});
    assert.equal(serve.command === 'serve' && serve.registration, 'invite');
  });

  it('defaults registration by the interface: open on loopback, invite on any other; --registration wins', () => {
    const registration = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const command = parseCli(argv, env);
      assert.ok(command.command === 'serve');
      return command.registration;
    };
    for (const host of ['127.0.0.1', '127.3.2.1', '::1', 'localhost', 'LocalHost']) assert.equal(registration(['--host', host]), 'open', host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'chat.example.com', 'fe80::1']) assert.equal(registration(['--host', host]), 'invite', host);
    assert.equal(registration([], { RELAY_CHAT_HOST: '0.0.0.0' }), 'invite');
    assert.equal(registration(['--host', '0.0.0.0', '--registration', 'open']), 'open');
    assert.equal(registration(['--host', '0.0.0.0'], { RELAY_CHAT_REGISTRATION: 'closed' }), 'closed');
    assert.equal(registration([], { RELAY_CHAT_REGISTRATION: 'invite' }), 'invite');
  });

  it('takes --public-url as a ws:// or wss:// URL, turning http(s):// into it', () => {
    const publicUrl = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const command = parseCli(argv, env);
      assert.ok(command.command === 'serve');
      return command.publicUrl;
    };
    assert.equal(publicUrl([]), undefined);
    assert.equal(publicUrl(['--public-url', 'https://Chat.Example.com/']), 'wss://chat.example.com');
    assert.equal(publicUrl(['--public-url', 'https://chat.example.com:443']), 'wss://chat.example.com');
    assert.equal(publicUrl(['--public-url', 'http://10.0.0.5:8080/chat']), 'ws://10.0.0.5:8080/chat');
    assert.equal(publicUrl(['--public-url', 'wss://[fd00::5]:4446']), 'wss://[fd00::5]:4446');
    assert.equal(publicUrl([], { RELAY_CHAT_PUBLIC_URL: 'wss://team.example:4446' }), 'wss://team.example:4446');
    assert.throws(() => publicUrl(['--public-url', 'ftp://chat.example.com']), /--public-url: a server URL starts with ws:\/\/ or wss:\/\//);
    assert.throws(() => publicUrl(['--public-url', 'chat.example.com']), /--public-url: "chat.example.com" is not a URL/);
    assert.throws(() => publicUrl(['--public-url', 'wss://ada:secret@chat.example.com']), /no user name, password, query or fragment/);
    assert.throws(() => publicUrl(['--public-url', 'wss://chat.example.com/?x=1']), /no user name, password, query or fragment/);
  });

  it('parses disabling, enabling and invite --url', () => {
    const plan = (...argv: string[]) => {
      const command = parseCli(argv, {});
      assert.ok(command.command === 'admin');
      return command.plan;
    };
    assert.deepEqual(plan('user', 'disable', 'Bo'), { kind: 'user-disable', name: 'Bo' });
    assert.deepEqual(plan('user', 'enable', 'bo'), { kind: 'user-enable', name: 'bo' });
    assert.throws(() => plan('user', 'disable'), /user disable takes a NAME/);
    assert.throws(() => plan('user', 'enable', 'bo', 'extra'), /usage: relay-chat-server user enable NAME/);
    const invite = plan('invite', '--url', 'https://chat.example.com:8443/');
    assert.ok(invite.kind === 'invite-create');
    assert.equal(invite.url, 'wss://chat.example.com:8443');
    assert.equal((plan('invite') as { url?: string }).url, undefined);
    assert.throws(() => plan('invite', '--url', 'mailto:ada@example.com'), /--url: a server URL starts with ws:\/\//);
  });

  it('parses release, help and version', () => {
    assert.deepEqual(parseCli(['release', 'alice', '--data', 'd'], {}), { command: 'admin', plan: { kind: 'user-remove', name: 'alice' }, dataDir: 'd' });
    assert.deepEqual(parseCli(['--help'], {}), { command: 'help' });
    assert.deepEqual(parseCli(['--version'], {}), { command: 'version' });
  });

  it('rejects bad input with a clear message', () => {
    assert.throws(() => parseCli(['--port', 'x'], {}), /port must be a whole number/);
    assert.throws(() => parseCli(['--port', '70000'], {}), /between 0 and 65535/);
    assert.throws(() => parseCli(['--sync', 'sometimes'], {}), /normal or full/);
    assert.throws(() => parseCli(['--bogus'], {}), UsageError);
    assert.throws(() => parseCli(['release'], {}), /takes a NAME/);
    assert.throws(() => parseCli(['release', '\u212Aelvin'], {}), /not a valid name/, 'KELVIN SIGN must not fold onto "kelvin"');
    assert.throws(() => parseCli(['--deflate'], {}), UsageError, '--deflate is gone: it never compressed a frame');
    assert.throws(() => parseCli(['--allow-origin', 'https://team.example/path'], {}), /not an origin/);
    assert.throws(() => parseCli(['--allow-origin', 'null'], {}), /not an origin/);
    assert.throws(() => parseCli(['--tls-cert', 'c.pem'], {}), /go together/);
    assert.throws(() => parseCli(['serve-please'], {}), /unknown command/);
  });
});
