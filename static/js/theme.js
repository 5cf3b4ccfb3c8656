// Loaded in the head, not deferred, so it runs before the first paint:
// - marks that JavaScript runs (the navigation collapses only then; see theme.css);
// - follows the system's light or dark mode (Bootstrap 5.3 colour modes).
"use strict";
(() => {
  const root = document.documentElement;
  root.classList.add("js");
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => root.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  apply();
  dark.addEventListener("change", apply);
})();
