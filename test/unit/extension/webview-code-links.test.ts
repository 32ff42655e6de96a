import assert from 'node:assert/strict';
import { renderMarkdown, type MessageContext } from '../../../webview/markdown';
import { elementsOf, textOf, withClass } from './webview-markup';

const SHA = '3f2a9c1';

function context(codeLinks?: string[]): MessageContext {
  return { key: 'bob/1', isExpanded: () => false, ...(codeLinks ? { codeLinks } : {}) };
}

/** The code links in the rendered text, by what they open. */
function linksIn(text: string, codeLinks?: string[]): string[] {
  return withClass(elementsOf(renderMarkdown(text, context(codeLinks))), 'code-link').map((link) => link.attributes['data-code-link']!);
}

describe('code links in message text', () => {
  it('links only the code links the entry lists', () => {
    const text = `crash at src/app.ts:42:7, see lib/util.ts:3 and ${SHA}`;
    assert.deepEqual(linksIn(text, ['src/app.ts:42:7', SHA]), ['src/app.ts:42:7', SHA]);
    assert.deepEqual(linksIn(text, ['lib/util.ts:3']), ['lib/util.ts:3']);
    assert.deepEqual(linksIn(text, []), []);
    assert.deepEqual(linksIn(text), [], 'without a list nothing is a link');
    // A listed string the text does not hold as a link makes nothing.
    assert.deepEqual(linksIn('see app.ts', ['app.ts']), []);
  });

  it('keeps the text as it was around the links, inside emphasis and lists too', () => {
    const html = renderMarkdown('- **src/app.ts:42** failed\n- at f (src/b.ts:1:2)', context(['src/app.ts:42', 'src/b.ts:1:2']));
    const elements = elementsOf(html);
    assert.deepEqual(withClass(elements, 'code-link').map((link) => link.attributes['data-code-link']), ['src/app.ts:42', 'src/b.ts:1:2']);
    assert.equal(textOf(html).replace(/\n/g, ''), 'src/app.ts:42 failedat f (src/b.ts:1:2)');
    assert.match(html, /<a href="#" class="code-link" data-code-link="src\/app\.ts:42" title="Open src\/app\.ts:42">src\/app\.ts:42<\/a>/);
    assert.match(renderMarkdown(SHA, context([SHA])), new RegExp(`title="Show commit ${SHA}"`));
  });

  it('never links inside code spans, code blocks or other links', () => {
    const listed = ['src/app.ts:42', SHA];
    assert.deepEqual(linksIn('`src/app.ts:42` and `' + SHA + '`', listed), []);
    assert.deepEqual(linksIn('```\nsrc/app.ts:42\n' + SHA + '\n```', listed), []);
    assert.deepEqual(linksIn('    src/app.ts:42', listed), []);
    assert.deepEqual(linksIn('[src/app.ts:42](https://example.com/x)', listed), []);
    assert.deepEqual(linksIn('`src/app.ts:42` but src/app.ts:42', listed), ['src/app.ts:42'], 'the prose one still is');
  });

  it('leaves hostile text around the links as text', () => {
    const text = '<img src=x onerror=alert(1)> at src/app.ts:42 "<script>"';
    const html = renderMarkdown(text, context(['src/app.ts:42']));
    assert.equal(withClass(elementsOf(html), 'code-link').length, 1);
    assert.equal(textOf(html).trim(), text);
  });
});
