// Links drawn as buttons (role="button") answer Space as real buttons do; Enter already works.
// One listener for every page, so each new link-button gets it without a line of its own.
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
