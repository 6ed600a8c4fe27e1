// Behaviour of the page shell (studio/web/templates/studio.html), on every studio page.
//
// Pages that show live data (body[data-live="on"]) open the Socket.IO connection and show its
// state in the top bar; the others load nothing more.

function showLiveStatus(indicator, connection) {
  const { connected, offline, connectedTitle, offlineTitle } = indicator.dataset;
  connection.onStatus((state) => {
    const on = state === 'connected';
    indicator.hidden = state === 'connecting';
    indicator.textContent = on ? connected : offline;
    indicator.title = on ? connectedTitle : offlineTitle;
    indicator.dataset.state = on ? 'connected' : 'offline';
  });
}

async function main() {
  const indicator = document.getElementById('live-status');
  if (document.body.dataset.live === 'on' && indicator) {
    const { live } = await import('./live.js');
    showLiveStatus(indicator, live());
  }
}

main();
