// The part of Tauri's global API (`app.withGlobalTauri`) that the page uses.
interface Window {
  __TAURI__: {
    core: {
      invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
    };
  };
}
