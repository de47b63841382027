window.__TAURI__.core.invoke("ui_ready", { pageMs: Math.round(performance.now()) });
