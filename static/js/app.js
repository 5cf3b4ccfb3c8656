// Small progressive enhancements. Every page works without this file.
"use strict";

// <form data-confirm="Are you sure?"> asks before submitting.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset?.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
