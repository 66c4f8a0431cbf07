// Connection-quality hint and media statistics from RTCPeerConnection.getStats().

// Why: citizens on weak links need a plain hint ("weak – turn off the camera"), not numbers.
export async function sampleQuality(pc, previous) {
  if (!pc) return { level: 'unknown', snapshot: previous };
  const stats = await pc.getStats();
  let lost = 0, received = 0, rtt = null;
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp') { lost += s.packetsLost || 0; received += s.packetsReceived || 0; }
    if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime;
  });
  const snapshot = { lost, received };
  if (!previous) return { level: 'unknown', snapshot };
  const dLost = lost - previous.lost, dRecv = received - previous.received;
  if (dRecv <= 0) return { level: 'poor', snapshot };
  const loss = dLost / (dLost + dRecv);
  let level = 'good';
  if (loss > 0.08 || (rtt !== null && rtt > 0.6)) level = 'poor';
  else if (loss > 0.02 || (rtt !== null && rtt > 0.3)) level = 'fair';
  return { level, snapshot };
}
