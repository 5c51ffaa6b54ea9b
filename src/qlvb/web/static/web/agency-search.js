// Search a long list of agencies (the national directory imported from the axis) while choosing
// recipients: every <select data-qlvb-search> gets a search box above it that hides the options whose
// name or code (data-code) does not contain what is typed. Vietnamese marks are ignored ("mo phong" finds
// "Mô Phỏng"); chosen options always stay visible. Without JavaScript the plain list still works.
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function enhance(select) {
    var id = select.id + "-tim";
    var box = document.createElement("input");
    box.type = "search";
    box.id = id;
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.getAttribute("data-qlvb-search") || "Tìm theo tên hoặc mã định danh";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("data-qlvb", "recipient-search");
    var keys = Array.prototype.map.call(select.options, function (o) {
      return fold(o.text + " " + (o.getAttribute("data-code") || ""));
    });
    box.addEventListener("input", function () {
      var term = fold(box.value.trim());
      Array.prototype.forEach.call(select.options, function (o, i) {
        o.hidden = term !== "" && !o.selected && keys[i].indexOf(term) === -1;
      });
    });
    select.parentNode.insertBefore(box, select);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-qlvb-search]"), enhance);
  });
})();
