// Pickers: an input with data-pick="/pick/..." fills its <datalist> with the server's matches as the
// person types. Without this script the input still takes a name or code, which the server resolves.
(function () {
  function fill(input) {
    var list = document.getElementById(input.getAttribute('list'));
    if (!list) return;
    fetch(input.dataset.pick + '?q=' + encodeURIComponent(input.value), { credentials: 'same-origin' })
      .then(function (answer) { return answer.ok ? answer.json() : []; })
      .then(function (choices) {
        list.replaceChildren.apply(list, choices.map(function (choice) {
          var option = document.createElement('option');
          option.value = choice.value;
          option.label = choice.label;
          option.textContent = choice.label;
          return option;
        }));
      })
      .catch(function () {});
  }
  document.querySelectorAll('input[data-pick]').forEach(function (input) {
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { fill(input); }, 200);
    });
    input.addEventListener('focus', function () { if (!input.value) fill(input); }, { once: true });
  });
})();
