/**
 * `relay-chat logout`: signs this device out on the server (its token stops working) and
 * deletes the token here. When the server cannot do it, the token is still deleted here, and
 * the person is told that it works on the server until it is revoked elsewhere.
 */
import type { RelayClient } from '../relay-client';
import { sanitize, untrustedLine } from '../untrusted-text';
import { EXIT } from './exit-codes';
import { formatConnectionProblem } from './format';

export interface LogoutSetup {
  name: string;
  url: string;
  /** The token saved for the name on this server, if any. */
  token: string | undefined;
  createClient(token: string): RelayClient;
  /** Deletes the token from where it is saved. */
  forget(token: string): void;
}

export interface LogoutIO {
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

/** Refusals of a token that mean it no longer signs in anywhere: nothing is left to sign out. */
const TOKEN_NOT_VALID = new Set(['AUTH_FAILED', 'AUTH_REQUIRED', 'NAME_TAKEN']);

export function runLogout(setup: LogoutSetup, io: LogoutIO): Promise<number> {
  const report = (text: string): void => void io.errors.write(`relay-chat: ${sanitize(text)}\n`);
  const { token } = setup;
  if (token === undefined) {
    io.output.write(`not signed in as ${setup.name} on ${setup.url} on this computer (no token is saved for it); nothing to do\n`);
    return Promise.resolve(EXIT.ok);
  }
  return new Promise((resolve) => {
    const client = setup.createClient(token);
    let finished = false;
    let welcomed = false;
    let serverError: { code: string; message: string } | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      void client.close().then(() => resolve(code));
    };
    /** Deletes the token here; says so (or why it could not) and ends with `code`. */
    const forget = (code: number, said: () => void): void => {
      try {
        setup.forget(token);
      } catch (error) {
        report(`could not delete the token here (${error instanceof Error ? error.message : String(error)})`);
        return finish(EXIT.refusedMessage);
      }
      said();
      finish(code);
    };
    const forgetButStillValid = (why: string): void =>
      forget(EXIT.noConnection, () =>
        report(
          `${why}: deleted the token here, but it stays valid on the server until it is revoked from another device ` +
            `(/devices, then /revoke ID) or by an admin (relay-chat-server sessions revoke ${setup.name} ID)`,
        ),
      );

    const signOut = async (): Promise<void> => {
      if (client.accountState?.password === false && (await client.listDevices()).devices.length <= 1) {
        report(`not signed out: ${untrustedLine(client.name)} has no password and no other device, so no one could sign in as it again; set a password with /passwd in relay-chat first`);
        return finish(EXIT.noConnection);
      }
      await client.signOut();
      forget(EXIT.ok, () => void io.output.write(`signed out ${untrustedLine(client.name)} on ${setup.url}: this device's token no longer works and is deleted here\n`));
    };

    client.on('welcome', () => {
      welcomed = true;
      signOut().catch((error: unknown) => forgetButStillValid(`the server did not sign this device out (${error instanceof Error ? error.message : String(error)})`));
    });
    client.on('refused', (code, message) => {
      if (TOKEN_NOT_VALID.has(code)) {
        forget(EXIT.ok, () => void io.output.write(`the server no longer accepts this device's token (${code}: ${message}); deleted it here\n`));
      } else {
        forgetButStillValid(`the server refused this device (${code}: ${message})`);
      }
    });
    client.on('error', (error) => {
      if (!welcomed) serverError = error;
    });
    client.on('state', (state, detail) => {
      if (finished || welcomed) return;
      if (state === 'offline') {
        forgetButStillValid(formatConnectionProblem('cannot-connect', setup.url, detail?.error ?? 'unknown error'));
      } else if (state === 'closed') {
        forgetButStillValid(serverError ? `the server refused this device (${serverError.code}: ${serverError.message})` : `disconnected: ${detail?.error ?? 'unknown error'}`);
      }
    });
    client.connect();
  });
}
