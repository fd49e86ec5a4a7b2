// The live log tail: new lines of the instance's log over server-sent events. Without this
// script the page still shows the last lines and the search form works.
(function () {
  var log = document.getElementById("log");
  if (!log || !window.EventSource) {
    return;
  }
  var source = new EventSource(log.getAttribute("data-stream"));
  source.onopen = function () {
    log.setAttribute("data-live", "on");
  };
  source.onmessage = function (event) {
    var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.appendChild(document.createTextNode(event.data + "\n"));
    if (atBottom) {
      log.scrollTop = log.scrollHeight;
    }
  };
})();
