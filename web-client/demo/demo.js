// Demo page only: lets a test or a developer point the widget at another Janus/language via the URL
// (?janus=ws://host:port/&lang=en&ice=[...]); a real county homepage just writes the attributes.
(function () {
  var params = new URLSearchParams(location.search);
  var el = document.querySelector('bb-offices');
  if (!el) return;
  ['janus', 'lang', 'offices'].forEach(function (name) {
    var v = params.get(name);
    if (v) el.setAttribute(name, v);
  });
  if (params.get('ice')) el.setAttribute('ice-servers', params.get('ice'));
}());
