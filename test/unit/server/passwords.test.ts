import assert from 'node:assert/strict';
import { OWASP_MINIMUM_COST, PasswordHasher } from '../../../server/identity/passwords';

const cheap = { N: 1024, r: 8, p: 1 };

describe('server: password hashing', () => {
  it('hashes at OWASP\'s minimum scrypt cost by default, as a self-describing string', async function () {
    this.timeout(20_000);
    assert.deepEqual(OWASP_MINIMUM_COST, { N: 2 ** 17, r: 8, p: 1 });
    const stored = await new PasswordHasher().hash('correct horse battery');
    assert.match(stored, /^\$scrypt\$N=131072,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
  });

  it('verifies the right password only, salting each hash', async () => {
    const hasher = new PasswordHasher(cheap);
    const stored = await hasher.hash('correct horse battery');
    assert.notEqual(await hasher.hash('correct horse battery'), stored, 'a new salt each time');
    assert.deepEqual(await hasher.verify('correct horse battery', stored), { ok: true });
    assert.deepEqual(await hasher.verify('correct horse batterY', stored), { ok: false });
    assert.deepEqual(await hasher.verify('correct horse battery', undefined), { ok: false }, 'no hash: same work, no match');
    assert.deepEqual(await hasher.verify('ﬁne password', await hasher.hash('fine password')), { ok: true }, 'NFKC: the ligature is fi');
  });

  it('upgrades a hash made at a lower cost when its owner signs in', async () => {
    const old = await new PasswordHasher({ N: 512, r: 8, p: 1 }).hash('correct horse battery');
    const result = await new PasswordHasher(cheap).verify('correct horse battery', old);
    assert.equal(result.ok, true);
    assert.match(result.upgraded ?? '', /^\$scrypt\$N=1024,r=8,p=1\$/);
    assert.deepEqual(await new PasswordHasher(cheap).verify('wrong password!', old), { ok: false }, 'never upgraded on a wrong password');
  });

  it('queues a burst beyond its concurrency instead of running it all at once', async () => {
    const hasher = new PasswordHasher(cheap, 1);
    const stored = await hasher.hash('correct horse battery');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => hasher.verify(i % 2 ? 'correct horse battery' : 'nope nope', stored)));
    assert.deepEqual(results.map((r) => r.ok), Array.from({ length: 20 }, (_, i) => i % 2 === 1));
  });

  it('refuses a stored hash it cannot read', async () => {
    await assert.rejects(new PasswordHasher(cheap).verify('whatever!', 'plain text'), /\$scrypt\$ format/);
  });
});
