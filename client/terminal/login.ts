/**
 * `relay-chat login`: signs this computer in as a device of a name (registering it where the
 * server allows), saves the device's token (never the password) and exits, so later runs sign
 * in with the token. On a terminal the password is asked for without echo, twice when
 * registering with an invite, and again after a wrong one, up to MAX_PASSWORD_TRIES.
 */
import type { WelcomeFrame } from '../../protocol';
import type { RelayClient } from '../relay-client';
import { sanitize, untrustedLine } from '../untrusted-text';
import { EXIT } from './exit-codes';
import { formatConnectionProblem, formatNameRefused } from './format';
import { PromptCancelled, readMasked, type TerminalInput } from './masked-prompt';
import { MAX_PASSWORD_TRIES, newPasswordProblem, passwordMayHelp, passwordPrompt } from './password-sign-in';

export interface LoginSetup {
  name: string;
  url: string;
  /** An invite was given: this registers a new name, so a typed password is asked for twice. */
  registering: boolean;
  /** How this device shows in the device list. */
  device: string;
  /** From --password-stdin; without it the password is asked for on the terminal. */
  password?: string;
  createClient(password: string): RelayClient;
  /** Saves the welcome's token; returns where it is kept. */
  remember(welcome: WelcomeFrame): string;
}

export interface LoginIO {
  input: TerminalInput;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

export async function runLogin(setup: LoginSetup, io: LoginIO): Promise<number> {
  const report = (text: string): void => void io.errors.write(`relay-chat: ${sanitize(text)}\n`);
  const ask = (question: string): Promise<string> => readMasked({ input: io.input, output: io.errors }, question);
  let password = setup.password;
  let tries = 1;
  try {
    while (password === undefined) {
      if (!setup.registering) {
        password = await ask(passwordPrompt(setup.name, setup.url));
        break;
      }
      const chosen = await ask(`New password for ${setup.name} on ${setup.url}: `);
      const problem = newPasswordProblem(chosen, await ask('The same password again: '));
      if (problem === undefined) password = chosen;
      else if (tries++ < MAX_PASSWORD_TRIES) report(`${problem}; try again`);
      else {
        report(`${problem}; not signed in`);
        return EXIT.noConnection;
      }
    }
  } catch (error) {
    if (!(error instanceof PromptCancelled)) throw error;
    report('login cancelled');
    return EXIT.interrupted;
  }
  return signIn(setup, password, io, report, ask);
}

function signIn(
  setup: LoginSetup,
  password: string,
  io: LoginIO,
  report: (text: string) => void,
  ask: (question: string) => Promise<string>,
): Promise<number> {
  return new Promise((resolve) => {
    const client = setup.createClient(password);
    const canAsk = setup.password === undefined;
    let tries = 1;
    let welcomed = false;
    let asking = false;
    let finished = false;
    /** An error before the welcome: a refusal this client does not know by name (a newer server's). */
    let serverError: { code: string; message: string } | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      void client.close().then(() => resolve(code));
    };

    client.on('welcome', (welcome) => {
      welcomed = true;
      let where: string;
      try {
        where = setup.remember(welcome);
      } catch (error) {
        report(`signed in, but the token could not be saved (${error instanceof Error ? error.message : String(error)}), so the next run cannot use it`);
        return finish(EXIT.refusedMessage);
      }
      const admin = welcome.account?.admin ? ' (an admin)' : '';
      const name = untrustedLine(welcome.name);
      io.output.write(`signed in as ${name}${admin} on ${setup.url}, as the device ${JSON.stringify(setup.device)}; its token is saved in ${where}\n`);
      finish(EXIT.ok);
    });
    client.on('refused', (code, message, detail) => {
      if (canAsk && passwordMayHelp(code) && tries < MAX_PASSWORD_TRIES) {
        report(`${message} (${code})`);
        tries++;
        asking = true;
        ask(passwordPrompt(setup.name, setup.url)).then(
          (again) => {
            asking = false;
            client.signIn(again);
          },
          () => {
            report('login cancelled');
            finish(EXIT.interrupted);
          },
        );
        return;
      }
      report(formatNameRefused(setup.name, code, message, detail.retryAfterMs));
      finish(EXIT.noConnection);
    });
    client.on('error', (error) => {
      if (!welcomed) serverError = error;
    });
    client.on('state', (state, detail) => {
      if (finished || welcomed) return;
      if (state === 'offline') {
        report(formatConnectionProblem('cannot-connect', setup.url, detail?.error ?? 'unknown error'));
        finish(EXIT.noConnection);
      } else if (state === 'closed' && !asking) {
        report(serverError ? formatNameRefused(setup.name, serverError.code, serverError.message) : `disconnected: ${detail?.error ?? 'unknown error'}`);
        finish(EXIT.noConnection);
      }
    });
    client.connect();
  });
}
