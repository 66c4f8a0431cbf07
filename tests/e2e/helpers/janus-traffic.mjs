// Records the Janus WebSocket traffic of a page (test-side only, no hook in product code), so a
// test can check the order of what the browser sent and what Janus answered: e.g. that a new
// offer went out only after Janus's own `hangup` of the previous PeerConnection.

// Each entry: { t (ms since page start), dir: 'out' | 'in', janus, tx (transaction), request, event,
// jsep (type) }.
export async function recordJanusTraffic(context) {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const log = [];
    window.__bbJanus = log;
    const note = (dir, text) => {
      let m;
      try { m = JSON.parse(text); } catch { return; }
      const data = m.plugindata && m.plugindata.data;
      log.push({
        t: performance.now(), dir, janus: m.janus, tx: m.transaction || null, handle: m.handle_id || m.sender || null,
        request: (m.body && m.body.request) || (data && data.request) || null,
        event: (data && data.buergerbuero) || null, error: (data && data.error) || (m.error && m.error.code) || null,
        jsep: m.jsep ? m.jsep.type : null
      });
    };
    class Recorded extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (ev) => note('in', ev.data));
      }

      send(text) {
        note('out', text);
        return super.send(text);
      }
    }
    window.WebSocket = Recorded;
  });
}

export function janusTraffic(page) {
  return page.evaluate(() => window.__bbJanus || []);
}
