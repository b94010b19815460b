"""The prototype fast step (bench/prototype_step.py, not part of the package yet) as a variant of bench/train_bench.py:
python bench/train_bench.py --extra bench/prototype_impls.py"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import prototype_step

class Proto:
    "One autograd Function per NCA step: the MLP only on the cells that can change, activations kept for the backward."
    def __init__(self, m): self.m, self.params = m, list(m.parameters())
    def rollout(self, x, steps, g, grad): return prototype_step.nca_rollout(self.m, x, steps, g, grad)

IMPLS = {'prototype': Proto}
