/**
 * A channel panel's header: whether it is private, its topic, and its members (the first few by
 * name, all of them in the tooltip). Built with textContent only: topics and names are other
 * people's text.
 */
import type { PanelView } from '../extension/webview-protocol';

/** Names shown in the header itself; the rest are counted. */
const MEMBERS_SHOWN = 12;

export class ChannelHeader {
  constructor(
    private readonly element: HTMLElement,
    private readonly topic: HTMLElement,
    private readonly members: HTMLElement,
  ) {}

  render(channel: PanelView['channel']): void {
    this.element.hidden = channel === undefined;
    if (!channel) return;
    this.topic.textContent = channel.topic || 'No topic';
    this.topic.classList.toggle('empty', !channel.topic);
    this.element.classList.toggle('private', channel.private);
    this.topic.title = channel.private ? 'Private channel: only its members see it' : '';
    const names = channel.members;
    if (!names) {
      this.members.textContent = '';
      this.members.title = '';
      return;
    }
    const shown = names.slice(0, MEMBERS_SHOWN).join(', ');
    const more = names.length > MEMBERS_SHOWN ? ` and ${names.length - MEMBERS_SHOWN} more` : '';
    this.members.textContent = `${names.length} member${names.length === 1 ? '' : 's'}: ${shown}${more}`;
    this.members.title = names.join(', ');
  }
}
