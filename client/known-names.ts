/**
 * The spelling each name was registered with, as the server shows it in welcomes, presence,
 * messages and history: names are compared case-insensitively, so `/msg ALICE` reaches alice,
 * and this turns what was typed back into how she is called.
 */
import { isValidName, nameKey } from '../protocol';

export class KnownNames {
  private readonly spellings = new Map<string, string>();

  see(name: string | undefined): void {
    if (name !== undefined && isValidName(name)) this.spellings.set(nameKey(name), name);
  }

  /** The registered spelling if the server has shown it, else the name as given. */
  spellingOf(name: string): string {
    return this.spellings.get(nameKey(name)) ?? name;
  }
}
