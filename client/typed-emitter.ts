/**
 * A small event emitter whose event names and argument lists are checked by the compiler.
 * Unlike Node's EventEmitter, an 'error' event without listeners is not thrown, and a listener
 * that throws cannot leave the emitter's owner half way through handling a frame: the
 * exception is rethrown on its own so it still surfaces, but everything else keeps running.
 */
type Listener<Args extends unknown[]> = (...args: Args) => void;

export class TypedEmitter<Events extends { [E in keyof Events]: unknown[] }> {
  /** A Map, not an object: no event name can land on a prototype property. */
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    const set = this.listenersOf(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set as Set<Listener<never>>);
    return this;
  }

  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    this.listenersOf(event)?.delete(listener);
    return this;
  }

  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    const wrapper: Listener<Events[E]> = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const set = this.listenersOf(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  private listenersOf<E extends keyof Events>(event: E): Set<Listener<Events[E]>> | undefined {
    return this.listeners.get(event) as Set<Listener<Events[E]>> | undefined;
  }
}
