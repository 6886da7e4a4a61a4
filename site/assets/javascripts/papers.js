/* The "All papers" table: filters over the rows' data-* attributes, sorting (vendored tablesort), and
   the state of both kept in the query string so that a filtered view can be shared. Plain JavaScript.
   Set up on every page view: with navigation.instant, pages are swapped without a reload. */
(function () {
  "use strict";

  var FILTERS = ["text", "category", "year", "venue", "badge"];
  var DEFAULT_SORT = "date-descending";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setup() {
    var table = document.getElementById("al-papers-table");
    var form = document.getElementById("al-filters");
    if (!table || !form || table.dataset.ready) return;
    table.dataset.ready = "true";

    var count = document.getElementById("al-count");
    var empty = document.getElementById("al-empty");
    var total = Number(count.dataset.total);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.forEach(function (row) { row.searchText = fold(row.dataset.text); });

    var headers = {};
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      if (th.dataset.sortKey) headers[th.dataset.sortKey] = th;
    });
    var sorter = typeof Tablesort === "function" ? new Tablesort(table) : null;
    if (sorter) sorter.current = headers.date;  // the rows are built newest first

    function state() {
      var params = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) params.set(name, value);
      });
      var current = sorter && sorter.current;
      var sort = current ? current.dataset.sortKey + "-" + current.getAttribute("aria-sort") : DEFAULT_SORT;
      if (sort !== DEFAULT_SORT) params.set("sort", sort);
      return params;
    }

    function saveState() {
      var query = state().toString();
      var url = location.pathname + (query ? "?" + query : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) {
        history.replaceState(history.state, "", url);
      }
    }

    function matches(row, terms, filters) {
      if (filters.year && row.dataset.year !== filters.year) return false;
      if (filters.venue && row.dataset.venue !== filters.venue) return false;
      if (filters.category && row.dataset.categories.indexOf("|" + filters.category + "|") < 0) return false;
      if (filters.badge && row.dataset.badges.indexOf("|" + filters.badge + "|") < 0) return false;
      return terms.every(function (term) { return row.searchText.indexOf(term) >= 0; });
    }

    function apply() {
      var filters = {};
      FILTERS.forEach(function (name) { filters[name] = form.elements[name].value.trim(); });
      var terms = fold(filters.text).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var visible = matches(row, terms, filters);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = shown === total
        ? total + (total === 1 ? " paper" : " papers")
        : "Showing " + shown + " of " + total + " papers";
      count.dataset.shown = String(shown);
      empty.hidden = shown !== 0;
      saveState();
    }

    function sortBy(key, direction) {
      var th = headers[key];
      if (!sorter || !th) return;
      if (sorter.current && sorter.current !== th) sorter.current.removeAttribute("aria-sort");
      sorter.current = th;
      th.removeAttribute("aria-sort");
      sorter.sortTable(th);                       // ascending
      if (direction === "descending") sorter.sortTable(th);
    }

    // Restore the state from the address, then follow every change.
    var params = new URLSearchParams(location.search);
    FILTERS.forEach(function (name) {
      var value = params.get(name);
      if (value === null) return;
      var field = form.elements[name];
      field.value = value;
      if (field.tagName === "SELECT" && field.value !== value) field.value = "";  // unknown choice
    });
    var sort = (params.get("sort") || "").match(/^(date|title)-(ascending|descending)$/);
    if (sort && sort[0] !== DEFAULT_SORT) sortBy(sort[1], sort[2]);
    apply();

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    table.addEventListener("afterSort", saveState);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
