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

// After a swap the person asked for (Unlock, Save), the server names where focus goes next
// (portal/htmx.py sends HX-Trigger-After-Settle {"portal:focus": "#id"}). Focus moves only if
// the swap took it away, so nobody who has already moved on is pulled back.
function focusLost() {
  var active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}
document.addEventListener("portal:focus", function (event) {
  var next = document.querySelector(event.detail.value);
  if (focusLost() && next) {
    next.focus();
  }
});

// Every other swap: the control that sent the request gets the focus back if it is still on the
// page (Chromium drops the focus of a control disabled while its request runs, hx-disabled-elt).
document.addEventListener("htmx:beforeRequest", function (event) {
  event.detail.xhr.portalAskedBy = document.activeElement;
});
// A control the swap replaced (a list's sort heading, its pager) hands the focus to its twin
// with the same id; failing that, to the swapped region if it can take it (tabindex="-1").
document.addEventListener("htmx:afterSettle", function (event) {
  var asker = event.detail.xhr && event.detail.xhr.portalAskedBy;
  if (!asker || asker === document.body || !focusLost()) {
    return;
  }
  var twin = !asker.isConnected && asker.id ? document.getElementById(asker.id) : null;
  var region = event.detail.target;
  if (asker.isConnected) {
    asker.focus();
  } else if (twin) {
    twin.focus();
  } else if (region && region.getAttribute("tabindex") === "-1") {
    region.focus();
  }
});

// A timed refresh (hx-trigger="every ...") never replaces the element that has focus: a
// screen reader would lose its place. Where the browser can move a node without losing focus
// (Element.moveBefore) and the refresh brings that element unchanged, htmx keeps it
// (hx-preserve) and refreshes the rest. Otherwise the refresh waits: the poller still asks
// with the old version, so the next poll brings the change again.
function isTimedRefresh(elt) {
  var trigger = elt && (elt.getAttribute("data-hx-trigger") || elt.getAttribute("hx-trigger"));
  return /^\s*every\s/.test(trigger || "");
}
// Whether a swap in this style replaces its region (outerHTML) or only what is inside it.
function replaces(region, style, focused) {
  var itself = /^\s*(outerHTML|true)\b/.test(style || "innerHTML");
  return region !== null && region.contains(focused) && (itself || region !== focused);
}
function wouldReplace(content, detail, focused) {
  var trigger = detail.requestConfig.elt;
  var style = trigger.getAttribute("data-hx-swap") || trigger.getAttribute("hx-swap");
  if (replaces(detail.target, style, focused)) {
    return true;
  }
  var parts = content.querySelectorAll("[id][data-hx-swap-oob], [id][hx-swap-oob]");
  return Array.prototype.some.call(parts, function (part) {
    var oob = part.getAttribute("data-hx-swap-oob") || part.getAttribute("hx-swap-oob");
    return replaces(document.getElementById(part.id), oob, focused);
  });
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  var focused = document.activeElement;
  if (!detail.shouldSwap || !isTimedRefresh(detail.requestConfig.elt)) {
    return;
  }
  if (!focused || focused === document.body) {
    return;
  }
  var incoming = document.createElement("template");
  incoming.innerHTML = detail.serverResponse;
  if (!wouldReplace(incoming.content, detail, focused)) {
    return;
  }
  var twin = focused.id ? incoming.content.getElementById(focused.id) : null;
  if (twin && twin.isEqualNode(focused) && Element.prototype.moveBefore) {
    twin.setAttribute("data-hx-preserve", "");
    detail.serverResponse = incoming.innerHTML;
  } else {
    detail.shouldSwap = false;
  }
});

// A live region (role="status", aria-live) speaks when its words change, not each time a
// refresh rewrites it with the same words.
document.addEventListener("htmx:oobBeforeSwap", function (event) {
  var target = event.detail.target;
  var words = function (node) {
    return node.textContent.replace(/\s+/g, " ").trim();
  };
  if (target.matches("[aria-live], [role=status]") && words(target) === words(event.detail.fragment)) {
    event.detail.shouldSwap = false;
  }
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

// "Hide screen" on a report: nothing of it stays visible, and Back does not bring it back.
document.addEventListener("click", function (event) {
  var hide = event.target.closest && event.target.closest("[data-hide-screen]");
  if (!hide) return;
  event.preventDefault();
  document.documentElement.classList.add("screen-hidden");
  window.location.replace(hide.href);
});
