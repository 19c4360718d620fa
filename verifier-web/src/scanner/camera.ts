// The camera: rear camera preferred, the torch where the device has one, and a frame loop that
// hands frames to the QR detector a few times a second (enough for a person holding up a phone,
// light on a cheap CPU).

export interface CameraSession {
  stream: MediaStream;
  hasTorch: boolean;
  setTorch(on: boolean): Promise<void>;
  stop(): void;
}

interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}

export async function openCamera(): Promise<CameraSession> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  const track = stream.getVideoTracks()[0]!;
  const capabilities = (track.getCapabilities?.() ?? {}) as TorchCapabilities;
  return {
    stream,
    hasTorch: capabilities.torch === true,
    setTorch: (on) => track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] }),
    stop: () => {
      for (const t of stream.getTracks()) t.stop();
    },
  };
}
