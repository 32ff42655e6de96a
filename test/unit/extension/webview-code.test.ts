import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codeBlockHtml, COLLAPSE_ABOVE_LINES } from '../../../webview/code-block';
import { highlightCode, highlightLanguage } from '../../../webview/highlight';
import { renderMarkdown, textBlockId } from '../../../webview/markdown';
import { elementsOf, textOf, withClass } from './webview-markup';

const HOSTILE = '</code></pre><img src=x onerror=alert(1)><script>alert("x")</script>\' onmouseover=\'alert(1)';

describe('highlighting code in the webview', () => {
  it('knows VS Code language ids, fence names and nothing else', () => {
    assert.equal(highlightLanguage('typescriptreact'), 'typescript');
    assert.equal(highlightLanguage('shellscript'), 'bash');
    assert.equal(highlightLanguage('html'), 'xml');
    assert.equal(highlightLanguage('ts'), 'ts');
    assert.equal(highlightLanguage('Python'), 'python');
    assert.equal(highlightLanguage('brainfuck'), undefined, 'not registered: the bundle only has the common ones');
    assert.equal(highlightLanguage('__proto__'), undefined);
    assert.equal(highlightLanguage(undefined), undefined);
  });

  it('marks up the tokens of the common languages', () => {
    for (const [language, code, token] of [
      ['typescript', 'const answer: number = 42;', 'hljs-keyword'],
      ['typescriptreact', 'export const App = () => <div />;', 'hljs-keyword'],
      ['python', 'def f(x):\n    return "y"', 'hljs-string'],
      ['go', 'func main() {}', 'hljs-keyword'],
      ['rust', 'fn main() { let x = 1; }', 'hljs-keyword'],
      ['json', '{"a": 1}', 'hljs-number'],
      ['shellscript', 'echo "$HOME"', 'hljs-string'],
      ['yaml', 'key: value # note', 'hljs-comment'],
      ['diff', '+added\n-removed', 'hljs-addition'],
      ['sql', 'SELECT 1 FROM t', 'hljs-keyword'],
    ] as const) {
      assert.ok(withClass(elementsOf(highlightCode(code, language)), token).length > 0, `${language} has ${token}`);
    }
  });

  it('outputs only escaped text and its own spans, for any code in any language', () => {
    const languages = ['typescript', 'html', 'markdown', 'bash', 'json', 'css', 'unknown'];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '/', '=', ' ', '\n', 'a', 'script', '`', '<!--', ']]>') }), fc.constantFrom(...languages), (code, language) => {
        const html = highlightCode(code, language);
        for (const element of elementsOf(html)) {
          assert.equal(element.tag, 'span');
          assert.match(element.attributes.class ?? '', /^(hljs|language)-[a-z_ .-]+$/);
        }
        assert.equal(textOf(html), code);
      }),
    );
    assert.equal(textOf(highlightCode(HOSTILE, 'html')), HOSTILE);
  });
});

describe('code blocks in messages', () => {
  it('highlights fenced and indented code, with a Copy button, and no raw markup from the text', () => {
    const html = renderMarkdown(`\`\`\`ts\nconst a = 1 < 2;\n${HOSTILE}\n\`\`\`\n\n    ${HOSTILE}`);
    const elements = elementsOf(html);
    assert.equal(withClass(elements, 'code-block').length, 2);
    assert.equal(withClass(elements, 'code-copy').length, 2);
    assert.deepEqual(withClass(elements, 'language-ts').map((code) => code.tag), ['code']);
    assert.ok(withClass(elements, 'hljs-keyword').length > 0);
    assert.ok(textOf(html).includes(`const a = 1 < 2;\n${HOSTILE}`));
  });

  it('collapses a 60-line block to its first lines, and keeps it open once the reader opened it', () => {
    const code = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n');
    const text = `look:\n\`\`\`\n${code}\n\`\`\``;
    const opened = new Set<string>();
    const render = (): ReturnType<typeof elementsOf> => elementsOf(renderMarkdown(text, { key: 'bob/7', isExpanded: (id) => opened.has(id) }));

    const collapsed = render();
    assert.equal(withClass(collapsed, 'collapsed').length, 1);
    const [toggle] = withClass(collapsed, 'code-toggle');
    assert.equal(toggle?.attributes['aria-expanded'], 'false');
    assert.ok(renderMarkdown(text).includes('>Show all 60 lines</button>'));
    // The block is named by the message's key, so a message drawn again finds its state.
    assert.equal(withClass(collapsed, 'code-block')[0]?.attributes['data-code-block'], textBlockId('bob/7', 0));

    opened.add(textBlockId('bob/7', 0));
    const expanded = render();
    assert.equal(withClass(expanded, 'collapsed').length, 0);
    assert.equal(withClass(expanded, 'code-toggle')[0]?.attributes['aria-expanded'], 'true');
    assert.ok(renderMarkdown(text, { key: 'bob/7', isExpanded: (id) => opened.has(id) }).includes('>Show less</button>'));
  });

  it('leaves short blocks whole', () => {
    const code = Array.from({ length: COLLAPSE_ABOVE_LINES }, (_, i) => `line ${i}`).join('\n');
    const elements = elementsOf(codeBlockHtml({ id: 'x', code }, false));
    assert.equal(withClass(elements, 'collapsed').length, 0);
    assert.equal(withClass(elements, 'code-toggle').length, 0);
  });

  it('numbers a snippet from its first line', () => {
    const html = codeBlockHtml({ id: 'x', code: 'a\nb\nc', language: 'typescript', firstLine: 41 }, false);
    assert.match(html, /<pre class="line-numbers" aria-hidden="true">41\n42\n43<\/pre>/);
  });
});
