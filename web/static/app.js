// Comfort only: every feature here has a plain HTML fallback (forms, links, <details>).
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  var RESTORE_KEY = "kwarchive.after-filter";

  // A facet value as the URL selects it: one that starts with "-" (or a backslash) is escaped with a backslash, or it
  // would read as an exclusion (search/request.py, as_selected).
  function urlValue(value) {
    return value.length > 1 && /^[-\\]/.test(value) ? "\\" + value : value;
  }

  function submitSearch(form) {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // Facet checkboxes submit the search at once; the page that comes back puts focus on the same control, at the
  // same height on screen, with the filters panel still open (see restoreAfterFilter).
  function autoSubmit() {
    var form = document.getElementById("search");
    if (!form) return;
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches('input[type="checkbox"][form="search"]')) return;
      var panel = document.getElementById("refine");
      try {
        sessionStorage.setItem(RESTORE_KEY, JSON.stringify({
          name: box.name, value: box.value, top: box.getBoundingClientRect().top,
          open: !!(panel && panel.classList.contains("refine--open"))
        }));
      } catch (e) { /* storage refused: the search still runs */ }
      submitSearch(form);
    });
  }

  function restoreAfterFilter() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(RESTORE_KEY) || "null");
      sessionStorage.removeItem(RESTORE_KEY);
    } catch (e) { return; }
    if (!saved) return;
    if (saved.open) setFiltersOpen(true);
    var selector = 'input[type="checkbox"][name="' + CSS.escape(saved.name) + '"][value="' + CSS.escape(saved.value) + '"]';
    var box = document.querySelector(selector);
    if (!box) return;
    var folded = box.closest("details");
    if (folded) folded.open = true;
    window.scrollBy({ top: box.getBoundingClientRect().top - saved.top, behavior: "instant" });
    box.focus({ preventScroll: true });
  }

  // Changing the sort order or page size is a change of page, so it waits for the Apply button or Enter
  // (WCAG 3.2.2); a choice made with the mouse from the opened menu still applies at once.
  function toolbarMenus() {
    document.querySelectorAll('select[form="search"]').forEach(function (select) {
      if (!select.form) return;
      var pointer = false;
      select.addEventListener("pointerdown", function () { pointer = true; });
      select.addEventListener("keydown", function (event) {
        pointer = false;
        if (event.key === "Enter") { event.preventDefault(); submitSearch(select.form); }
      });
      select.addEventListener("change", function () { if (pointer) submitSearch(select.form); });
    });
  }

  // Back/Forward may bring the page back with the controls as they were left (bfcache, form restoration):
  // put every control back to what this page's URL says.
  function controlsFollowTheUrl() {
    window.addEventListener("pageshow", function (event) {
      var navigation = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
      if (!event.persisted && !(navigation && navigation.type === "back_forward")) return;
      document.querySelectorAll('[form="search"], #search input, #search select').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = el.defaultChecked;
        else if (el.tagName === "SELECT") Array.prototype.forEach.call(el.options, function (o) { o.selected = o.defaultSelected; });
        else if (el.type !== "submit" && el.type !== "button" && el.type !== "hidden") el.value = el.defaultValue;
      });
    });
  }

  // On a narrow screen the filters sit behind a "Filters (n)" button (a plain #refine link without JavaScript).
  function setFiltersOpen(open) {
    var panel = document.getElementById("refine");
    var button = document.querySelector(".filters-toggle--button");
    if (!panel || !button) return;
    panel.classList.toggle("refine--open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function filtersToggle() {
    var panel = document.getElementById("refine");
    var button = document.querySelector(".filters-toggle--button");
    var link = document.querySelector(".filters-toggle--link");
    if (!panel || !button) return;
    button.hidden = false;
    if (link) link.hidden = true;
    if (panel.classList.contains("refine--open") || location.hash === "#refine") setFiltersOpen(true);
    button.addEventListener("click", function () {
      var open = !panel.classList.contains("refine--open");
      setFiltersOpen(open);
      if (open) panel.focus();
    });
  }

  // Empty fields are dropped from the URL so that saved links stay short and canonical.
  function tidyUrl() {
    var form = document.getElementById("search");
    if (!form) return;
    form.addEventListener("formdata", function (event) {
      var data = event.formData, empty = [];
      data.forEach(function (value, name) { if (value === "" || (name === "sort" && value === "relevance")) empty.push(name); });
      empty.forEach(function (name) { data.delete(name); });
    });
  }

  // "Copy link" and "Copy citation".
  function copyButtons() {
    document.querySelectorAll(".js-copy").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      var original = button.textContent;
      button.addEventListener("click", function () {
        var target = button.getAttribute("data-copy-target");
        var text = target ? document.getElementById(target).textContent.trim() : button.getAttribute("data-copy-url");
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = original; }, 1600);
        });
      });
    });
  }

  // The find box of a long facet asks the server, which looks every value up in the name authority ("Peking"
  // finds Beijing); matches replace the first values as checkboxes. Without script the facet window (the "All …"
  // link) has its own find box.
  function facetFinders() {
    document.querySelectorAll(".facet__find").forEach(function (form) {
      var input = form.querySelector(".facet__find-input"), found = form.querySelector(".facet__found");
      var status = form.querySelector(".facet__status"), top = form.parentElement.querySelector(".facet__values--top");
      var name = form.getAttribute("data-facet"), api = form.getAttribute("data-api"), timer = null, serial = 0;
      if (!input || !found || !window.fetch) return;
      form.hidden = false;
      // A value both in the first values and among the matches is submitted from the matches only.
      function release() {
        if (top) top.querySelectorAll("input[disabled]").forEach(function (box) { box.disabled = false; });
      }
      function show(values, wanted) {
        found.textContent = "";
        release();
        values.slice(0, 50).forEach(function (v) {
          var li = document.createElement("li"), label = document.createElement("label");
          var box = document.createElement("input"), text = document.createElement("span"), count = document.createElement("span");
          li.className = "facet__value";
          box.type = "checkbox"; box.name = name; box.value = urlValue(v.value); box.checked = !!v.selected;
          box.setAttribute("form", "search");
          text.className = "facet__label"; text.textContent = v.label || v.value;
          count.className = "facet__count"; count.textContent = Number(v.count).toLocaleString("en");
          label.append(box, text, " ", count); li.appendChild(label); found.appendChild(li);
          if (top) top.querySelectorAll('input[type="checkbox"]').forEach(function (twin) {
            if (twin.value === box.value) twin.disabled = true;
          });
        });
        found.hidden = false;
        if (top) top.hidden = true;
        status.textContent = values.length ? values.length + " found" : "Nothing matches “" + wanted + "”";
        if (!values.length) {
          var none = document.createElement("li");
          none.className = "facet__none hint"; none.textContent = "Nothing matches “" + wanted + "”.";
          found.appendChild(none);
        }
      }
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var wanted = input.value.trim(), mine = ++serial;
          if (!wanted) {
            found.hidden = true; found.textContent = ""; status.textContent = ""; release();
            if (top) top.hidden = false;
            return;
          }
          fetch(api + "&facet_q=" + encodeURIComponent(wanted)).then(function (r) { return r.json(); })
            .then(function (body) { if (mine === serial) show(body.values || [], wanted); }).catch(function () {});
        }, 150);
      });
    });
  }

  // Names from the authority as the user types (datalist suggestions).
  function nameSuggestions() {
    var input = document.getElementById("q");
    var list = document.getElementById("name-suggestions");
    if (!input || !list || !window.fetch) return;
    var url = input.getAttribute("data-names-url"), timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        // The server finds which trailing words start a name ("Mao Tse"); a chosen name replaces them, unquoted:
        // a name in the query is searched as that person in every spelling.
        var typed = input.value.replace(/\s+$/, ""), words = typed.split(/\s+/);
        if (words[words.length - 1].length < 2 || typed === last) return;
        last = typed;
        fetch(url + "?q=" + encodeURIComponent(typed)).then(function (r) { return r.json(); }).then(function (body) {
          var head = typed.slice(0, typed.length - body.replaces.length).replace(/\s+$/, "");
          list.textContent = "";
          body.names.forEach(function (entry) {
            var option = document.createElement("option");
            option.value = (head ? head + " " : "") + entry.name;
            // Browsers list only the options whose value or label contains what was typed: the label holds the
            // typed words completed in the spelling they started ("Mao Tse" → "Mao Tse-tung"), then the kind.
            option.label = (head ? head + " " : "") + entry.matched + " · " + entry.kind;
            list.appendChild(option);
          });
        }).catch(function () {});
      }, 150);
    });
  }

  // Previous/next match on the document page.
  function matchStepper() {
    var marks = document.querySelectorAll(".document__body mark");
    var step = document.querySelector(".matches__step");
    if (!marks.length || !step) return;
    step.hidden = false;
    var current = -1;
    function go(delta) {
      current = (current + delta + marks.length) % marks.length;
      var mark = marks[current];
      mark.setAttribute("tabindex", "-1");
      mark.scrollIntoView({ block: "center" });
      mark.focus({ preventScroll: true });
      history.replaceState(null, "", "#" + mark.id);
    }
    step.querySelector(".js-next-match").addEventListener("click", function () { go(1); });
    step.querySelector(".js-prev-match").addEventListener("click", function () { go(-1); });
  }

  // Selected items: ids kept in this browser (localStorage); the header links to /selected?ids=…, a URL that
  // shows and exports the same list without any script.
  var SELECTED_KEY = "kwarchive.selected";

  function readSelection() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(SELECTED_KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return typeof id === "string"; }) : [];
    } catch (e) { return []; }
  }

  function writeSelection(ids) {
    try { window.localStorage.setItem(SELECTED_KEY, JSON.stringify(ids)); } catch (e) { /* private mode: no list */ }
  }

  function selectionUrl(ids) {
    return "/selected" + (ids.length ? "?ids=" + ids.map(encodeURIComponent).join(",").replace(/%2F/g, "/") : "");
  }

  function showSelection() {
    var ids = readSelection();
    document.querySelectorAll(".selected-link").forEach(function (link) {
      link.href = selectionUrl(ids);
      var count = link.querySelector(".js-selected-count");
      if (count) count.textContent = ids.length ? "(" + ids.length + ")" : "";
    });
    document.querySelectorAll(".js-select").forEach(function (button) {
      var on = ids.indexOf(button.getAttribute("data-id")) >= 0;
      button.hidden = false;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (!button.closest(".selected")) button.textContent = on ? "Selected ✓" : "Select";
    });
  }

  function selection() {
    var page = document.querySelector(".selected[data-selected-ids]");
    if (page) {
      var shown = page.getAttribute("data-selected-ids");
      var params = new URLSearchParams(window.location.search);
      if (!params.has("ids") && !params.has("id")) {
        var kept = readSelection();  // the bare /selected page shows this browser's list
        if (kept.length) { window.location.replace(selectionUrl(kept)); return; }
      } else {
        writeSelection(shown ? shown.split(",") : []);  // opening a shared list makes it this browser's list
      }
      var clear = page.querySelector(".js-clear-selection");
      if (clear) {
        clear.hidden = false;
        clear.addEventListener("click", function () { writeSelection([]); window.location.replace("/selected"); });
      }
    }
    document.querySelectorAll(".js-select").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-id"), ids = readSelection(), at = ids.indexOf(id);
        if (at >= 0) ids.splice(at, 1); else ids.push(id);
        writeSelection(ids);
        if (button.closest(".selected")) { window.location.replace(selectionUrl(ids)); return; }
        showSelection();
      });
    });
    window.addEventListener("storage", function (event) { if (event.key === SELECTED_KEY) showSelection(); });
    showSelection();
  }

  onReady(function () {
    selection();
    controlsFollowTheUrl();
    autoSubmit();
    toolbarMenus();
    filtersToggle();
    tidyUrl();
    copyButtons();
    facetFinders();
    nameSuggestions();
    matchStepper();
    restoreAfterFilter();  // last: the steps above may show or hide things and move the page
  });
})();
