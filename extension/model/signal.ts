/**
 * A minimal event source shaped like `vscode.Event`, so the model (which must not import
 * `vscode`) can offer `onDidX` events whose subscriptions go straight into disposables.
 */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (event: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(event: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    // Copy first: a listener may unsubscribe itself while being called.
    for (const listener of [...this.listeners]) listener(event);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
