// Ready once the first picture is on screen, as the app reports it: the frame after next.
requestAnimationFrame(() =>
  requestAnimationFrame(() =>
    window.__TAURI__.core.invoke("ui_ready", { pageMs: Math.round(performance.now()) }),
  ),
);
