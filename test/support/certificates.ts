/**
 * Certificates for TLS tests, made with Debian's openssl in a temporary folder: a team CA and
 * server certificates it signs (for 127.0.0.1 and localhost, or expired, or for another host).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestCa {
  caFile: string;
  /** A server certificate signed by the CA; `days` < 0 makes one that has already expired. */
  issue(name: string, options?: { hosts?: string[]; days?: number }): { certFile: string; keyFile: string };
}

const CA_CONFIG = `[ca]
default_ca = test
[test]
dir = .
database = index.txt
new_certs_dir = .
certificate = ca.pem
private_key = ca.key
rand_serial = yes
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
`;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestCa(dir: string): TestCa {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=Relay Chat test CA', '-keyout', 'ca.key', '-out', 'ca.pem'], dir);
  return {
    caFile: path.join(dir, 'ca.pem'),
    issue(name, { hosts = ['127.0.0.1', 'localhost'], days = 1 } = {}) {
      const altNames = hosts.map((host) => (/^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
      writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${hosts[0]}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
      if (days > 0) {
        openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', `${name}.ext`, '-days', String(days), '-out', `${name}.pem`], dir);
      } else {
        // openssl 3.0's x509 cannot backdate; its ca command can, given a minimal database.
        writeFileSync(path.join(dir, 'index.txt'), '');
        writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
        openssl(['ca', '-batch', '-config', 'ca.cnf', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', `${name}.ext`, '-in', `${name}.csr`, '-out', `${name}.pem`], dir);
      }
      return { certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}.key`) };
    },
  };
}
