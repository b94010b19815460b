"""The picture at the top of README.md / the docs home page: frames of the three systems nca_nb simulates
and learns (the Gosper gun in the Game of Life, BZ spiral waves, the morphogenesis target). Writes nbs/images/overview.png."""  # noqa: E501
from pathlib import Path
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from nca_nb.life import simulate_life
from nca_nb.bz import simulate_bz, bz_colour
from nca_nb.morpho import load_target
from nca_nb.core import to_rgb

out = Path(__file__).resolve().parent.parent / 'nbs' / 'images' / 'overview.png'
gun = simulate_life('gun', 64, boundary='dead', steps=120).frames[:, :, :40, :52]
# seed 0 forms waves at 96²; several other seeds collapse to a uniform state
bz = simulate_bz(96, steps=300, seed=0).frames
fig, axs = plt.subplots(1, 7, figsize=(12, 2.1))
for ax, t in zip(axs[:3], (0, 60, 120)):
    ax.imshow(gun[t, 0], cmap='gray_r', interpolation='nearest'); ax.set_title(f'Life, gun, step {t}', fontsize=8)
col = bz_colour(bz)
for ax, t in zip(axs[3:5], (100, 300)):
    c = col[t]
    ax.imshow(c.permute(1, 2, 0).numpy(), interpolation='nearest'); ax.set_title(f'BZ, step {t}', fontsize=8)
for ax, name in zip(axs[5:], ('fox', 'cat')):
    ax.imshow(to_rgb(load_target(name)).permute(1, 2, 0).numpy(), interpolation='nearest')
    ax.set_title(f'morphogenesis target: {name}', fontsize=8)
for ax in axs: ax.set_axis_off()
fig.tight_layout(); fig.savefig(out, dpi=90); print(f'wrote {out}')
