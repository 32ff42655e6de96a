/** Turns an editor selection into a message: a fenced code block with its language and file. */

/** A fence longer than any backtick run inside, so the code cannot close it early. */
function fenceFor(code: string): string {
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function formatSnippet(code: string, languageId: string, fileName: string): string {
  const fence = fenceFor(code);
  const body = code.replace(/\s+$/, '');
  // Language ids are plain words ("typescript", "cpp"); anything else would break the info string.
  const language = /^[\w+#.-]+$/.test(languageId) && languageId !== 'plaintext' ? languageId : '';
  const name = fileName.replace(/`/g, '');
  return `\`${name}\`\n${fence}${language}\n${body}\n${fence}`;
}
