// What every page shares, for keyboard and screen-reader users alike. Loaded on every page.

// Links drawn as buttons (role="button") answer Space as real buttons do; Enter already works.
document.addEventListener("keydown", function (event) {
  if (event.key !== " " || event.repeat || event.altKey || event.ctrlKey || event.metaKey) {
    return;
  }
  var link = event.target.closest && event.target.closest('a[role="button"]');
  if (link) {
    event.preventDefault(); // Space would scroll the page instead
    link.click();
  }
});

// An error summary takes the focus when its page opens or is swapped in, so it is read first
// and its links lead straight to each field.
function focusErrorSummary(root) {
  var summary = root && root.querySelector && root.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
}
document.addEventListener("DOMContentLoaded", function () {
  focusErrorSummary(document);
});
document.addEventListener("htmx:afterSettle", function (event) {
  focusErrorSummary(event.detail.elt);
});

// A wide table scrolls in its own box (.table-wrap), never the page. While it scrolls, the box
// takes the focus, named by the table's caption, so the arrow keys can scroll it too.
function letScrollingTablesTakeFocus() {
  document.querySelectorAll(".table-wrap").forEach(function (box) {
    var caption = box.querySelector("caption");
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    } else if (box.getAttribute("role") === "region") {
      ["tabindex", "role", "aria-label"].forEach(function (name) {
        box.removeAttribute(name);
      });
    }
  });
}
document.addEventListener("DOMContentLoaded", letScrollingTablesTakeFocus);
window.addEventListener("resize", letScrollingTablesTakeFocus);
document.addEventListener("htmx:afterSettle", letScrollingTablesTakeFocus);
