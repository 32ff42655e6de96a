/**
 * Syntax highlighting of code in messages with highlight.js: its core and only the common
 * languages, registered here one by one, so the webview bundle stays small. highlight.js escapes
 * the code it returns and only adds `<span class="hljs-…">`, so its output is safe as HTML under
 * the panel's CSP (no eval, no inline styles: the colours are classes, see chat.css).
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { chatMarkdown } from '../extension/model/chat-markdown';

const LANGUAGES = { bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, makefile, markdown, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

/**
 * VS Code language ids that highlight.js knows under another name or not at all. Fence names
 * ("ts", "sh", "py", "html", …) are highlight.js aliases already.
 */
const VS_CODE_IDS: Readonly<Record<string, string>> = {
  typescriptreact: 'typescript',
  javascriptreact: 'javascript',
  jsonc: 'json',
  jsonl: 'json',
  shellscript: 'bash',
  html: 'xml',
  svg: 'xml',
  xsl: 'xml',
  scss: 'css',
  less: 'css',
  properties: 'ini',
  toml: 'ini',
  'objective-c': 'c',
  'cuda-cpp': 'cpp',
  'git-commit': 'plaintext',
};

/** The highlight.js language for a VS Code language id or a fence's info word, if it is registered. */
export function highlightLanguage(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const name = id.toLowerCase();
  const mapped = Object.hasOwn(VS_CODE_IDS, name) ? VS_CODE_IDS[name]! : name;
  return hljs.getLanguage(mapped) ? mapped : undefined;
}

/** `code` as HTML: highlighted when its language is known, else just escaped. Never unescaped input. */
export function highlightCode(code: string, languageId: string | undefined): string {
  const language = highlightLanguage(languageId);
  if (!language) return chatMarkdown.utils.escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
