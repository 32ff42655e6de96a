/**
 * Caps the connections that have not said hello yet, per remote address and in total, so one
 * host cannot hold hundreds of idle sockets. A socket counts from the moment it is accepted
 * (a slow upgrade counts too) until it is welcomed or closed.
 */
export interface AdmissionLimits {
  /** Not yet welcomed connections one address may hold. */
  perAddress: number;
  /** Not yet welcomed connections in all. */
  total: number;
}

/**
 * One admitted place, freed by `release` (again does nothing). An object rather than a closure:
 * every connection holds one for its whole life.
 */
export class AdmissionTicket {
  private released = false;

  constructor(
    private readonly admission: Admission,
    readonly address: string,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.admission.free(this.address);
  }
}

export class Admission {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  get pending(): number {
    return this.total;
  }

  /** A ticket when there is room for another pending connection from `address`, else undefined. */
  admit(address: string): AdmissionTicket | undefined {
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.limits.perAddress || this.total >= this.limits.total) return undefined;
    this.byAddress.set(address, held + 1);
    this.total++;
    return new AdmissionTicket(this, address);
  }

  /** A ticket's place, given back (only through AdmissionTicket.release, once). */
  free(address: string): void {
    this.total--;
    const left = this.byAddress.get(address)! - 1;
    if (left === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, left);
  }
}
