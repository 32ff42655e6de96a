/** The webview's typed line to the extension (VS Code's `acquireVsCodeApi`, called once). */
import { webviewState, type FromWebview, type WebviewState } from '../extension/webview-protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: FromWebview): void;
  /** What this panel saved before a reload, if it is valid. */
  savedState(): WebviewState | undefined;
  saveState(state: WebviewState): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => {
      const parsed = webviewState.safeParse(api.getState());
      return parsed.success ? parsed.data : undefined;
    },
    saveState: (state) => api.setState(state),
  };
}
