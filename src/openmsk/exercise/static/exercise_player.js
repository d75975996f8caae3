// Walks the member through the exercises one card at a time; without JavaScript every card shows.
(function () {
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-player-step]"));
  var nav = document.querySelector("[data-player-nav]");
  if (!cards.length || !nav) { return; }
  var progress = document.querySelector("[data-player-progress]");
  var prev = nav.querySelector("[data-player-prev]");
  var next = nav.querySelector("[data-player-next]");
  var submit = document.querySelector("[data-player-submit]");
  var index = 0;
  function show(i) {
    index = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach(function (card, k) { card.classList.toggle("ex-hidden", k !== index); });
    progress.textContent = "Exercise " + (index + 1) + " of " + cards.length;
    prev.disabled = index === 0;
    next.classList.toggle("ex-hidden", index === cards.length - 1);
    submit.classList.toggle("ex-hidden", index !== cards.length - 1);
    window.scrollTo(0, 0);
  }
  nav.classList.remove("ex-hidden");
  prev.addEventListener("click", function () { show(index - 1); });
  next.addEventListener("click", function () { show(index + 1); });
  show(0);
})();
