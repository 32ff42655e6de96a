/**
 * For the webview rendering tests: reads HTML the webview would insert, strictly. Every `<` must
 * open or close one of the tags the webview writes, with only the attributes it writes (never an
 * `on…` handler, never `style`), values quoted without markup; anything else is injected input.
 */
import assert from 'node:assert/strict';

const TAGS = new Set(['a', 'blockquote', 'br', 'button', 'code', 'div', 'em', 'li', 'ol', 'p', 'pre', 'section', 's', 'span', 'strong', 'ul', 'header', 'footer']);
const ATTRIBUTE = /^(class|href|title|type|tabindex|aria-[a-z]+|data-[a-z-]+)$/;
const TAG = /<(\/?)([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*(\/?)>/y;
const ATTRIBUTES = /\s+([a-z-]+)(?:="([^"<>]*)")?/g;

export interface Element {
  tag: string;
  attributes: Record<string, string>;
}

/** The elements of `html` in order, after checking it holds nothing but the webview's own markup. */
export function elementsOf(html: string): Element[] {
  const elements: Element[] = [];
  for (let at = html.indexOf('<'); at !== -1; at = html.indexOf('<', at + 1)) {
    TAG.lastIndex = at;
    const match = TAG.exec(html);
    assert.ok(match, `unexpected markup at ${JSON.stringify(html.slice(at, at + 60))}`);
    const [, closing, tag, attributeText] = match;
    assert.ok(TAGS.has(tag!), `unexpected tag <${tag}>`);
    if (closing) continue;
    const attributes: Record<string, string> = {};
    for (const [, name, value] of attributeText!.matchAll(ATTRIBUTES)) {
      assert.match(name!, ATTRIBUTE, `unexpected attribute ${name} on <${tag}>`);
      attributes[name!] = decode(value ?? '');
    }
    elements.push({ tag: tag!, attributes });
  }
  assert.doesNotMatch(html.replace(/<[^>]*>/g, ''), />/, 'a stray ">" outside tags');
  return elements;
}

/** The text a reader sees: tags dropped, entities decoded. */
export function textOf(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ''));
}

function decode(text: string): string {
  return text.replace(/&(lt|gt|quot|amp|#39|#x27);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'", '#x27': "'" })[name]!);
}

/** The elements that have class `name`. */
export function withClass(elements: readonly Element[], name: string): Element[] {
  return elements.filter((element) => (element.attributes.class ?? '').split(' ').includes(name));
}
