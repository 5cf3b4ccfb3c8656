// The admin's two-list selector labels its search box with an icon that carries an aria-label
// but no role, which assistive technology ignores: give it the role of an image with that name.
"use strict";
window.addEventListener("load", () => {
  setTimeout(() => {
    document.querySelectorAll(".search-label-icon[aria-label]").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  });
});
