"""What one slider move costs: the widgets' PNG path against a matplotlib redraw, side by side in one run.

    .venv/bin/python bench/widgets_bench.py

For each frame size: (a) `FramePlayer`'s path — render the view, encode a PNG with Pillow (nearest-neighbour
upscaling), assign the bytes to the `ipywidgets.Image`, timed as `slider.value = k`; (b) the matplotlib way — an
`imshow` figure whose data is replaced with `set_data` and the figure drawn and written as a PNG (what an
inline backend sends per update); (c) the static twin's PNG encode per frame (native resolution). The frames are
uniform noise, the worst case for PNG. Prints medians of the CPU time the process used (what the work costs; on a
busy machine the wall-clock time adds the wait for a core, printed too) and the ratio b / a.
"""
import io, time
import numpy as np
import torch
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from nca_nb.widgets import FramePlayer, channel_ranges, view_rgb, png_bytes


def median_ms(f, n: int) -> tuple[float, float]:
    "Median CPU and wall-clock milliseconds of `f(i)` for i in range(n)."
    cpu, wall = [], []
    for i in range(n):
        t, c = time.perf_counter(), time.process_time(); f(i)
        wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
    return float(np.median(cpu) * 1000), float(np.median(wall) * 1000)


def main(n: int = 60):
    g = torch.Generator().manual_seed(0)
    print(f'{"frames":>12} {"PNG widget":>11} {"matplotlib":>11} {"ratio":>6} {"twin PNG":>9}   (CPU ms; wall ms in '
          f'brackets)')
    for C, nv, H in ((1, 1, 64), (3, 3, 64), (16, 4, 72), (3, 3, 128)):
        frames = torch.rand(n, C, H, H, generator=g)
        v = FramePlayer(frames, n_visible=nv)
        lo, hi = channel_ranges(frames, nv)
        def move(i): v.slider.value = (i + 1) % n
        a = median_ms(move, n)
        fig, ax = plt.subplots(figsize=(v.scale * H / 100, v.scale * H / 100), dpi=100)
        im = ax.imshow(view_rgb(frames[0], 'RGB', nv, lo, hi), interpolation='nearest'); ax.set_axis_off()
        def redraw(i):
            im.set_data(view_rgb(frames[i], 'RGB', nv, lo, hi)); buf = io.BytesIO(); fig.savefig(buf, format='png')
        b = median_ms(redraw, n)
        plt.close(fig)
        c = median_ms(lambda i: png_bytes(view_rgb(frames[i], 'RGB', nv, lo, hi)), n)
        print(f'{f"{C}x{H}x{H}":>12} {a[0]:9.2f}   {b[0]:9.2f}   {b[0] / a[0]:5.1f}x {c[0]:7.2f}   '
              f'({a[1]:.1f}, {b[1]:.1f}, {c[1]:.1f})')


if __name__ == '__main__':
    main()
