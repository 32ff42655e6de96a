/**
 * The HTML shell of a chat panel: a strict Content-Security-Policy (scripts only with this
 * page's nonce, styles and images only from the extension), the bundled script and CSS, and
 * the static skeleton the script fills in.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Where the webview bundle lives; also the panels' only local resource roots (with media). */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string): string =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('chat.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main class="chat">
  <div id="connection" class="connection" role="status" hidden></div>
  <header id="channel-header" class="channel-header" hidden>
    <div id="channel-topic" class="channel-topic"></div>
    <div id="channel-members" class="channel-members"></div>
  </header>
  <div class="message-area">
    <div id="messages" class="messages" role="list" aria-live="polite" aria-label="Messages" aria-describedby="keyboard-help" tabindex="0"></div>
    <button id="new-messages" class="new-messages" type="button" hidden></button>
  </div>
  <div id="typing" class="typing" aria-live="polite"></div>
  <div id="notice" class="notice" role="alert" hidden></div>
  <ul id="mention-list" class="mention-list" role="listbox" aria-label="People to mention" hidden></ul>
  <form id="composer" class="composer">
    <div id="staged" class="staged" role="group" aria-label="Attachments to send with the message" hidden></div>
    <label id="composer-label" for="composer-input" class="visually-hidden">Message</label>
    <textarea id="composer-input" rows="1" aria-describedby="composer-count composer-hint"></textarea>
    <button id="composer-send" type="submit">Send</button>
    <span id="composer-count" class="composer-count" hidden></span>
    <span id="composer-hint" class="visually-hidden">Enter sends, Shift+Enter starts a new line; after @, Up and Down pick a name and Tab or Enter takes it. Alt+End: the newest message.</span>
  </form>
  <p id="keyboard-help" class="visually-hidden">Up and Down arrows move between messages, Home and End to the first and the newest; Escape goes to the message box, Alt+End to the newest message.</p>
</main>
<script nonce="${nonce}" src="${asset('chat.js')}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
