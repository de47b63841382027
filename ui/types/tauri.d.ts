// The part of Tauri's global API (`app.withGlobalTauri`) that the page uses, and what the
// window's initialisation script sets.
interface TauriChannel<T> {
  onmessage: (message: T) => void;
}

interface Window {
  /** The appearance staff chose, set by Rust before the page's first script runs. */
  __BRANCHDESK_APPEARANCE__: import("./bindings").Appearance;
  __TAURI__: {
    core: {
      invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
      Channel: { new <T>(): TauriChannel<T> };
    };
  };
}
