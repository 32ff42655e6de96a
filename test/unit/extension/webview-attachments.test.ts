import assert from 'node:assert/strict';
import { attachment, type Attachment, type CodeAttachment, type DiffAttachment } from '../../../protocol/attachments';
import { attachmentBlockId, attachmentsHtml, isAttachmentAction } from '../../../webview/attachment-card';
import { fromWebview } from '../../../extension/webview-protocol';
import { elementsOf, textOf, withClass, type Element } from './webview-markup';

const COMMIT = 'abc1234def5678abc1234def5678abc1234def56';
const HOSTILE = '"><img src=x onerror=alert(1)><script>alert(\'x\')</script>';

/** Cards are drawn from attachments the webview protocol accepted: the fixtures must pass it too. */
function valid<T extends Attachment>(value: T): T {
  attachment.parse(value);
  return value;
}

const code = (extra: Partial<CodeAttachment> = {}): CodeAttachment =>
  valid({ kind: 'code', path: 'src/app.ts', range: { startLine: 10, endLine: 24 }, language: 'typescript', snippet: 'const x = 1;\nreturn x;', ...extra });

const DIFF_TEXT = [
  'diff --git a/src/app.ts b/src/app.ts',
  'index 1111111..2222222 100644',
  '--- a/src/app.ts',
  '+++ b/src/app.ts',
  '@@ -1,2 +1,2 @@',
  '-const x = 1;',
  '+const x = 2;',
  ' return x;',
  '',
].join('\n');

const diff = (extra: Partial<DiffAttachment> = {}): DiffAttachment => valid({ kind: 'diff', diff: DIFF_TEXT, scope: 'working', ...extra });

function render(attachments: Attachment[], expanded: ReadonlySet<string> = new Set()): { html: string; elements: Element[] } {
  const html = attachmentsHtml('bob/3', attachments, (id) => expanded.has(id));
  return { html, elements: elementsOf(html) };
}

/** The actions of the card's buttons in the action row, in order. */
function actions(elements: readonly Element[]): string[] {
  return withClass(elements, 'attachment-action').map((button) => `${button.attributes['data-attachment-index']}:${button.attributes['data-attachment-action']}`);
}

