// Attune's only script besides htmx. The Content-Security-Policy allows scripts from this
// site only: no inline <script>, no on* attributes, no hx-on (it needs eval). Behaviour that
// pages used to write inline is declared with data- attributes and wired here. Every page
// works without it.
(function () {
  "use strict";

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <form data-busy="Checking…" data-busy-status="status-id">: say it is working while a long
  // request runs, and keep a second click from sending it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-busy]")) return;
    var status = document.getElementById(form.getAttribute("data-busy-status") || "");
    if (status) status.textContent = form.getAttribute("data-busy");
    form.setAttribute("aria-busy", "true");
    if (form.hasAttribute("data-busy-disable")) {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    }
  });

  // Inside [data-swap-400], htmx swaps a 400 answer in (a refused move shows its reasons in
  // place); elsewhere htmx leaves 4xx answers out, as by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr && detail.xhr.status === 400 && event.target.closest("[data-swap-400]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  // <details data-load="/url">: its content is fetched the first time it is opened (htmx
  // swaps it in); without JavaScript the details holds a link to a page with the same.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-load]") || !details.open) return;
    if (details.hasAttribute("data-loaded") || !window.htmx) return;
    details.setAttribute("data-loaded", "");
    var target = details.querySelector("[data-load-target]") || details;
    window.htmx.ajax("GET", details.getAttribute("data-load"), { target: target, swap: "innerHTML" });
  }, true);
  // <form data-undo-seconds="8">: a tap's undo button, shown only while the undo is possible.
  function armUndo(root) {
    (root.querySelectorAll ? root.querySelectorAll("[data-undo-seconds]") : []).forEach(function (form) {
      if (form.hasAttribute("data-undo-armed")) return;
      form.setAttribute("data-undo-armed", "");
      var seconds = parseInt(form.getAttribute("data-undo-seconds"), 10) || 10;
      window.setTimeout(function () { form.remove(); }, seconds * 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { armUndo(document); });

  // <div id="live-notifications" data-live="/url" data-live-seconds="10">: every page asks
  // for new notifications (an out-of-ratio alert appears without a reload). A script timer,
  // not hx-trigger, so a page's own polling still stops when its work is done.
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.getElementById("live-notifications");
    if (!first || !window.htmx) return;
    var seconds = parseInt(first.getAttribute("data-live-seconds"), 10) || 10;
    window.setInterval(function () {
      var live = document.getElementById("live-notifications");
      if (!live) return;
      window.htmx.ajax("GET", live.getAttribute("data-live"), { target: live, swap: "outerHTML" });
    }, seconds * 1000);
  });
  document.addEventListener("htmx:afterSettle", function (event) { armUndo(document); });
})();
