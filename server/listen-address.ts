/** What the address a server listens on says about who can reach it. */
import type { RegistrationPolicy } from './authentication';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
const WILDCARD = /^(0\.0\.0\.0|::|)$/;

/** 127.0.0.0/8, ::1 or localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Every interface: the address says nothing about the name clients use. */
export function isWildcardHost(host: string): boolean {
  return WILDCARD.test(host);
}

/**
 * Without --registration: open on loopback, where only this machine's users can register, and
 * invite-only on any interface that others can reach.
 */
export function defaultRegistration(host: string): RegistrationPolicy {
  return isLoopbackHost(host) ? 'open' : 'invite';
}
