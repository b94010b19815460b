"""A prototype fast NCA step, measured by bench/train_bench.py (--extra bench/prototype_impls.py); not part of the package yet. Same values as `NCA.step` up to float rounding.

`nca_step(model, x, generator)` is a drop-in for `NCA.step` for any NCA without learned filters (any fixed
kernels, zero or circular padding, any fire rate, alive masking on or off): one autograd Function per step.

Forward, on a channels-last state viewed as (B,H,W,C) rows:
  pre  = dilate(alpha > thr)                      (shifted OR, as `alive_mask`)
  crop = bounding box over the batch of pre, grown by 2 cells (zero padding only; the state is exactly 0 outside
         pre, so a zero-padded crop computes the same step and the gradient reaching the crop's outside is 0)
  act  = fired & dilate(pre)                      (the only cells whose dx can change the result; unfired dx is x0)
  y    = perception of the crop by shifted adds   (rows of K*C features, kernel-major: W1's columns permuted)
  z    = y[act];  h = relu(z W1' + b1);  d = h W2' + b2  (the MLP on the act rows only)
  x'   = x + d at act rows;  m = pre & dilate(alpha' > thr);  out = x' * m (zero outside the crop)
Saved for the backward: z and h (f32: they are the matmul inputs of the weight gradients), the act rows' index, m.
Backward: g' = g * m; gd = g'[act]; gW2 = gd^T h; gh = relu'(h) * gd W2; gW1 = gh^T z; gz = gh W1;
  gx = g' + perception^T(scatter(gz)) (shifted adds the other way); the first step (x0 without grad) skips gz.
"""
import torch, torch.nn.functional as F

def dilate_hw(m: torch.Tensor, circular: bool = False) -> torch.Tensor:
    "(B,H,W) bool -> True where the 3x3 neighbourhood holds a True (zero or circular padding)."
    a = F.pad(m[:, None].to(torch.uint8), (1, 1, 1, 1), mode='circular')[:, 0].bool() if circular else F.pad(m, (1, 1, 1, 1), value=False)
    H, W = m.shape[-2:]
    r = a[:, 0:H] | a[:, 1:H + 1] | a[:, 2:H + 2]
    return r[..., 0:W] | r[..., 1:W + 1] | r[..., 2:W + 2]

def kernel_taps(kernels) -> list:
    "For (K,3,3) fixed kernels: per kernel, its nonzero taps (i, j, weight). Build once (NCA.__init__)."
    return [[(i, j, float(k[i, j])) for i in range(3) for j in range(3) if k[i, j] != 0] for k in kernels]

def _bbox(pre: torch.Tensor, grow: int = 2):
    "Row/column ranges of the True cells of (B,H,W) `pre` over the batch, grown by `grow`, clipped; None if none."
    r, c = pre.any(2).any(0).nonzero(), pre.any(1).any(0).nonzero()
    if r.numel() == 0: return None
    H, W = pre.shape[1:]
    return max(int(r[0]) - grow, 0), min(int(r[-1]) + 1 + grow, H), max(int(c[0]) - grow, 0), min(int(c[-1]) + 1 + grow, W)

def perceive_rows(xc: torch.Tensor, taps, circular: bool) -> torch.Tensor:
    "(B,h,w,C) -> (B*h*w, K*C) kernel-major perception rows by shifted adds (zero or circular padding)."
    B, h, w, C = xc.shape
    if circular: xp = F.pad(xc.permute(0, 3, 1, 2), (1, 1, 1, 1), mode='circular').permute(0, 2, 3, 1)
    else: xp = xc.new_zeros(B, h + 2, w + 2, C); xp[:, 1:-1, 1:-1] = xc
    y = xc.new_empty(B, h, w, len(taps), C)
    for k, tk in enumerate(taps):
        yk = y[..., k, :]
        for t, (i, j, wt) in enumerate(tk):
            s = xp[:, i:i + h, j:j + w]
            if t == 0: torch.mul(s, wt, out=yk)
            else: yk.add_(s, alpha=wt)
    return y.view(B * h * w, -1)

def perceive_rows_T(gy: torch.Tensor, taps, shape, circular: bool) -> torch.Tensor:
    "The transpose of `perceive_rows`: (B*h*w, K*C) -> (B,h,w,C)."
    B, h, w, C = shape
    g = gy.view(B, h, w, len(taps), C)
    gp = gy.new_zeros(B, h + 2, w + 2, C)
    for k, tk in enumerate(taps):
        for (i, j, wt) in tk: gp[:, i:i + h, j:j + w].add_(g[..., k, :], alpha=wt)
    out = gp[:, 1:-1, 1:-1]
    if circular:                                                          # fold the wrapped border back
        out = out.clone()
        out[:, 0] += gp[:, -1, 1:-1]; out[:, -1] += gp[:, 0, 1:-1]
        out[:, :, 0] += gp[:, 1:-1, -1]; out[:, :, -1] += gp[:, 1:-1, 0]
        out[:, 0, 0] += gp[:, -1, -1]; out[:, 0, -1] += gp[:, -1, 0]; out[:, -1, 0] += gp[:, 0, -1]; out[:, -1, -1] += gp[:, 0, 0]
    return out

