// A Neural Cellular Automaton (nca_nb.core.NCA) run live on typed arrays, read by nca_nb.web.export_web.
// The state is a Float32Array in channels-last order: index (y * W + x) * C + c.
(function () {
'use strict';
const cfg = JSON.parse(document.getElementById('nca-config').textContent);
const C = cfg.channels, NV = cfg.n_visible, HID = cfg.hidden, K = cfg.taps.length, L = cfg.learned_filters;
const H = cfg.H, W = cfg.W, N = H * W, NIN = C * (K + L), A = NV - 1, CIRC = cfg.padding === 'circular';
const ALIVE = cfg.alive_masking, THR = Math.fround(cfg.alive_threshold);   // torch compares float32 alpha with float32(threshold)

function bytes(id) {
  const s = atob(document.getElementById(id).textContent.trim()), b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b.buffer;
}
function half2float(u) {                       // IEEE float16 bits to a Float32Array
  const f = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const h = u[i], s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
    f[i] = e === 0 ? s * m * 5.960464477539063e-8 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * Math.pow(2, e - 15);
  }
  return f;
}
const wbuf = bytes('nca-weights');
const wall = cfg.dtype === 'float16' ? half2float(new Uint16Array(wbuf)) : new Float32Array(wbuf);
const part = name => { const [o, n] = cfg.weights[name]; return wall.subarray(o, o + n); };
const W1 = part('w1'), B1 = part('b1'), W2T = part('w2t'), B2 = part('b2'), LW = L ? part('learned') : null;
// per fixed kernel: its nonzero taps as (tap index 0..8 = row * 3 + col, weight)
const TAPT = cfg.taps.map(k => Int32Array.from(k.map(t => t[0]))), TAPW = cfg.taps.map(k => Float64Array.from(k.map(t => t[1])));

let x = new Float32Array(N * C), nx = new Float32Array(N * C);
const alive0 = new Uint8Array(N), pre = new Uint8Array(N), act = new Uint8Array(N), alive1 = new Uint8Array(N), post = new Uint8Array(N);
const off = new Int32Array(9);
let fireRate = cfg.fire_rate, steps = 0, rngState = (Math.random() * 4294967296) >>> 0;
function rand() {                              // mulberry32: the page's own uniform numbers in [0, 1), reproducible after nca.setSeed
  let t = (rngState = (rngState + 0x6D2B79F5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function dilate(src, dst) {                    // dst = True where the 3x3 neighbourhood of src holds a True (core.dilate)
  for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
    let v = 0;
    for (let dy = -1; dy <= 1 && !v; dy++) {
      let yy = y + dy;
      if (yy < 0 || yy >= H) { if (!CIRC) continue; yy = (yy + H) % H; }
      for (let dx_ = -1; dx_ <= 1; dx_++) {
        let xw = xx + dx_;
        if (xw < 0 || xw >= W) { if (!CIRC) continue; xw = (xw + W) % W; }
        if (src[yy * W + xw]) { v = 1; break; }
      }
    }
    dst[y * W + xx] = v;
  }
}

const BLK = 4;                                 // cells per block of the MLP: each weight read from memory serves four cells
const Z = new Float64Array(BLK * NIN), DX = new Float64Array(BLK * C), todo = new Int32Array(N);

function perceive(i, zo) {                     // the perception features of cell i, into Z[zo ..]
  const y = (i / W) | 0, xx = i - y * W;
  for (let t = 0; t < 9; t++) {                // offsets of the 3x3 neighbours in x; -1 outside a zero-padded grid
    let yy = y + ((t / 3) | 0) - 1, xw = xx + (t % 3) - 1;
    if (CIRC) { yy = (yy + H) % H; xw = (xw + W) % W; }
    off[t] = yy < 0 || yy >= H || xw < 0 || xw >= W ? -1 : (yy * W + xw) * C;
  }
  Z.fill(0, zo, zo + NIN);
  for (let k = 0; k < K; k++) {                // fixed kernels: feature c * K + k
    const tt = TAPT[k], tw = TAPW[k];
    for (let q = 0; q < tt.length; q++) {
      const o = off[tt[q]], w = tw[q];
      if (o < 0) continue;
      for (let c = 0; c < C; c++) Z[zo + c * K + k] += w * x[o + c];
    }
  }
  if (L) for (let c = 0; c < C; c++) for (let l = 0; l < L; l++) {   // learned depthwise filters: feature C * K + c * L + l
    const r = (c * L + l) * 9;
    let s = 0;
    for (let t = 0; t < 9; t++) if (off[t] >= 0) s += LW[r + t] * x[off[t] + c];
    Z[zo + C * K + c * L + l] = s;
  }
}

function addUnit(h, j, d) { if (h > 0) { const r = j * C; for (let c = 0; c < C; c++) DX[d + c] += h * W2T[r + c]; } }   // ReLU: zero units add nothing

function mlp(nb) {                             // DX[b * C + c]: the update of the nb cells whose features are in Z
  for (let b = 0; b < nb; b++) for (let c = 0; c < C; c++) DX[b * C + c] = B2[c];
  if (nb === BLK) {
    const z1 = NIN, z2 = 2 * NIN, z3 = 3 * NIN;
    for (let j = 0; j < HID; j++) {
      const r = j * NIN;
      let s0 = B1[j], s1 = s0, s2 = s0, s3 = s0;
      for (let q = 0; q < NIN; q++) { const w = W1[r + q]; s0 += w * Z[q]; s1 += w * Z[z1 + q]; s2 += w * Z[z2 + q]; s3 += w * Z[z3 + q]; }
      addUnit(s0, j, 0); addUnit(s1, j, C); addUnit(s2, j, 2 * C); addUnit(s3, j, 3 * C);
    }
  } else for (let b = 0; b < nb; b++) for (let j = 0; j < HID; j++) {
    const r = j * NIN, zo = b * NIN;
    let s = B1[j];
    for (let q = 0; q < NIN; q++) s += W1[r + q] * Z[zo + q];
    addUnit(s, j, b * C);
  }
}

function step() {                              // one NCA step: NCA.step, computing only the cells that can matter
  if (ALIVE) {
    for (let i = 0; i < N; i++) alive0[i] = x[i * C + A] > THR ? 1 : 0;
    dilate(alive0, pre);                       // alive before the update
    dilate(pre, act);                          // the cells whose new alpha a live cell can see
  }
  let n = 0;
  for (let i = 0; i < N; i++) {
    const b = i * C;
    if (ALIVE && !act[i]) { for (let c = 0; c < C; c++) nx[b + c] = 0; alive1[i] = 0; }
    else if (fireRate >= 1 || rand() < fireRate) todo[n++] = i;
    else { for (let c = 0; c < C; c++) nx[b + c] = x[b + c]; if (ALIVE) alive1[i] = nx[b + A] > THR ? 1 : 0; }
  }
  for (let s = 0; s < n; s += BLK) {           // the cells that fire: x + dx, in blocks
    const nb = Math.min(BLK, n - s);
    for (let b = 0; b < nb; b++) perceive(todo[s + b], b * NIN);
    mlp(nb);
    for (let b = 0; b < nb; b++) {
      const i = todo[s + b], o = i * C;
      for (let c = 0; c < C; c++) nx[o + c] = x[o + c] + DX[b * C + c];
      if (ALIVE) alive1[i] = nx[o + A] > THR ? 1 : 0;
    }
  }
  if (ALIVE) {
    dilate(alive1, post);                      // alive after the update; a cell lives on where it was and is alive
    for (let i = 0; i < N; i++) if (!(pre[i] && post[i])) { const b = i * C; for (let c = 0; c < C; c++) nx[b + c] = 0; }
  }
  const t = x; x = nx; nx = t;
  steps++;
}

function seedState() {                         // core.seed_state, or a fresh random state for models without alive masking
  const s = new Float32Array(N * C);
  if (ALIVE) { const b = ((H >> 1) * W + (W >> 1)) * C; for (let c = A; c < C; c++) s[b + c] = 1; }
  else for (let i = 0; i < N; i++) for (let c = 0; c < NV; c++) s[i * C + c] = NV === 1 ? (rand() < 0.3 ? 1 : 0) : rand();
  return s;
}
function fromVisible(v) {                     // train.init_state: the visible channels (H, W, NV), hidden = 1 where alive (alpha systems), else 0
  const s = new Float32Array(N * C);
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < NV; c++) s[i * C + c] = v[i * NV + c];
    if (ALIVE && v[i * NV + A] > THR) for (let c = NV; c < C; c++) s[i * C + c] = 1;
  }
  return s;
}
const initial = cfg.init === 'seed' ? seedState() : fromVisible(new Float32Array(bytes('nca-init')));

// ---- the page ----
const $ = id => document.getElementById(id);
const canvas = $('nca-canvas'), ctx = canvas.getContext('2d'), img = ctx.createImageData(W, H), px = img.data;
let playing = true, speed = 1, radius = +$('nca-radius').value, view = 'RGB';
const views = ['RGB'].concat(NV === 4 ? ['alpha'] : []);
for (let a = NV; a < C; a += 3) views.push('hidden ' + a + '-' + Math.min(a + 2, C - 1));
for (let c = 0; c < C; c++) views.push('channel ' + c);
for (const v of views) { const o = document.createElement('option'); o.textContent = v; $('nca-view').appendChild(o); }

const clamp01 = v => v < 0 ? 0 : v > 1 ? 1 : v;
function maxAbs(c) { let m = 1e-8; for (let i = 0; i < N; i++) { const v = Math.abs(x[i * C + c]); if (v > m) m = v; } return m; }
function render() {                            // the RGB view is core.to_rgb: RGBA over white, grey, or RGB
  if (view === 'RGB') for (let i = 0; i < N; i++) {
    const b = i * C;
    let r, g, bl;
    if (NV === 4) { const a = clamp01(x[b + 3]); r = clamp01(1 - a + clamp01(x[b])); g = clamp01(1 - a + clamp01(x[b + 1])); bl = clamp01(1 - a + clamp01(x[b + 2])); }
    else if (NV === 1) r = g = bl = clamp01(x[b]);
    else { r = clamp01(x[b]); g = clamp01(x[b + 1]); bl = clamp01(x[b + 2]); }
    px[4 * i] = Math.round(255 * r); px[4 * i + 1] = Math.round(255 * g); px[4 * i + 2] = Math.round(255 * bl); px[4 * i + 3] = 255;
  } else if (view === 'alpha') for (let i = 0; i < N; i++) {
    const v = Math.round(255 * clamp01(x[i * C + 3])); px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = v; px[4 * i + 3] = 255;
  } else if (view.startsWith('hidden ')) {       // three hidden channels as R, G, B: |value| / its largest |value|
    const [a, e] = view.slice(7).split('-').map(Number), s = [];
    for (let c = a; c <= e; c++) s.push(maxAbs(c));
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < 3; k++) px[4 * i + k] = a + k <= e ? Math.round(255 * clamp01(Math.abs(x[i * C + a + k]) / s[k])) : 0;
      px[4 * i + 3] = 255;
    }
  } else {                                       // one channel: a visible one as grey in [0, 1], a hidden one red (+) / blue (-)
    const c = +view.slice(8), s = c < NV ? 1 : maxAbs(c);
    for (let i = 0; i < N; i++) {
      const v = x[i * C + c];
      if (c < NV) px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = Math.round(255 * clamp01(v));
      else {
        const t = Math.max(-1, Math.min(1, v / s));
        px[4 * i] = Math.round(255 * (t < 0 ? 1 + t : 1)); px[4 * i + 1] = Math.round(255 * (1 - Math.abs(t))); px[4 * i + 2] = Math.round(255 * (t > 0 ? 1 - t : 1));
      }
      px[4 * i + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  $('nca-steps').textContent = steps;
  $('nca-frames').textContent = Math.floor(steps / cfg.substeps);
}

function damage(cx, cy, r) {                   // zero every channel of the cells whose centre lies in the disc (cell units)
  for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(H, Math.ceil(cy + r) + 1); y++)
    for (let xx = Math.max(0, Math.floor(cx - r)); xx < Math.min(W, Math.ceil(cx + r) + 1); xx++)
      if ((xx + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r) x.fill(0, (y * W + xx) * C, (y * W + xx + 1) * C);
  render();
}
function atPointer(e) {                        // the pointer in cell units, within the canvas' content box
  const rc = canvas.getBoundingClientRect(), x0 = rc.left + canvas.clientLeft, y0 = rc.top + canvas.clientTop;
  damage((e.clientX - x0) / canvas.clientWidth * W, (e.clientY - y0) / canvas.clientHeight * H, radius);
}
canvas.addEventListener('pointerdown', e => { canvas.setPointerCapture && e.pointerId !== undefined && canvas.setPointerCapture(e.pointerId); atPointer(e); });
canvas.addEventListener('pointermove', e => { if (e.buttons & 1) atPointer(e); });

function setPlaying(p) { playing = p; $('nca-play').textContent = p ? 'Pause' : 'Play'; }
function setState(s) {
  if (s.length !== N * C) throw new Error('setState: expected ' + N * C + ' values (H * W * C, channels-last), got ' + s.length);
  x.set(s); steps = 0; render();
}
$('nca-play').onclick = () => setPlaying(!playing);
$('nca-step').onclick = () => { setPlaying(false); for (let s = 0; s < cfg.substeps; s++) step(); render(); };
$('nca-reset').onclick = () => setState(initial);
$('nca-seed').onclick = () => setState(seedState());
$('nca-speed').oninput = e => { speed = +e.target.value; $('nca-speed-v').textContent = speed; };
$('nca-fire').oninput = e => { fireRate = +e.target.value; $('nca-fire-v').textContent = fireRate.toFixed(2); };
$('nca-radius').oninput = e => { radius = +e.target.value; $('nca-radius-v').textContent = radius; };
$('nca-view').onchange = e => { view = e.target.value; render(); };

let rateT = performance.now(), rateSteps = 0;
function frame(now) {
  if (playing) {
    for (let f = 0; f < speed; f++) for (let s = 0; s < cfg.substeps; s++) step();
    rateSteps += speed * cfg.substeps;
    render();
  }
  if (now - rateT >= 1000) { $('nca-rate').textContent = playing ? (rateSteps * 1000 / (now - rateT)).toFixed(0) : '-'; rateT = now; rateSteps = 0; }
  requestAnimationFrame(frame);
}

window.nca = {
  config: cfg, H: H, W: W, C: C, layout: 'HWC',                 // state(): channels-last, index (y * W + x) * C + c
  step(n = 1) { for (let s = 0; s < n; s++) step(); render(); return steps; },
  state() { return Array.from(x); },
  setState(s) { setState(s); },
  setSeed(s) { rngState = s >>> 0; },
  setFireRate(r) { fireRate = +r; $('nca-fire').value = fireRate; $('nca-fire-v').textContent = fireRate.toFixed(2); },
  reset() { setState(initial); },
  seed() { setState(seedState()); },
  damage(cx, cy, r) { damage(cx, cy, r); },
  steps() { return steps; },
  play() { setPlaying(true); }, pause() { setPlaying(false); },
  setView(v) { if (!views.includes(v)) throw new Error('unknown view ' + v); view = v; $('nca-view').value = v; render(); },
  views: views,
  stepsPerSecond(n = 100) {                    // time n steps from the current state, then put the state back
    const keep = x.slice(), k = steps, t0 = performance.now();
    for (let s = 0; s < n; s++) step();
    const t = performance.now() - t0;
    x.set(keep); steps = k; render();
    return n * 1000 / t;
  },
};
$('nca-fire').value = fireRate; $('nca-fire-v').textContent = fireRate.toFixed(2);
$('nca-radius-v').textContent = radius;
x.set(initial); render();
if (location.hash === '#paused') setPlaying(false);
requestAnimationFrame(frame);
})();
