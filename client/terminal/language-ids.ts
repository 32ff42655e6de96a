/**
 * VS Code's language id for a file, from its name, as far as the terminal can tell without VS
 * Code: the built-in languages' usual extensions. Unknown files get none (the anchor says nothing).
 */
import path from 'node:path';

const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.bat': 'bat',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hh': 'cpp',
  '.hpp': 'cpp',
  '.clj': 'clojure',
  '.coffee': 'coffeescript',
  '.cs': 'csharp',
  '.css': 'css',
  '.dart': 'dart',
  '.diff': 'diff',
  '.patch': 'diff',
  '.fs': 'fsharp',
  '.go': 'go',
  '.groovy': 'groovy',
  '.handlebars': 'handlebars',
  '.hbs': 'handlebars',
  '.htm': 'html',
  '.html': 'html',
  '.ini': 'ini',
  '.java': 'java',
  '.js': 'javascript',
  '.cjs': 'javascript',
  '.mjs': 'javascript',
  '.jsx': 'javascriptreact',
  '.json': 'json',
  '.jsonc': 'jsonc',
  '.jl': 'julia',
  '.kt': 'kotlin',
  '.kts': 'kotlin',
  '.less': 'less',
  '.lua': 'lua',
  '.m': 'objective-c',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.php': 'php',
  '.pl': 'perl',
  '.ps1': 'powershell',
  '.py': 'python',
  '.r': 'r',
  '.rb': 'ruby',
  '.rs': 'rust',
  '.scss': 'scss',
  '.sh': 'shellscript',
  '.bash': 'shellscript',
  '.zsh': 'shellscript',
  '.sql': 'sql',
  '.swift': 'swift',
  '.ts': 'typescript',
  '.cts': 'typescript',
  '.mts': 'typescript',
  '.tsx': 'typescriptreact',
  '.vb': 'vb',
  '.xml': 'xml',
  '.svg': 'xml',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};

const BY_NAME: Readonly<Record<string, string>> = {
  Dockerfile: 'dockerfile',
  Makefile: 'makefile',
  GNUmakefile: 'makefile',
};

export function languageIdOf(file: string): string | undefined {
  const name = path.basename(file);
  return BY_NAME[name] ?? BY_EXTENSION[path.extname(name).toLowerCase()];
}
