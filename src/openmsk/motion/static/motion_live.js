// Live exercise feedback: pose estimation runs here (MediaPipe Pose, served by OpenMSK itself);
// only world landmarks go to the server, never video. A recorded landmark file can be replayed instead.
(() => {
  "use strict";
  const root = document.getElementById("motion-app");
  if (!root) return;
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const video = document.getElementById("motion-video");
  const canvas = document.getElementById("motion-canvas");
  const startButton = document.getElementById("motion-start");
  const stopButton = document.getElementById("motion-stop");
  let socket = null;
  let stopSource = null;

  const say = (text) => { $("cue").textContent = text; };
  const status = (text) => { $("motion-status").textContent = text; };

  function addRep(event, partial) {
    const rep = event.rep;
    const li = document.createElement("li");
    const form = rep.errors.length ? rep.errors.join(", ").replaceAll("_", " ") : "good form";
    li.textContent = `${partial ? "Partial rep" : "Rep " + event.count}: range ${Math.round(rep.rom_deg)}, ` +
      `quality ${Math.round(rep.quality * 100)}%, ${form}`;
    $("rep-list").appendChild(li);
  }

  const handlers = {
    ready: (e) => status(`Tracking ${e.name}. Go when you are ready.`),
    rep_completed: (e) => { $("rep-count").textContent = String(e.count); addRep(e, false); if (!e.rep.errors.length) say(`${e.count} of ${e.target_reps}. Nice!`); },
    partial_rep: (e) => addRep(e, true),
    cue: (e) => say(e.cue),
    hold_progress: (e) => { if (e.target_s) say(e.done ? "Good hold. Now come back up." : `Hold… ${e.held_s.toFixed(1)} s`); },
    set_completed: (e) => { say(`Set ${e.set} complete: ${e.reps} reps. Well done!`); },
    frame_rejected: (e) => status(`A frame was skipped: ${e.reason}`),
    error: (e) => status(`Stopped: ${e.message}`),
    session_saved: (e) => {
      status(`Saved: ${e.reps} reps${e.partial_reps ? `, ${e.partial_reps} partial` : ""}.` +
             (e.exercise_session_id ? " Added to today's exercise log." : " Your physical therapist can see it."));
      const logged = $("exercise-log");
      if (logged) logged.hidden = !e.exercise_session_id;
    },
  };

  function connect() {
    return new Promise((resolve, reject) => {
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(`${proto}//${location.host}${root.dataset.ws}`);
      ws.onmessage = (message) => {
        const event = JSON.parse(message.data);
        if (typeof event.processing_ms === "number") $("processing-ms").textContent = event.processing_ms.toFixed(2);
        (handlers[event.type] || (() => {}))(event);
        if (event.type === "ready") resolve(ws);
        if (event.type === "error") reject(new Error(event.message));
      };
      ws.onerror = () => reject(new Error("could not connect"));
      ws.onclose = () => { socket = null; finishUi(); };
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function finishUi() {
    if (stopSource) stopSource();
    stopSource = null;
    startButton.disabled = false;
    stopButton.disabled = true;
  }

  function endSet() {
    if (stopSource) stopSource();
    stopSource = null;
    send({ type: "end" });
  }

  async function begin(startSource) {
    startButton.disabled = true;
    stopButton.disabled = false;
    $("rep-list").replaceChildren();
    $("rep-count").textContent = "0";
    try {
      socket = await connect();
      stopSource = await startSource();
    } catch (error) {
      status(`Could not start: ${error.message}`);
      if (socket) socket.close();
      finishUi();
    }
  }

  // --- camera: MediaPipe Pose in the browser -------------------------------------------------
  function loadPose() {
    if (window.Pose) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = root.dataset.assets + "pose.js";
      script.onload = resolve;
      script.onerror = () => reject(new Error("pose model could not be loaded"));
      document.head.appendChild(script);
    });
  }

  function draw(points) {
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!points) return;
    ctx.fillStyle = "#4fc3f7";
    for (const p of points) {
      if ((p.visibility ?? 1) < 0.5) continue;
      ctx.beginPath();
      ctx.arc(p.x * canvas.width, p.y * canvas.height, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  async function cameraSource() {
    status("Loading the pose model on this device…");
    await loadPose();
    const pose = new window.Pose({ locateFile: (file) => root.dataset.assets + file });
    pose.setOptions({ modelComplexity: 0, smoothLandmarks: true, minDetectionConfidence: 0.5,
                      minTrackingConfidence: 0.5 });
    const t0 = performance.now();
    pose.onResults((results) => {
      const world = results.poseWorldLandmarks;
      const image = results.poseLandmarks;
      draw(image);
      send({ t: (performance.now() - t0) / 1000,
             landmarks: world ? world.map((p, i) => [p.x, p.y, p.z, (image && image[i] ? image[i].visibility : p.visibility) ?? 0]) : null });
    });
    await pose.initialize();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
    video.srcObject = stream;
    await video.play();
    let running = true;
    const loop = async () => {
      if (!running) return;
      await pose.send({ image: video });
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    status("Camera on. Video stays on this device.");
    return () => { running = false; stream.getTracks().forEach((track) => track.stop()); pose.close(); };
  }

  // --- replay: a recorded mediapipe-csv landmark file ---------------------------------------
  async function readText(file) {
    if (!file.name.endsWith(".gz")) return file.text();
    const stream = file.stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  function parseCsv(text) {
    const lines = text.trim().split(/\r?\n/);
    const header = lines[0].split(",");
    const col = Object.fromEntries(header.map((name, i) => [name, i]));
    if (!("t_s" in col) || !("wx0" in col) || !("v0" in col)) throw new Error("not a MediaPipe landmark CSV");
    return lines.slice(1).map((line) => {
      const v = line.split(",");
      const landmarks = v[col.detected] === "1" ? Array.from({ length: 33 }, (_, i) =>
        [+v[col[`wx${i}`]], +v[col[`wy${i}`]], +v[col[`wz${i}`]], +v[col[`v${i}`]]]) : null;
      return { t: +v[col.t_s], landmarks };
    });
  }

  function replaySource(frames, speed) {
    return async () => {
      status(`Replaying ${frames.length} recorded frames at ${speed}×…`);
      let i = 0;
      let cancelled = false;
      const start = performance.now();
      const first = frames.length ? frames[0].t : 0;
      const tick = () => {
        if (cancelled) return;
        const due = first + ((performance.now() - start) / 1000) * speed;
        while (i < frames.length && frames[i].t <= due) send(frames[i++]);
        if (i < frames.length) setTimeout(tick, 10);
        else { cancelled = true; send({ type: "end" }); }
      };
      tick();
      return () => { cancelled = true; };
    };
  }

  startButton.addEventListener("click", () => begin(cameraSource));
  stopButton.addEventListener("click", endSet);
  document.getElementById("motion-replay-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    let frames;
    try {
      frames = parseCsv(await readText(file));
    } catch (error) {
      status(`Could not read the file: ${error.message}`);
      return;
    }
    const speed = Number(document.getElementById("motion-replay-speed").value) || 1;
    begin(replaySource(frames, speed));
  });
})();
