/* "BibTeX" buttons: copy one paper's entry from papers.bib (fetched once, when first needed) to the
   clipboard. One listener on the document, so it keeps working across instant navigation. */
(function () {
  "use strict";

  var files = {};

  function load(url) {
    if (!files[url]) {
      files[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error("papers.bib: HTTP " + response.status);
        return response.text();
      });
    }
    return files[url];
  }

  function entry(text, key) {
    var at = text.indexOf("{" + key + ",\n");
    if (at < 0) throw new Error("no entry " + key + " in papers.bib");
    var start = text.lastIndexOf("@", at);
    var end = text.indexOf("\n}\n", at);
    return text.slice(start, end + 2) + "\n";
  }

  function copy(promise) {
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      // Handing the clipboard a promise keeps the click's permission while the file loads.
      var blob = promise.then(function (text) { return new Blob([text], { type: "text/plain" }); });
      return navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
    }
    return promise.then(function (text) { return navigator.clipboard.writeText(text); });
  }

  function say(button, label) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = label;
    window.setTimeout(function () { button.textContent = original; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".al-bibtex") : null;
    if (!button) return;
    event.preventDefault();
    var url = new URL(button.dataset.bibtexUrl, window.location.href).href;
    var text = load(url).then(function (bib) { return entry(bib, button.dataset.bibtexKey); });
    copy(text).then(
      function () { say(button, "Copied"); },
      function () { say(button, "Copy failed"); }
    );
  });
})();
