/**
 * `--password-stdin`: the first line of stdin is the password. Only that line is taken: what
 * follows it is put back on the stream, so in batch mode the rest is still the message input.
 */
export function readFirstLine(input: NodeJS.ReadableStream & { unshift(chunk: Buffer): void }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const done = (line: string, rest?: Buffer): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', reject);
      input.pause();
      if (rest && rest.length > 0) input.unshift(rest);
      resolve(line.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const newline = bytes.indexOf(0x0a);
      if (newline < 0) {
        chunks.push(bytes);
        return;
      }
      chunks.push(bytes.subarray(0, newline));
      done(Buffer.concat(chunks).toString('utf8'), bytes.subarray(newline + 1));
    };
    const onEnd = (): void => done(Buffer.concat(chunks).toString('utf8'));
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', reject);
  });
}
