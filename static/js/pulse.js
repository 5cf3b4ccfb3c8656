// The pulse survey page: the rating in the link is recorded as soon as the page opens, so one
// click in the email answers. Opening the link alone (a mail system checking it) records
// nothing; without JavaScript the Send button records it.
"use strict";

(() => {
  const notice = document.querySelector("[data-pulse-recorded]");
  const token = document.querySelector("[data-pulse-form] input[name=csrfmiddlewaretoken]");
  if (!notice || !token) {
    return;
  }
  const body = new URLSearchParams({ record: "1", csrfmiddlewaretoken: token.value });
  fetch(window.location.pathname, { method: "POST", body, credentials: "same-origin" }).then(
    (response) => {
      if (response.status === 204) {
        notice.hidden = false;
      }
    },
  );
})();
