// Start page only: points the widget at Janus behind this web front (wss://<this host>/janus)
// before the widget module runs; a county's own page writes the janus attribute instead.
(function () {
  var el = document.querySelector('bb-offices');
  if (el && !el.hasAttribute('janus')) {
    el.setAttribute('janus', (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/janus');
  }
}());
