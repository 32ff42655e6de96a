/**
 * Message text to HTML, in the chat's markdown (see chat-markdown.ts: no raw HTML, checked
 * links), with code blocks highlighted and made copyable and collapsible (code-block.ts) and
 * the message's openable code links made links (code-links.ts).
 *
 * The webview bundle renders with chat-markdown's own instance, so a message parses exactly as
 * its notification does; what is added here only changes rendering (renderer rules, which
 * notifications never use) or acts when the render is given a message's context.
 */
import type { Env, RendererRule } from 'markdown-it';
import { chatMarkdown } from '../extension/model/chat-markdown';
import { codeBlockHtml } from './code-block';
import { codeLinks, type CodeLinksEnv } from './code-links';

/** What rendering one message's text needs to know about it. */
export interface MessageContext {
  /** The message's key: names its code blocks for their collapse state. */
  key: string;
  isExpanded(blockId: string): boolean;
  /** The entry's `codeLinks`: the code links in its text that open here. */
  codeLinks?: readonly string[];
}

interface RenderEnv extends Env, CodeLinksEnv {
  context?: MessageContext;
  /** Code blocks drawn so far in this message. */
  blocks?: number;
}

const NO_CONTEXT: MessageContext = { key: '', isExpanded: () => false };

/** The nth code block of a message's text. */
export function textBlockId(key: string, index: number): string {
  return `${key}#${index}`;
}

function codeBlockRule(withLanguage: boolean): RendererRule {
  return (tokens, idx, _options, given) => {
    const token = tokens[idx]!;
    // render() always passes an env; without one (a bare renderer call) blocks are just unnamed.
    const env: RenderEnv = given ?? {};
    const context = env.context ?? NO_CONTEXT;
    const index = env.blocks ?? 0;
    env.blocks = index + 1;
    const id = textBlockId(context.key, index);
    // markdown-it ends a block's content with its last newline; the code itself does not.
    const code = token.content.replace(/\n$/, '');
    const language = withLanguage ? token.info.trim().split(/\s+/)[0] : undefined;
    return codeBlockHtml({ id, code, ...(language ? { language } : {}) }, context.isExpanded(id));
  };
}

chatMarkdown.renderer.rules.fence = codeBlockRule(true);
chatMarkdown.renderer.rules.code_block = codeBlockRule(false);
chatMarkdown.use(codeLinks);

export function renderMarkdown(text: string, context: MessageContext = NO_CONTEXT): string {
  const env: RenderEnv = { context, ...(context.codeLinks ? { codeLinks: context.codeLinks } : {}) };
  return chatMarkdown.render(text, env);
}
