/**
 * Text from elsewhere (a message, a server's error) made fit for a VS Code notification: one
 * line, cut to a length in code points, and unable to turn into one of the links VS Code makes
 * of "[text](https:…|command:…|file:…)" in a notification.
 */
export function oneLine(text: string, maxCodePoints: number): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\]\(/g, '] (').trim();
  // By code points, so an emoji is never cut in half.
  const characters = Array.from(flat);
  return characters.length > maxCodePoints ? `${characters.slice(0, maxCodePoints - 1).join('')}…` : flat;
}
