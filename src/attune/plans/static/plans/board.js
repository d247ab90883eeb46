// The plan board's drag and drop. Without it every card has a "Move" list of buttons (one
// per other group) that posts the move; a drop presses the matching button, so both go
// through the same form (htmx swaps the checked board in).
(function () {
  "use strict";
  var dragged = null;

  function column(target) {
    return target && target.closest ? target.closest("[data-board-moves] [data-group]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-board-moves] [data-child]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-child"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-target").forEach(function (el) {
      el.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var target = column(event.target);
    if (!target || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".drop-target").forEach(function (el) {
      if (el !== target) el.classList.remove("drop-target");
    });
    target.classList.add("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var target = column(event.target);
    if (!target) return;
    event.preventDefault();
    var child = event.dataTransfer.getData("text/plain") ||
      (dragged && dragged.getAttribute("data-child"));
    var value = child + ":" + target.getAttribute("data-group");
    var form = target.closest("form");
    var buttons = form ? form.querySelectorAll("button[name=move]") : [];
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].value === value) {
        buttons[i].click();
        return;
      }
    }
  });
})();
