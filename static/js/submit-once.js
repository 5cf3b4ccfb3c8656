// A form that changes something is sent once: a double click or a second Enter while it is
// on its way does nothing, and its buttons are disabled until the answer comes. The server
// refuses duplicates anyway; this keeps people from seeing that error. Forms that only read
// (method="get": filters, exports) are left alone: sending them twice is harmless, and a
// download would leave the page with its buttons disabled.
"use strict";

(() => {
  const BUTTONS = "button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]";

  function changesSomething(form, method) {
    return form instanceof HTMLFormElement && (method || form.method).toLowerCase() !== "get";
  }

  function setSending(form, sending) {
    if (sending) {
      form.dataset.sending = "";
      form.setAttribute("aria-busy", "true");
    } else {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    }
    for (const button of form.elements) {
      if (!button.matches(BUTTONS)) continue;
      if (sending && !button.disabled) {
        button.disabled = true;
        button.dataset.disabledWhileSending = "";
      } else if (!sending && "disabledWhileSending" in button.dataset) {
        button.disabled = false;
        delete button.dataset.disabledWhileSending;
      }
    }
  }

  // First of all handlers (capture): a form already on its way is not sent again, neither by
  // the browser nor by htmx.
  document.addEventListener(
    "submit",
    (event) => {
      if ("sending" in event.target.dataset) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );

  // Last of all handlers (on window): a submit nobody cancelled is a page load on its way.
  // One that was cancelled (a declined confirm, or htmx sending it itself) is not.
  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !changesSomething(form, event.submitter?.formMethod)) return;
    form.dataset.sending = "";
    // Disable once the browser has read the pressed button's name and value.
    setTimeout(() => setSending(form, true));
  });

  // htmx sends the form itself; its buttons come back when the answer is in.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest("form");
    if (form && changesSomething(form, event.detail.requestConfig.verb)) setSending(form, true);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt.closest("form");
    if (form && "sending" in form.dataset) setSending(form, false);
  });

  // Back to a page kept in the browser's memory: its forms can be sent again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-sending]")) setSending(form, false);
  });
})();
