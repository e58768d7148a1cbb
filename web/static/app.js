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

  onReady(function () {
    autoSubmit();
    tidyUrl();
    copyButtons();
    facetFilters();
    nameSuggestions();
    matchStepper();
  });
})();