describe('attachment cards', () => {
  it('shows a code anchor with its header, the highlighted snippet numbered from its first line, and its actions', () => {
    const { html, elements } = render([code({ git: { remote: 'github.com/org/repo', commit: COMMIT, dirty: false } })]);
    assert.equal(withClass(elements, 'attachment-title')[0]?.attributes['data-attachment-action'], 'open');
    assert.ok(textOf(html).includes('src/app.ts:L10-L24 @ abc1234'));
    assert.match(html, /<pre class="line-numbers" aria-hidden="true">10\n11<\/pre>/);
    assert.ok(withClass(elements, 'hljs-keyword').length > 0, 'the snippet is highlighted');
    assert.equal(withClass(elements, 'code-copy').length, 1);
    assert.equal(withClass(elements, 'attachment-badge').length, 0, 'not modified');
    assert.deepEqual(actions(elements), ['0:open', '0:web', '0:snapshot']);
    const web = withClass(elements, 'attachment-action')[1]!;
    assert.match(html, />Open on GitHub<\/button>/);
    assert.equal(web.attributes['aria-label'], 'Open src/app.ts:L10-L24 @ abc1234 on GitHub');
    assert.equal(withClass(elements, 'code-card')[0]?.attributes['aria-label'], 'Code src/app.ts:L10-L24 @ abc1234');
  });

  it('says when the file had uncommitted changes', () => {
    const { html, elements } = render([code({ git: { remote: 'gitlab.com/a/b/c', commit: COMMIT, dirty: true } })]);
    assert.equal(withClass(elements, 'attachment-badge').length, 1);
    assert.match(html, />modified<\/span>/);
    assert.match(html, />Open on GitLab<\/button>/);
  });

  it('has no web action outside git, without a remote, or on an unknown host', () => {
    for (const git of [undefined, { commit: COMMIT, dirty: false }, { remote: 'git.example.com/org/repo', commit: COMMIT, dirty: false }]) {
      const { html, elements } = render([code(git ? { git } : {})]);
      assert.deepEqual(actions(elements), ['0:open', '0:snapshot'], JSON.stringify(git));
      if (!git) assert.ok(textOf(html).includes('src/app.ts:L10-L24') && !textOf(html).includes(' @ '));
    }
  });

  it('shows a diff with what it is, its --stat summary and its actions', () => {
    const { html, elements } = render([diff({ base: COMMIT, remote: 'github.com/org/repo' })]);
    const text = textOf(html);
    assert.ok(text.includes('Working tree changes in github.com/org/repo @ abc1234'), text);
    assert.ok(text.includes(' src/app.ts | 2 +-'), text);
    assert.ok(text.includes('1 file changed, 1 insertion(+), 1 deletion(-)'), text);
    assert.deepEqual(actions(elements), ['0:diff', '0:checkout']);
    assert.ok(withClass(elements, 'diff-card')[0]?.attributes['aria-label']?.startsWith('Diff: Working tree changes'));
  });

  it('offers no checkout for a diff without a base commit', () => {
    const { elements } = render([diff({ scope: 'staged', folder: 'app' })]);
    assert.deepEqual(actions(elements), ['0:diff']);
  });

  it('numbers the buttons of each attachment of a message by its index', () => {
    const { elements } = render([code(), diff({ base: COMMIT })]);
    assert.deepEqual(actions(elements), ['0:open', '0:snapshot', '1:diff', '1:checkout']);
    // What the buttons ask is what the extension accepts.
    for (const action of actions(elements).map((pair) => pair.split(':')[1]!)) {
      assert.ok(isAttachmentAction(action));
      assert.equal(fromWebview.safeParse({ type: 'openAttachment', key: 'bob/3', index: 1, action }).success, true);
    }
    assert.equal(isAttachmentAction('eval'), false);
  });

  it('escapes hostile paths, folders, remotes, snippets and diffs', () => {
    // Short enough for the --stat line to show it whole.
    const hostileName = 'src/<img src=x onerror=alert(1)>.ts';
    const hostileDiff = DIFF_TEXT.replaceAll('src/app.ts', hostileName).replace('+const x = 2;', `+${HOSTILE}`);
    const { html } = render([
      code({ path: `src/${HOSTILE}/x.ts`, folder: HOSTILE, snippet: `${HOSTILE}\n</code></pre></section>`, git: { remote: `evil.example/${HOSTILE}`, commit: COMMIT, dirty: true } }),
      code({ path: 'page.html', language: 'html', snippet: HOSTILE }),
      diff({ diff: hostileDiff, remote: HOSTILE, folder: HOSTILE, base: COMMIT }),
    ]);
    // elementsOf (in render) already refused any tag or attribute the cards do not write.
    const text = textOf(html);
    assert.ok(text.includes(`src/${HOSTILE}/x.ts:L10-L24 @ abc1234`));
    assert.ok(text.includes(`${HOSTILE}\n</code></pre></section>`));
    assert.ok(text.includes(`Working tree changes in ${HOSTILE} @ abc1234`));
    assert.ok(text.includes(` ${hostileName} | 2 +-`), 'the diff\'s file name, as text');
  });

  it('says so when a diff names no file it can read', () => {
    const { html, elements } = render([diff({ diff: 'not a diff at all' })]);
    assert.match(html, /could not be read/);
    assert.deepEqual(actions(elements), ['0:diff']);
  });

  it('collapses a long snippet and keeps it open once opened', () => {
    const snippet = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n');
    const anchor = code({ snippet, range: { startLine: 100, endLine: 159 } });
    assert.equal(withClass(render([anchor]).elements, 'collapsed').length, 1);
    assert.equal(withClass(render([anchor], new Set([attachmentBlockId('bob/3', 0)])).elements, 'collapsed').length, 0);
  });
});
