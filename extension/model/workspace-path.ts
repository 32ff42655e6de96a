/** A file's path as a code anchor names it: inside its workspace folder, `/`-separated. */

/**
 * `filePath`'s path inside `folderPath` (both URI paths, which use `/` on every OS), or
 * undefined when the file is not inside. Drive letters and the like may differ in case on
 * case-insensitive file systems, so a second look ignores case.
 */
export function pathInFolder(folderPath: string, filePath: string): string | undefined {
  const base = folderPath.endsWith('/') ? folderPath : `${folderPath}/`;
  const inside = filePath.startsWith(base) || filePath.toLowerCase().startsWith(base.toLowerCase());
  const relative = inside ? filePath.slice(base.length) : '';
  return relative === '' ? undefined : relative;
}

/** The last segment of a URI path: what a file outside every workspace folder is called. */
export function fileNameOf(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf('/') + 1);
}
