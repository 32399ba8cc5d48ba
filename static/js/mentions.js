// @mention suggestions: choosing a name puts "@handle " in place of the @word being typed.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-mention]");
  if (!button) {
    return;
  }
  var box = document.getElementById("body");
  box.value = box.value.replace(/@[\w.-]*$/, "") + "@" + button.dataset.mention + " ";
  document.getElementById("mention-suggestions").replaceChildren();
  box.focus();
});