def _by_offset(taps):
    "{(i, j): [(kernel, weight), ...]}: the taps grouped by neighbour offset."
    out = {}
    for k, tk in enumerate(taps):
        for (i, j, wt) in tk: out.setdefault((i, j), []).append((k, wt))
    return out

def _padded_index(idx, h, w):
    "Flat indices into the (B, h+2, w+2) padded grid of the cells `idx` of the (B, h, w) grid."
    b, rem = idx // (h * w), idx % (h * w)
    return b * ((h + 2) * (w + 2)) + (rem // w + 1) * (w + 2) + rem % w + 1

def _pad_rows(xc, circular):
    B, h, w, C = xc.shape
    if circular: return F.pad(xc.permute(0, 3, 1, 2), (1, 1, 1, 1), mode='circular').permute(0, 2, 3, 1).reshape(-1, C)
    xp = xc.new_zeros(B, h + 2, w + 2, C); xp[:, 1:-1, 1:-1] = xc
    return xp.view(-1, C)

def perceive_at(xc: torch.Tensor, idx: torch.Tensor, taps, circular: bool) -> torch.Tensor:
    "The perception rows (kernel-major) of only the cells `idx` of (B,h,w,C) `xc`: a gather per neighbour offset."
    B, h, w, C = xc.shape
    xp, p = _pad_rows(xc, circular), _padded_index(idx, h, w)
    z = xc.new_empty(idx.numel(), len(taps), C)
    done = [False] * len(taps)
    for (i, j), ks in _by_offset(taps).items():
        G = xp.index_select(0, p + ((i - 1) * (w + 2) + (j - 1)))
        for k, wt in ks:
            if not done[k]: torch.mul(G, wt, out=z[:, k]); done[k] = True
            else: z[:, k].add_(G, alpha=wt)
    return z.view(idx.numel(), len(taps) * C)

def perceive_at_T(gz: torch.Tensor, idx: torch.Tensor, taps, shape, circular: bool) -> torch.Tensor:
    "The transpose of `perceive_at`: (n, K*C) -> (B,h,w,C), an index_add per neighbour offset."
    B, h, w, C = shape
    g = gz.view(-1, len(taps), C)
    gp = gz.new_zeros(B * (h + 2) * (w + 2), C)
    p = _padded_index(idx, h, w)
    for (i, j), ks in _by_offset(taps).items():
        v = g[:, ks[0][0]] * ks[0][1]
        for k, wt in ks[1:]: v.add_(g[:, k], alpha=wt)
        gp.index_add_(0, p + ((i - 1) * (w + 2) + (j - 1)), v)
    gp = gp.view(B, h + 2, w + 2, C)
    out = gp[:, 1:-1, 1:-1]
    if circular:
        out = out.clone()
        out[:, 0] += gp[:, -1, 1:-1]; out[:, -1] += gp[:, 0, 1:-1]
        out[:, :, 0] += gp[:, 1:-1, -1]; out[:, :, -1] += gp[:, 1:-1, 0]
        out[:, 0, 0] += gp[:, -1, -1]; out[:, 0, -1] += gp[:, -1, 0]; out[:, -1, 0] += gp[:, 0, -1]; out[:, -1, -1] += gp[:, 0, 0]
    return out

CHUNK = 4096     # rows per chunk of the MLP backward (0: one piece)
GATHER = False   # experiment switch: perception only at the act rows (gathers) instead of dense shifted adds + index_select

class NCAStepFn(torch.autograd.Function):
    "One NCA step of a channels-last (B,C,H,W) `x`; W1 (hidden, C*K) channel-major as NCA.w1; `fire` (B,1,H,W) bool or None."
    @staticmethod
    def forward(ctx, x, W1, b1, W2, b2, fire, taps, a, thr, circular, alive):
        B, C, H, W = x.shape
        K = len(taps)
        W1k = W1.view(W1.shape[0], C, K).transpose(1, 2).reshape(W1.shape[0], K * C)     # kernel-major columns
        xh = x.permute(0, 2, 3, 1)
        pre = dilate_hw(xh[..., a] > thr, circular) if alive else None
        box = (0, H, 0, W) if pre is None or circular else _bbox(pre)
        ctx.shape, ctx.taps, ctx.circular, ctx.box = (B, C, H, W), taps, circular, box
        if box is None:                                                   # nothing alive: the step gives zeros
            ctx.save_for_backward(); return torch.zeros_like(x)
        r0, r1, c0, c1 = box; h, w = r1 - r0, c1 - c0
        full = (h, w) == (H, W)
        xc = xh[:, r0:r1, c0:c1]
        prec = None if pre is None else pre[:, r0:r1, c0:c1]
        act = None if pre is None else dilate_hw(prec, circular)
        if fire is not None:
            fc = fire[:, 0, r0:r1, c0:c1]
            act = fc if act is None else act & fc
        idx = None if act is None else act.reshape(-1).nonzero().squeeze(1)
        if GATHER and idx is not None: z = perceive_at(xc, idx, taps, circular)
        else:
            y = perceive_rows(xc, taps, circular)
            z = y if idx is None else y.index_select(0, idx)
        hh = torch.addmm(b1, z, W1k.t()).relu_()
        d = torch.addmm(b2, hh, W2.t())
        xn = xc.reshape(-1, C)                                            # a view if the crop is contiguous: then copy
        if idx is None: xn = xn + d
        else:
            if xn.data_ptr() == xc.data_ptr(): xn = xn.clone()
            xn.index_add_(0, idx, d)
        m = None
        if pre is not None:
            m = (prec & dilate_hw(xn[:, a].view(B, h, w) > thr, circular)).reshape(-1, 1)
            xn.mul_(m)
        if full: out = xn.view(B, H, W, C)
        else: out = x.new_zeros(B, H, W, C); out[:, r0:r1, c0:c1] = xn.view(B, h, w, C)
        ctx.save_for_backward(W1k, W2, z, hh)
        ctx.idx, ctx.m, ctx.gather = idx, m, GATHER
        return out.permute(0, 3, 1, 2)

    @staticmethod
    def backward(ctx, g_out):
        B, C, H, W = ctx.shape
        none = (None,) * 6
        if ctx.box is None: return (torch.zeros_like(g_out), None, None, None, None) + none
        W1k, W2, z, hh = ctx.saved_tensors
        idx, m, K = ctx.idx, ctx.m, len(ctx.taps)
        r0, r1, c0, c1 = ctx.box; h, w = r1 - r0, c1 - c0
        gc = g_out.permute(0, 2, 3, 1)[:, r0:r1, c0:c1].reshape(-1, C)
        gxn = gc if m is None else gc * m
        gd = gxn if idx is None else gxn.index_select(0, idx)
        gW2, gb2 = gd.t().mm(hh), gd.sum(0)
        need_x = ctx.needs_input_grad[0]
        if CHUNK:     # row chunks: each chunk's gh (rows x hidden) stays in cache for its three uses (~25 % faster)
            n = gd.shape[0]
            gW1k, gb1 = W1k.new_zeros(W1k.shape), W1k.new_zeros(W1k.shape[0])
            gz = gd.new_empty(n, W1k.shape[1]) if need_x else None
            for s in range(0, n, CHUNK):
                sl = slice(s, s + CHUNK)
                gh = torch.ops.aten.threshold_backward(gd[sl].mm(W2), hh[sl], 0)
                gW1k.addmm_(gh.t(), z[sl]); gb1 += gh.sum(0)
                if need_x: torch.mm(gh, W1k, out=gz[sl])
        else:
            gh = torch.ops.aten.threshold_backward(gd.mm(W2), hh, 0)
            gW1k, gb1 = gh.t().mm(z), gh.sum(0)
            gz = gh.mm(W1k) if need_x else None
        gW1 = gW1k.view(-1, K, C).transpose(1, 2).reshape(gW1k.shape[0], C * K)
        if not need_x: return (None, gW1, gb1, gW2, gb2) + none
        if ctx.gather and idx is not None: gxc = perceive_at_T(gz, idx, ctx.taps, (B, h, w, C), ctx.circular).add_(gxn.view(B, h, w, C))
        else:
            gy = gz if idx is None else gz.new_zeros(B * h * w, K * C).index_copy_(0, idx, gz)
            gxc = perceive_rows_T(gy, ctx.taps, (B, h, w, C), ctx.circular).add_(gxn.view(B, h, w, C))
        if (h, w) == (H, W): gx = gxc
        else: gx = g_out.new_zeros(B, H, W, C); gx[:, r0:r1, c0:c1] = gxc
        return (gx.permute(0, 3, 1, 2), gW1, gb1, gW2, gb2) + none

def nca_step(model, x, generator=None):
    "Drop-in for `NCA.step` (x channels-last): the same fire-mask draw from `generator`, the same result."
    assert model.learned is None, 'learned filters: use the existing path'
    B, C, H, W = x.shape
    fire = None
    if model.fire_rate < 1: fire = torch.rand(B, 1, H, W, generator=generator, device=x.device, dtype=x.dtype) < model.fire_rate
    taps = getattr(model, '_taps', None)
    if taps is None: taps = model._taps = kernel_taps(model.kernel[:len(model.perception), 0].cpu())
    return NCAStepFn.apply(x, model.w1.weight.view(model.hidden, -1), model.w1.bias, model.w2.weight.view(model.channels, model.hidden),
                           model.w2.bias, fire, taps, model.n_visible - 1, model.alive_threshold, model.padding == 'circular', model.alive_masking)

def nca_rollout(model, x, steps, generator=None, grad=False):
    x = x.contiguous(memory_format=torch.channels_last)
    with torch.set_grad_enabled(grad):
        for _ in range(steps): x = nca_step(model, x, generator)
    return x
