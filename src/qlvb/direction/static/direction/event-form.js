// The event form: "Cả ngày" shows the days (Từ ngày, Đến ngày) and hides the times, and the other way round.
// Without JavaScript both are shown and the server reads the ones the tick asks for.
(function () {
  "use strict";
  var box = document.querySelector("form[data-qlvb=event-form] [data-qlvb=all-day]");
  if (!box) return;
  function show() {
    var whole = box.checked;
    document.querySelectorAll("[data-qlvb-when]").forEach(function (input) {
      var wanted = input.getAttribute("data-qlvb-when") === (whole ? "all-day" : "timed");
      var group = input.closest(".mb-3");
      if (group) group.classList.toggle("d-none", !wanted);
    });
  }
  box.addEventListener("change", show);
  show();
})();
