/* The "All papers" table, drawn from its data file (papers/rows.json, see awesome_lora.site.SiteModel.rows):
   filters by text, category, year, venue and badge, sorting by date or title, both kept in the query string
   so that a filtered view can be shared. Only the first rows that match are drawn ("Show more" adds more),
   so the page stays quick with any number of papers. Plain JavaScript, no library.
   Set up on every page view: with navigation.instant, pages are swapped without a reload. */
(function () {
  "use strict";

  var FILTERS = ["text", "category", "year", "venue", "badge"];
  var DEFAULT_SORT = "date-descending";
  var BATCH = 50;  // rows drawn at once (a screenful and more)...
  var WHOLE = 250;  // ...unless the list is this small: then it is drawn whole, as it always was
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var loaded = {};  // URL of a data file → promise of its data (kept across instant navigation)

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function number(count) {
    return count.toLocaleString("en-US");
  }

  function papers(count) {
    return number(count) + (count === 1 ? " paper" : " papers");
  }

  function dateLabel(date) {
    return date.length === 7 ? MONTHS[Number(date.slice(5, 7)) - 1] + " " + date.slice(0, 4) : date;
  }

  // The file as it comes: rows stay arrays (field → position in `at`); whatever the filters and sorting
  // need beyond the file is computed when first needed, so that the table is drawn soon after the download.
  function prepare(file) {
    var at = {};
    file.fields.forEach(function (name, index) { at[name] = index; });
    performance.mark("al-papers-data");
    return { file: file, rows: file.rows, at: at, orders: {}, search: null };
  }

  function load(url) {
    if (!loaded[url]) {
      loaded[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.json();
      }).then(prepare);
      loaded[url].catch(function () { delete loaded[url]; });  // try again on the next visit
    }
    return loaded[url];
  }

  // What the text filter searches, per row: title, authors, venue and arXiv id, folded.
  function searchTexts(data) {
    if (!data.search) {
      var at = data.at;
      data.search = data.rows.map(function (row) {
        return fold(row[at.title] + " " + row[at.authors].join(" ") + " " + row[at.venue] + " " + row[at.arxiv]);
      });
    }
    return data.search;
  }

  // Row positions in one order: ascending by the key (ties keep the file's order), descending the reverse.
  // The file is newest first, which is the default order.
  function ordered(data, key, direction) {
    var name = key + "-" + direction;
    if (data.orders[name]) return data.orders[name];
    var positions = data.rows.map(function (row, index) { return index; });
    if (key === "date" && direction === "descending") return (data.orders[name] = positions);
    var ascending = data.orders[key + "-ascending"];
    if (!ascending) {
      var field = data.at[key];
      var numeric = key === "stars" || key === "citations";  // counts from `awesome-lora enrich`; null = unknown
      var keys = data.rows.map(function (row) {
        var value = row[field];
        return numeric ? (value == null ? -1 : value) : key === "title" ? value.toLowerCase() : value;
      });
      ascending = data.orders[key + "-ascending"] = positions.sort(function (a, b) {
        return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b;
      });
    }
    if (direction === "ascending") return ascending;
    return (data.orders[name] = ascending.slice().reverse());
  }

  // A test for the current filters, or null when every row passes.
  function filterFor(data, filters) {
    var at = data.at;
    var tests = [];
    if (filters.year) {
      tests.push(function (row) { return row[at.date].slice(0, 4) === filters.year; });
    }
    if (filters.venue) {
      tests.push(function (row) { return (row[at.family] || row[at.venue]) === filters.venue; });
    }
    if (filters.category) {
      var inside = data.file.leaves.map(function (leaf) { return leaf.ids.indexOf(filters.category) >= 0; });
      tests.push(function (row) {
        return row[at.categories].some(function (leaf) { return inside[leaf]; });
      });
    }
    if (filters.badge) {
      tests.push(function (row) {
        return row[at.badges].some(function (badge) { return badge[1] === filters.badge; });
      });
    }
    var terms = fold(filters.text).split(/\s+/).filter(Boolean);
    if (terms.length) {
      var texts = searchTexts(data);
      tests.push(function (row, index) {
        for (var i = 0; i < terms.length; i += 1) {
          if (texts[index].indexOf(terms[i]) < 0) return false;
        }
        return true;
      });
    }
    if (!tests.length) return null;
    return function (row, index) {
      for (var i = 0; i < tests.length; i += 1) {
        if (!tests[i](row, index)) return false;
      }
      return true;
    };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text, className) {
    var a = element("a", className, text);
    a.href = href;
    return a;
  }

  // One row, built with DOM calls: record text is only ever text, never markup.
  function drawRow(data, row, authors) {
    var at = data.at;
    var leaves = data.file.leaves;
    var id = row[at.id];
    var tr = element("tr");
    tr.id = "paper-" + id;
    tr.dataset.id = id;

    var date = element("td", "al-table__date");
    var time = element("time", "", dateLabel(row[at.date]));
    time.dateTime = row[at.date];
    date.appendChild(time);

    var paper = element("td", "al-table__paper");
    var entry = data.file.pages[row[at.page]] + "#" + leaves[row[at.categories][0]].id + "--" + id;
    paper.appendChild(link(entry, row[at.title], "al-table__title"));
    var names = row[at.authors];
    var shown = names.slice(0, authors).join(", ") + (names.length > authors ? ", et al." : "");
    paper.appendChild(element("span", "al-table__authors", shown));
    row[at.badges].forEach(function (badge) {
      paper.appendChild(document.createTextNode(" "));
      paper.appendChild(element("span", "al-badge al-badge--" + badge[0], badge[1]));
    });

    var categories = element("td", "al-table__categories");
    row[at.categories].forEach(function (leaf) {
      categories.appendChild(link(leaves[leaf].href, leaves[leaf].title));
    });

    var links = element("td", "al-table__links");
    row[at.links].forEach(function (item) {  // a link without a URL is the paper's arXiv page
      links.appendChild(link(item.length > 1 ? item[1] : "https://arxiv.org/abs/" + row[at.arxiv], item[0]));
    });

    var stars = element("td", "al-table__count", row[at.stars] == null ? "" : number(row[at.stars]));
    var cited = element("td", "al-table__count", row[at.citations] == null ? "" : number(row[at.citations]));
    [date, paper, element("td", "al-table__venue", row[at.venue]), categories, links, stars, cited].forEach(function (cell) {
      tr.appendChild(cell);
    });
    return tr;
  }

  function setup() {
    var table = document.getElementById("al-papers-table");
    var form = document.getElementById("al-filters");
    if (!table || !form || table.dataset.ready) return;
    table.dataset.ready = "true";

    var body = table.tBodies[0];
    var count = document.getElementById("al-count");
    var empty = document.getElementById("al-empty");
    var error = document.getElementById("al-error");
    var more = document.getElementById("al-more");
    var authors = Number(table.dataset.authors) || 5;
    var total = Number(count.dataset.total);
    var batch = total <= WHOLE ? total : BATCH;
    var headers = {};
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      if (th.dataset.sortKey) headers[th.dataset.sortKey] = th;
    });
    var sort = { key: "date", direction: "descending" };
    var data = null;
    var matching = [];  // positions of the rows that pass the filters, in the current order
    var drawn = 0;

    function state() {
      var params = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) params.set(name, value);
      });
      var current = sort.key + "-" + sort.direction;
      if (current !== DEFAULT_SORT) params.set("sort", current);
      return params;
    }

    function saveState() {
      var query = state().toString();
      var url = location.pathname + (query ? "?" + query : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) {
        history.replaceState(history.state, "", url);
      }
    }

    // Draw the next batch of matching rows.
    function drawMore() {
      var fragment = document.createDocumentFragment();
      var end = Math.min(matching.length, drawn + batch);
      for (; drawn < end; drawn += 1) fragment.appendChild(drawRow(data, data.rows[matching[drawn]], authors));
      body.appendChild(fragment);
      var left = matching.length - drawn;
      more.hidden = left === 0;
      more.textContent = "Show " + number(Math.min(left, batch)) + " more (" + number(left) + " not shown)";
    }

    function apply() {
      if (!data) return;
      var filters = {};
      FILTERS.forEach(function (name) { filters[name] = form.elements[name].value.trim(); });
      var positions = ordered(data, sort.key, sort.direction);
      var test = filterFor(data, filters);
      if (test) {
        matching = [];
        for (var i = 0; i < positions.length; i += 1) {
          if (test(data.rows[positions[i]], positions[i])) matching.push(positions[i]);
        }
      } else {
        matching = positions;
      }
      var shown = matching.length;
      count.textContent = shown === total ? papers(total) : "Showing " + number(shown) + " of " + papers(total);
      count.dataset.shown = String(shown);
      empty.hidden = shown !== 0;
      body.textContent = "";
      drawn = 0;
      drawMore();
      saveState();
    }

    function showSort() {
      Object.keys(headers).forEach(function (key) {
        if (key === sort.key) headers[key].setAttribute("aria-sort", sort.direction);
        else headers[key].removeAttribute("aria-sort");
      });
    }

    // A click on the current column turns its order around; another column starts ascending (counts start
    // with the largest).
    function sortBy(key) {
      var direction = key === "stars" || key === "citations" ? "descending" : "ascending";
      if (key === sort.key) direction = sort.direction === "ascending" ? "descending" : "ascending";
      sort = { key: key, direction: direction };
      showSort();
      apply();
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
    var wanted = (params.get("sort") || "").match(/^(date|title|stars|citations)-(ascending|descending)$/);
    if (wanted) sort = { key: wanted[1], direction: wanted[2] };
    showSort();

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    more.addEventListener("click", drawMore);
    Object.keys(headers).forEach(function (key) {
      var th = headers[key];
      th.setAttribute("role", "columnheader");  // material styles sortable headers (the arrows)
      th.addEventListener("click", function () { sortBy(key); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(key);
        }
      });
    });

    load(new URL(table.dataset.rows, location.href).href).then(
      function (prepared) {
        if (!document.body.contains(table)) return;  // the reader has moved on
        data = prepared;
        apply();
        table.setAttribute("aria-busy", "false");
        performance.mark("al-papers-ready");  // read by the benchmark (python -m awesome_lora.bench)
      },
      function (problem) {
        error.hidden = false;
        table.setAttribute("aria-busy", "false");
        if (window.console) console.warn(problem);
      }
    );
  }

  // Start the download while the rest of the page loads (the table, when set up, takes the same promise).
  var early = document.getElementById("al-papers-table");
  if (early && early.dataset.rows) load(new URL(early.dataset.rows, location.href).href);

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
