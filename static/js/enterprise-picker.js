// The enterprise box (enterprises/picker.py): as the user types a code or part of a name, a
// list of the matching enterprises from the server; ↓/↑ move in it, Enter or a click chooses
// (the box then holds the code, the name shows under it), Escape closes it. Without this
// script the box is a plain input that the server checks. Boxes added later (a formset's new
// row) work too: the events are listened to on the document.
(function () {
  "use strict";
  var DELAY = 150; // ms after the last key before asking the server
  var state = new WeakMap();

  function parts(input) {
    var id = input.id;
    return {
      list: id ? document.getElementById(id + "-list") : null,
      chosen: id ? document.getElementById(id + "-chosen") : null,
    };
  }

  function info(input) {
    var found = state.get(input);
    if (!found) {
      found = { timer: null, asked: 0, shown: 0, active: -1, items: [] };
      state.set(input, found);
    }
    return found;
  }

  function close(input) {
    var own = parts(input);
    var data = info(input);
    if (own.list) {
      own.list.hidden = true;
      own.list.textContent = "";
    }
    data.items = [];
    data.active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(input, index) {
    var own = parts(input);
    var data = info(input);
    if (!own.list || !data.items.length) return;
    data.active = (index + data.items.length) % data.items.length;
    Array.prototype.forEach.call(own.list.children, function (item, position) {
      var on = position === data.active;
      item.classList.toggle("active", on);
      item.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        input.setAttribute("aria-activedescendant", item.id);
        if (typeof item.scrollIntoView === "function") item.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function choose(input, index) {
    var data = info(input);
    var choice = data.items[index];
    if (!choice) return;
    input.value = choice.code;
    var own = parts(input);
    if (own.chosen) own.chosen.textContent = choice.name;
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(input, results) {
    var own = parts(input);
    var data = info(input);
    if (!own.list) return;
    own.list.textContent = "";
    data.items = results;
    data.active = -1;
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "picker-none";
      none.textContent = input.getAttribute("data-none") || "—";
      own.list.appendChild(none);
    }
    results.forEach(function (choice, index) {
      var item = document.createElement("li");
      item.id = input.id + "-option-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var code = document.createElement("span");
      code.className = "picker-code";
      code.textContent = choice.code;
      var name = document.createElement("span");
      name.className = "picker-name";
      name.textContent = choice.name;
      item.appendChild(code);
      item.appendChild(name);
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the box
        choose(input, index);
      });
      own.list.appendChild(item);
    });
    own.list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function ask(input) {
    var data = info(input);
    var text = input.value.trim();
    if (!text) {
      close(input);
      return;
    }
    var number = ++data.asked;
    var url = input.getAttribute("data-lookup-url") + "?q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        // An answer to an older question comes too late: the newer one is shown.
        if (number < data.shown || number !== data.asked) return;
        data.shown = number;
        if (document.activeElement === input) show(input, answer.results || []);
      })
      .catch(function () {
        close(input); // the box still works as a plain input
      });
  }

  function isPicker(target) {
    return target && target.matches && target.matches("input[data-enterprise-picker]");
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!isPicker(input)) return;
    var data = info(input);
    var own = parts(input);
    if (own.chosen) own.chosen.textContent = "";
    clearTimeout(data.timer);
    data.timer = setTimeout(function () {
      ask(input);
    }, DELAY);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isPicker(input) || event.isComposing) return;
    var data = info(input);
    var open = input.getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) {
        ask(input);
        return;
      }
      event.preventDefault();
      highlight(input, data.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && open && data.active >= 0) {
      event.preventDefault(); // choosing is not sending the form
      choose(input, data.active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(input);
    }
  });

  document.addEventListener(
    "blur",
    function (event) {
      if (isPicker(event.target)) close(event.target);
    },
    true
  );
})();
