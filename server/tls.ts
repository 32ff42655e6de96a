/**
 * TLS for the chat port: `wss://` and `https://…/healthz` on one port, from PEM files that can be
 * read again (SIGHUP) to swap a renewed certificate in without dropping a connection.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/** Reads and checks the pair, so a wrong file is refused with a clear message instead of at the first client. */
export function loadTls({ certFile, keyFile }: TlsFiles): TlsMaterial {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  const material = { cert: read(certFile, 'certificate'), key: read(keyFile, 'key') };
  try {
    createSecureContext(material);
  } catch (error) {
    throw new Error(`the TLS certificate ${certFile} and key ${keyFile} do not make a pair: ${(error as Error).message}`);
  }
  return material;
}
