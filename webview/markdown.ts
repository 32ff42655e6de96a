/** Message text to HTML, in the chat's markdown (see chat-markdown.ts: no raw HTML, checked links). */
import { chatMarkdown } from '../extension/model/chat-markdown';

export function renderMarkdown(text: string): string {
  return chatMarkdown.render(text);
}
