/**
 * A markdown-it plugin that makes the code links of a message's text (file positions and commit
 * ids, as client/code-refs/links.ts finds them) into links, but only those the extension listed
 * in the entry's `codeLinks` (the ones that open here); the rest stay text. It acts only when
 * the render's env has such a list, so parsing without one (notifications) is unchanged. Only
 * prose is searched: code spans, code blocks and existing links are other tokens and stay as
 * they are.
 */
import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { findCodeLinks } from '../client/code-refs/links';

/** What the render's env must hold for links to be made. */
export interface CodeLinksEnv {
  codeLinks?: readonly string[];
}

/** The text token `token` with the listed links in it cut out as links. */
function splitText(state: StateCore, token: Token, listed: ReadonlySet<string>): Token[] {
  const links = findCodeLinks(token.content).filter((link) => listed.has(link.text));
  if (links.length === 0) return [token];
  const out: Token[] = [];
  const text = (content: string): void => {
    if (content === '') return;
    const piece = new state.Token('text', '', 0);
    piece.content = content;
    out.push(piece);
  };
  let at = 0;
  for (const link of links) {
    text(token.content.slice(at, link.start));
    const open = new state.Token('link_open', 'a', 1);
    const title = link.target.kind === 'commit' ? `Show commit ${link.text}` : `Open ${link.text}`;
    open.attrs = [
      ['href', '#'],
      ['class', 'code-link'],
      ['data-code-link', link.text],
      ['title', title],
    ];
    out.push(open);
    text(link.text);
    out.push(new state.Token('link_close', 'a', -1));
    at = link.end;
  }
  text(token.content.slice(at));
  return out;
}

function linkCodeRefs(state: StateCore): void {
  const wanted = (state.env as CodeLinksEnv).codeLinks;
  if (!wanted || wanted.length === 0) return;
  const listed = new Set(wanted);
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    let insideLink = 0;
    block.children = block.children.flatMap((token) => {
      if (token.type === 'link_open') insideLink++;
      else if (token.type === 'link_close') insideLink--;
      return token.type === 'text' && insideLink === 0 ? splitText(state, token, listed) : [token];
    });
  }
}

export function codeLinks(md: MarkdownIt): void {
  // Last, after text_join: escapes and typographic pieces are one text token by then.
  md.core.ruler.push('code_links', linkCodeRefs);
}
