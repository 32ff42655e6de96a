/**
 * What Share Selection and Share Changes put in a conversation's composer: attachments waiting
 * for the next message, so the user can add a note and see them first. Kept by the panel (not
 * the webview, which is torn down while hidden) until they are sent or taken out.
 */
import type { Attachment } from '../../protocol/attachments';
// Not the protocol's index: this loads with the panels at activation, and the index loads zod.
import { LIMITS } from '../../protocol/limits';

export class StagedAttachments {
  private items: Attachment[] = [];

  get list(): readonly Attachment[] {
    return this.items;
  }

  /**
   * Adds an attachment; returns why it cannot go with the others instead. `fits` says what is
   * wrong with a message carrying all of them (its size), if anything. The same one twice is one.
   */
  add(attachment: Attachment, fits: (all: readonly Attachment[]) => string | undefined): string | undefined {
    const key = JSON.stringify(attachment);
    if (this.items.some((item) => JSON.stringify(item) === key)) return undefined;
    if (this.items.length >= LIMITS.attachmentsMax) {
      return `A message can carry ${LIMITS.attachmentsMax} attachments at most: send the ones waiting in the message box first, or take one out.`;
    }
    const next = [...this.items, attachment];
    const problem = fits(next);
    if (problem) return problem;
    this.items = next;
    return undefined;
  }

  /** False when there is no attachment `index` (the webview's view was out of date). */
  remove(index: number): boolean {
    if (index < 0 || index >= this.items.length) return false;
    this.items = this.items.filter((_, at) => at !== index);
    return true;
  }

  clear(): void {
    this.items = [];
  }
}
