// Comfort only: every feature here has a plain HTML fallback (forms, links, <details>).
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  // Facet checkboxes and the sort select submit the search at once.
  function autoSubmit() {
    var form = document.getElementById("search");
    if (!form) return;
    document.querySelectorAll('input[type="checkbox"][form="search"], select[form="search"]').forEach(function (el) {
      el.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    });
    document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
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

  // Filter box inside a long facet list.
  function facetFilters() {
    document.querySelectorAll(".facet__filter").forEach(function (input) {
      input.hidden = false;
      var label = document.querySelector('label[for="' + input.id + '"]');
      if (label) label.hidden = false;
      var items = input.parentElement.querySelectorAll(".facet__value");
      input.addEventListener("input", function () {
        var wanted = input.value.trim().toLowerCase();
        items.forEach(function (li) { li.hidden = wanted && li.textContent.toLowerCase().indexOf(wanted) < 0; });
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
        var words = input.value.split(/\s+/), prefix = words[words.length - 1];
        if (prefix.length < 2 || prefix === last) return;
        last = prefix;
        fetch(url + "?q=" + encodeURIComponent(prefix)).then(function (r) { return r.json(); }).then(function (body) {
          var head = words.slice(0, -1).join(" ");
          list.textContent = "";
          body.names.forEach(function (entry) {
            var option = document.createElement("option");
            option.value = (head ? head + " " : "") + (entry.name.indexOf(" ") >= 0 ? '"' + entry.name + '"' : entry.name);
            option.label = entry.kind;
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
    autoSubmit();
    tidyUrl();
    copyButtons();
    facetFilters();
    nameSuggestions();
    matchStepper();
  });
})();
